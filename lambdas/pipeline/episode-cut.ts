import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assembleEpisode, type ScenePicture, sceneFrameCounts } from '../adapters/media/episode-assembly.js';
import { buildDialogueStem, measureLoudness, mixEpisodeAudio } from '../adapters/media/episode-audio.js';
import { checkEpisode } from '../adapters/media/episode-qa.js';
import { probeMedia } from '../adapters/media/ffmpeg.js';
import { glyphCoverage } from '../adapters/media/font-coverage.js';
import { fontFamiliesFor, fontFiles } from '../adapters/media/fonts.js';
import { EpisodeQaFailed, MediaToolFailed } from '../core/contracts/errors.js';
import { assetKeys, type SceneRef, sceneLabel } from '../core/contracts/keys.js';
import type { CameraMoveClip, MusicBed, MusicBedRequest } from '../core/contracts/ports.js';
import { sha256 } from '../core/domain/content-hash.js';
import type { EpisodeAudio, EpisodeExports, EpisodeQa } from '../core/domain/scene-artifacts.js';
import type { Manifest, ManifestEpisode, ManifestScene } from '../core/manifest/schema.js';
import { estimateUsd } from '../core/pricing/estimates.js';
import { resolveSubtitleStyle, subtitleOptionsFor } from '../core/text/subtitle-style.js';
import { offsetCues, type SubtitleCue, subtitlePages, toSrt, toVtt } from '../core/text/subtitles.js';
import { writeEditorExports } from './editor-exports.js';
import { paidCall, type ResultCodec } from './paid-call.js';
import type { StageDeps } from './stage-deps.js';

/**
 * One cut of an episode from its scenes' pictures and voices: the master's (assemble-episode),
 * or a dub's over the master's pictures (dub-episode). Both are mixed, encoded and checked
 * the same way, so a dub is held to the master's loudness and QA.
 */

const musicCodec: ResultCodec<MusicBed> = {
  encode: ({ wav, ...timing }) => ({ header: timing, payload: wav }),
  decode: (header, payload) => ({ ...(header as Omit<MusicBed, 'wav'>), wav: payload }),
};

export interface CutScene {
  scene: ManifestScene;
  picture: ScenePicture;
  durationSeconds: number;
  voiceWav: Buffer;
  /** From the start of the scene. */
  cues: SubtitleCue[];
  /** Seconds at the scene's end its picture holds its last frame for a dub's voice to finish. */
  holdSeconds?: number;
}

/** Where a cut is, for whoever follows the production: its steps, and the encode's share done. */
export interface CutProgress {
  step(step: 'mixing the sound' | 'checking the episode'): Promise<void>;
  encoded(fraction: number): Promise<void>;
}

export interface EpisodeCut {
  /** The encoded MP4, in the work directory. */
  file: string;
  /** The music bed before it was ducked, which the editor's exports place on a track of its own. */
  musicWav: Buffer;
  durationSeconds: number;
  /** On the episode's timeline. */
  cues: SubtitleCue[];
  audio: EpisodeAudio;
  qa: EpisodeQa;
}

/**
 * Lays the scenes end to end: the voices over the episode's music bed, ducked and normalised
 * to −14 LUFS, the subtitles burned in the language's fonts, encoded once; then measured and
 * checked (QA, docs/audio-and-qa.md). Nothing is delivered here.
 */
