import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as z from 'zod';
import { EpisodeQaFailed, MediaToolFailed } from '../../core/errors.js';
import { contentHash, sha256 } from '../../core/content-hash.js';
import { estimateUsd } from '../../core/estimates.js';
import { assetKeys, sceneLabel, type SceneRef } from '../../core/keys.js';
import type { Manifest } from '../../core/manifest/schema.js';
import type { CameraMoveClip, MusicBed, MusicBedRequest } from '../../core/ports.js';
import { buildDialogueStem, measureLoudness, mixEpisodeAudio } from '../../adapters/media/episode-audio.js';
import { assembleEpisode, sceneFrameCounts, type ScenePicture } from '../../adapters/media/episode-assembly.js';
import { checkEpisode } from '../../adapters/media/episode-qa.js';
import { probeMedia } from '../../adapters/media/ffmpeg.js';
import { glyphCoverage } from '../../adapters/media/font-coverage.js';
import { fontFamiliesFor, fontFiles } from '../../adapters/media/fonts.js';
import type { EpisodeQa, EpisodeSummary, StoredVoiceCues } from '../../core/scene-artifacts.js';
import { paidCall, type ResultCodec } from '../../pipeline/paid-call.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { assemblyProgress } from './assembly-progress.js';
import { writeEditorExports } from './editor-exports.js';
import { resolveSubtitleStyle, subtitleOptionsFor } from '../../core/subtitle-style.js';
import { offsetCues, subtitlePages, toSrt, toVtt, type SubtitleCue } from '../../core/subtitles.js';

/** Part of the inputs hash: a change to how the sound is mixed or checked is a new episode. */
const AUDIO_AND_QA_VERSION = 'bed-ducked-limited-loudnorm-2pass+qa-v2';

const musicCodec: ResultCodec<MusicBed> = {
  encode: ({ wav, ...timing }) => ({ header: timing, payload: wav }),
  decode: (header, payload) => ({ ...(header as Omit<MusicBed, 'wav'>), wav: payload }),
};

export const AssembleEpisodeEventSchema = z.object({
  productionId: z.string().regex(/^[a-z0-9-]{3,63}$/),
  episodeId: z.string().regex(/^[a-z0-9-]{1,63}$/),
});

/**
 * Lays the episode's finished scenes end to end: one MP4 with the voices over a ducked
 * music bed, normalised to −14 LUFS, and burned subtitles, plus SRT and VTT on the
 * episode's timeline, and the editor's exports (OTIO, FCPXML and the voice stem they place).
 * Scenes that did not finish are left out; an episode with none is not assembled. The MP4 is
 * checked (QA, docs/audio-and-qa.md) before anything is delivered: an episode that fails a
 * hard check keeps its findings in its summary, is not written to its delivery keys, and
 * stops with EpisodeQaFailed.
 */
export async function assembleEpisodeStage(event: z.output<typeof AssembleEpisodeEventSchema>, deps: StageDeps) {
  const manifest = await deps.loadManifest(event.productionId);
  const episode = manifest.episodes.find((e) => e.id === event.episodeId);
  if (!episode) throw new Error(`episode ${event.episodeId} is not in production ${event.productionId}`);
  const records = new Map(
    (await deps.productions.listScenes(event.productionId)).filter((s) => s.episodeId === episode.id).map((s) => [s.sceneId, s]),
  );
  const finished = episode.scenes.filter((scene) => records.get(scene.id)?.status === 'COMPLETE');
  if (finished.length === 0) {
    deps.logger.warn('no finished scenes to assemble', { episodeId: episode.id });
    return { episodeId: episode.id, assembled: false };
  }

  const inputsHash = await assemblyInputsHash(
    deps,
    manifest,
    event.productionId,
    episode.id,
    finished.map((s) => ({ sceneId: s.id, clipKey: records.get(s.id)?.assets?.clip })),
  );
  const previous = await deps.assets.findJson<EpisodeSummary>(assetKeys.episodeSummary(event.productionId, episode.id));
  if (previous?.inputsHash === inputsHash && previous.qa && !previous.qa.passed) throw qaFailure(episode.id, previous.qa);
  if (previous?.inputsHash === inputsHash && previous.file && previous.exports && (await deps.assets.exists(assetKeys.episode(event.productionId, episode.id, 'mp4')))) {
    deps.logger.info('episode inputs unchanged; keeping the assembled MP4', { episodeId: episode.id });
    return { episodeId: episode.id, assembled: true, reused: true };
  }

  const progress = assemblyProgress(deps, event.productionId, episode.id);
  await progress.step('reading the scenes');
  const workDir = await mkdtemp(path.join(os.tmpdir(), `dramaforge-${episode.id}-`));
  try {
    const scenes = [];
    const voices = [];
    const voiceFiles = [];
    const cues: SubtitleCue[] = [];
    let offsetSeconds = 0;
    for (const scene of finished) {
      const ref = { productionId: event.productionId, episodeId: episode.id, sceneId: scene.id };
      const voiceFile = path.join(workDir, `${scene.id}.wav`);
      const [picture, voice, timing] = await Promise.all([
        scenePicture(deps, ref, records.get(scene.id)?.assets?.clip, workDir),
        deps.assets.getBytes(assetKeys.voice(ref)),
        deps.assets.getJson<StoredVoiceCues>(assetKeys.voiceCues(ref)),
      ]);
      await writeFile(voiceFile, voice);
      scenes.push({ ...picture, durationSeconds: timing.durationSeconds });
      voiceFiles.push(voiceFile);
      voices.push({ id: scene.id, durationSeconds: timing.durationSeconds, voiceWav: voice });
      cues.push(
        ...offsetCues(
          timing.cues.map((cue) => ({ startSeconds: cue.startSeconds, endSeconds: cue.endSeconds, text: cue.text, speaker: cue.speaker })),
          offsetSeconds,
        ),
      );
      offsetSeconds += timing.durationSeconds;
    }
    const subtitleLook = resolveSubtitleStyle(manifest.subtitles, manifest.format);
    const layout = subtitleOptionsFor(subtitleLook);
    const srt = toSrt(cues, layout);
    const { fps } = manifest.format;
    const frameCounts = sceneFrameCounts(scenes.map((scene) => scene.durationSeconds), fps);
    await progress.step('mixing the sound');
    const dialogueFile = path.join(workDir, 'dialogue.wav');
    await buildDialogueStem({ voiceFiles, frameCounts, fps, outputFile: dialogueFile });
    const music = await composeMusicBed(deps, manifest, episode.id, finished, frameCounts.map((frames) => frames / fps));
    const musicFile = path.join(workDir, 'music.wav');
    await writeFile(musicFile, music.bed.wav);
    const audioFile = path.join(workDir, 'mix.wav');
    const mix = await mixEpisodeAudio({ dialogueFile, musicFile, outputFile: audioFile });

    const outputFile = path.join(workDir, `${episode.id}.mp4`);
    const assembled = await assembleEpisode({
      scenes,
      audioFile,
      subtitlePages: subtitlePages(cues, layout),
      subtitleLook,
      language: manifest.language,
      width: manifest.format.width,
      height: manifest.format.height,
      fps: manifest.format.fps,
      outputFile,
      onProgress: (fraction) => void progress.encoded(fraction),
    });
    if (assembled.subtitleGraphemesLeftOut.length > 0) {
      deps.logger.warn('no subtitle font draws these graphemes; they are left out of the burned subtitles and kept in SRT and VTT', {
        episodeId: episode.id,
        graphemes: assembled.subtitleGraphemesLeftOut,
      });
    }
    await progress.step('checking the episode');
    const probe = await probeMedia(outputFile);
    if (probe.durationSeconds === undefined) throw new MediaToolFailed(`ffprobe reported no duration for episode ${episode.id}`);
    const loudness = await measureLoudness(outputFile);
    // The burned cues are what the subtitle track drew: the language's fonts, without what none of them draws.
    const coverage = await glyphCoverage(manifest.language);
    const burnedCues = cues.map((cue) => ({ ...cue, text: coverage.drawableText(cue.text) })).filter((cue) => cue.text.trim().length > 0);
    const subtitleFonts = fontFiles()
      .filter((font) => fontFamiliesFor(manifest.language).includes(font.family))
      .map((font) => font.file);
    const qa = await checkEpisode({ videoFile: outputFile, dialogueFile, cues, burnedCues, fontFiles: subtitleFonts, fps, loudness });
    const summary: EpisodeSummary = {
      episodeId: episode.id,
      durationSeconds: probe.durationSeconds,
      sceneIds: finished.map((s) => s.id),
      inputsHash,
      audio: { loudness: { ...loudness, normalization: mix.normalization }, music: { provider: music.provider, model: music.model, moods: music.moods } },
      qa,
    };
    deps.logger.info('episode checked', { episodeId: episode.id, qaPassed: qa.passed, loudness });
    if (!qa.passed) {
      await deps.assets.putJson(assetKeys.episodeSummary(event.productionId, episode.id), summary);
      throw qaFailure(episode.id, qa);
    }
    await progress.step('writing the deliverables');
    await deps.assets.putBytes(assetKeys.episode(event.productionId, episode.id, 'mp4'), await readFile(outputFile), 'video/mp4');
    await deps.assets.putBytes(assetKeys.episode(event.productionId, episode.id, 'srt'), srt, 'application/x-subrip');
    await deps.assets.putBytes(assetKeys.episode(event.productionId, episode.id, 'vtt'), toVtt(cues, layout), 'text/vtt');
    summary.exports = await writeEditorExports(deps, { productionId: event.productionId, manifest, episode, scenes: voices, musicWav: music.bed.wav, cues });
    summary.file = `${episode.id}.mp4`;
    await deps.assets.putJson(assetKeys.episodeSummary(event.productionId, episode.id), summary);
    return { episodeId: episode.id, assembled: true, reused: false };
  } finally {
    await progress.step('done');
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * The scene's picture as its video and lip-sync stages left it (the scene's row names the clip):
 * an MP4 (a provider's, or the lip-synced clip), or a camera move whose still is the scene's keyframe, checked against
 * the one the move was planned over.
 */
async function scenePicture(deps: StageDeps, ref: SceneRef, clipKey: string | undefined, workDir: string): Promise<ScenePicture> {
  if (clipKey === assetKeys.cameraMove(ref)) {
    const [plan, keyframe] = await Promise.all([
      deps.assets.getJson<CameraMoveClip['cameraMove']>(clipKey),
      deps.assets.getBytes(`${assetKeys.keyframe(ref)}.png`),
    ]);
    if (sha256(keyframe) !== plan.keyframeSha256) {
      throw new MediaToolFailed(`the keyframe of ${sceneLabel(ref)} is not the one its camera move was planned over; render its video again`);
    }
    const keyframeFile = path.join(workDir, `${ref.sceneId}.png`);
    await writeFile(keyframeFile, keyframe);
    return { cameraMove: { keyframeFile, move: plan.move } };
  }
  const clipFile = path.join(workDir, `${ref.sceneId}.mp4`);
  await writeFile(clipFile, await deps.assets.getBytes(clipKey ?? assetKeys.clip(ref)));
  return { clipFile };
}

function qaFailure(episodeId: string, qa: EpisodeQa): EpisodeQaFailed {
  const failed = qa.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.detail}`);
  return new EpisodeQaFailed(`episode ${episodeId} failed QA, not delivered: ${failed.join('; ')}`);
}

/**
 * The episode's music bed, one section per finished scene following its mood, through the
 * paid-call path like every provider call (cached, and priced when the model bills).
 */
async function composeMusicBed(
  deps: StageDeps,
  manifest: Manifest,
  episodeId: string,
  scenes: Manifest['episodes'][number]['scenes'],
  sectionSeconds: number[],
) {
  const { music } = await deps.providers(manifest);
  const request: MusicBedRequest = {
    episodeId,
    seed: manifest.seed,
    sections: scenes.map((scene, index) => ({ ...(scene.mood ? { mood: scene.mood } : {}), outline: scene.outline, durationSeconds: sectionSeconds[index]! })),
  };
  const { result } = await paidCall(deps, {
    productionId: manifest.production,
    priority: manifest.priority,
    stage: 'music',
    provider: music.provider,
    model: music.model,
    inputs: request,
    estimateUsd: estimateUsd(music, { musicSeconds: sectionSeconds.reduce((sum, s) => sum + s, 0) }),
    codec: musicCodec,
    call: (options) => music.port.composeBed(request, options),
  });
  return { bed: result, provider: music.provider, model: music.model, moods: scenes.map((scene) => scene.mood ?? 'unstated') };
}

/**
 * What the episode is made of: each finished scene's clip, voice track and cue timing
 * (by ETag, a content hash), the format and the language. Equal hashes mean an equal MP4.
 */
async function assemblyInputsHash(
  deps: StageDeps,
  manifest: Manifest,
  productionId: string,
  episodeId: string,
  sceneClips: { sceneId: string; clipKey: string | undefined }[],
) {
  const scenes = [];
  for (const { sceneId, clipKey } of sceneClips) {
    const ref = { productionId, episodeId, sceneId };
    const cameraMove = clipKey === assetKeys.cameraMove(ref);
    scenes.push({
      sceneId,
      clip: await deps.assets.etag(clipKey ?? assetKeys.clip(ref)),
      ...(cameraMove ? { keyframe: await deps.assets.etag(`${assetKeys.keyframe(ref)}.png`) } : {}),
      voice: await deps.assets.etag(assetKeys.voice(ref)),
      cues: await deps.assets.etag(assetKeys.voiceCues(ref)),
    });
  }
  const moods = manifest.episodes.find((e) => e.id === episodeId)?.scenes.filter((s) => sceneClips.some((c) => c.sceneId === s.id)).map((s) => [s.mood, s.outline]);
  return contentHash({ format: manifest.format, language: manifest.language, subtitles: manifest.subtitles ?? null, seed: manifest.seed, moods, audioAndQa: AUDIO_AND_QA_VERSION, scenes });
}