export async function cutEpisode(
  deps: StageDeps<'music'>,
  input: {
    manifest: Manifest;
    episode: ManifestEpisode;
    language: string;
    scenes: CutScene[];
    workDir: string;
    name: string;
    progress?: CutProgress;
  },
): Promise<EpisodeCut> {
  const { manifest, episode, language, scenes, workDir } = input;
  const cues: SubtitleCue[] = [];
  const voiceFiles = [];
  const holds = [];
  let offsetSeconds = 0;
  for (const scene of scenes) {
    const voiceFile = path.join(workDir, `${input.name}.${scene.scene.id}.wav`);
    await writeFile(voiceFile, scene.voiceWav);
    voiceFiles.push(voiceFile);
    cues.push(...offsetCues(scene.cues, offsetSeconds));
    offsetSeconds += scene.durationSeconds;
    if (scene.holdSeconds) holds.push({ startSeconds: offsetSeconds - scene.holdSeconds, endSeconds: offsetSeconds });
  }
  const subtitleLook = resolveSubtitleStyle(manifest.subtitles, manifest.format);
  const layout = subtitleOptionsFor(subtitleLook);
  const { fps } = manifest.format;
  const frameCounts = sceneFrameCounts(
    scenes.map((scene) => scene.durationSeconds),
    fps,
  );
  await input.progress?.step('mixing the sound');
  const dialogueFile = path.join(workDir, `${input.name}.dialogue.wav`);
  await buildDialogueStem({ voiceFiles, frameCounts, fps, outputFile: dialogueFile });
  const music = await composeMusicBed(
    deps,
    manifest,
    episode.id,
    scenes.map((scene) => scene.scene),
    frameCounts.map((frames) => frames / fps),
  );
  const musicFile = path.join(workDir, `${input.name}.music.wav`);
  await writeFile(musicFile, music.bed.wav);
  const audioFile = path.join(workDir, `${input.name}.mix.wav`);
  const mix = await mixEpisodeAudio({ dialogueFile, musicFile, outputFile: audioFile });

  const file = path.join(workDir, `${input.name}.mp4`);
  const assembled = await assembleEpisode({
    scenes: scenes.map((scene) => ({ ...scene.picture, durationSeconds: scene.durationSeconds })),
    audioFile,
    subtitlePages: subtitlePages(cues, layout),
    subtitleLook,
    language,
    width: manifest.format.width,
    height: manifest.format.height,
    fps,
    outputFile: file,
    ...(input.progress && { onProgress: (fraction: number) => void input.progress!.encoded(fraction) }),
  });
  if (assembled.subtitleGraphemesLeftOut.length > 0) {
    deps.logger.warn(
      'no subtitle font draws these graphemes; they are left out of the burned subtitles and kept in SRT and VTT',
      {
        cut: input.name,
        graphemes: assembled.subtitleGraphemesLeftOut,
      },
    );
  }
  await input.progress?.step('checking the episode');
  const probe = await probeMedia(file);
  if (probe.durationSeconds === undefined) throw new MediaToolFailed(`ffprobe reported no duration for ${input.name}`);
  const loudness = await measureLoudness(file);
  // The burned cues are what the subtitle track drew: the language's fonts, without what none of them draws.
  const coverage = await glyphCoverage(language);
  const burnedCues = cues
    .map((cue) => ({ ...cue, text: coverage.drawableText(cue.text) }))
    .filter((cue) => cue.text.trim().length > 0);
  const subtitleFonts = fontFiles()
    .filter((font) => fontFamiliesFor(language).includes(font.family))
    .map((font) => font.file);
  const qa = await checkEpisode({
    videoFile: file,
    dialogueFile,
    cues,
    burnedCues,
    fontFiles: subtitleFonts,
    fps,
    loudness,
    holds,
  });
  deps.logger.info('episode checked', { cut: input.name, qaPassed: qa.passed, loudness });
  return {
    file,
    musicWav: music.bed.wav,
    durationSeconds: probe.durationSeconds,
    cues,
    audio: {
      loudness: { ...loudness, normalization: mix.normalization },
      music: { provider: music.provider, model: music.model, moods: music.moods },
    },
    qa,
  };
}

/**
 * Writes a cut that passed QA to its delivery keys: `<stem>.mp4`, `.srt`, `.vtt`, and the
 * editor's exports (`.otio`, `.fcpxml`, `.voices.wav`, `.music.wav`). The stem is the episode's id, and
 * `<episode>.<language>` for a dub.
 */
export async function deliverCut(
  deps: StageDeps,
  input: {
    productionId: string;
    manifest: Manifest;
    episode: ManifestEpisode;
    stem: string;
    cut: EpisodeCut;
    scenes: CutScene[];
  },
): Promise<EpisodeExports> {
  const { productionId, manifest, stem, cut } = input;
  const layout = subtitleOptionsFor(resolveSubtitleStyle(manifest.subtitles, manifest.format));
  await deps.assets.putBytes(assetKeys.episode(productionId, stem, 'mp4'), await readFile(cut.file), 'video/mp4');
  await deps.assets.putBytes(
    assetKeys.episode(productionId, stem, 'srt'),
    toSrt(cut.cues, layout),
    'application/x-subrip',
  );
  await deps.assets.putBytes(assetKeys.episode(productionId, stem, 'vtt'), toVtt(cut.cues, layout), 'text/vtt');
  return writeEditorExports(deps, {
    productionId,
    manifest,
    episode: { id: stem, title: input.episode.title },
    scenes: input.scenes.map((scene) => ({
      id: scene.scene.id,
      durationSeconds: scene.durationSeconds,
      voiceWav: scene.voiceWav,
    })),
    musicWav: cut.musicWav,
    cues: cut.cues,
  });
}

export function qaFailure(name: string, qa: EpisodeQa): EpisodeQaFailed {
  const failed = qa.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.detail}`);
  return new EpisodeQaFailed(`episode ${name} failed QA, not delivered: ${failed.join('; ')}`);
}

/**
 * The scene's picture as its video and lip-sync stages left it (the scene's row names the clip):
 * an MP4 (a provider's, or the lip-synced clip), or a camera move whose still is the scene's keyframe, checked against
 * the one the move was planned over.
 */
export async function scenePicture(
  deps: StageDeps,
  ref: SceneRef,
  clipKey: string | undefined,
  workDir: string,
): Promise<ScenePicture> {
  if (clipKey === assetKeys.cameraMove(ref)) {
    const [plan, keyframe] = await Promise.all([
      deps.assets.getJson<CameraMoveClip['cameraMove']>(clipKey),
      deps.assets.getBytes(`${assetKeys.keyframe(ref)}.png`),
    ]);
    if (sha256(keyframe) !== plan.keyframeSha256) {
      throw new MediaToolFailed(
        `the keyframe of ${sceneLabel(ref)} is not the one its camera move was planned over; render its video again`,
      );
    }
    const keyframeFile = path.join(workDir, `${ref.sceneId}.png`);
    await writeFile(keyframeFile, keyframe);
    return { cameraMove: { keyframeFile, move: plan.move } };
  }
  const clipFile = path.join(workDir, `${ref.sceneId}.mp4`);
  await writeFile(clipFile, await deps.assets.getBytes(clipKey ?? assetKeys.clip(ref)));
  return { clipFile };
}

/**
 * The episode's music bed, one section per scene following its mood, through the paid-call
 * path like every provider call (cached, and priced when the model bills): a dub whose scenes
 * keep the master's lengths lays the master's bed, from the cache.
 */
async function composeMusicBed(
  deps: StageDeps<'music'>,
  manifest: Manifest,
  episodeId: string,
  scenes: ManifestScene[],
  sectionSeconds: number[],
) {
  const { music } = await deps.providers(manifest);
  const request: MusicBedRequest = {
    episodeId,
    seed: manifest.seed,
    sections: scenes.map((scene, index) => ({
      ...(scene.mood ? { mood: scene.mood } : {}),
      outline: scene.outline,
      durationSeconds: sectionSeconds[index]!,
    })),
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
  return {
    bed: result,
    provider: music.provider,
    model: music.model,
    moods: scenes.map((scene) => scene.mood ?? 'unstated'),
  };
}
