import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { joinScenes } from '../adapters/media/episode-assembly.js';
import { buildDialogueStem, measureLoudness, mixEpisodeAudio } from '../adapters/media/episode-audio.js';
import { checkEpisode } from '../adapters/media/episode-qa.js';
import { probeMedia } from '../adapters/media/ffmpeg.js';
import { glyphCoverage } from '../adapters/media/font-coverage.js';
import { fontFamiliesFor, fontFiles } from '../adapters/media/fonts.js';
import { sceneFrameCounts } from '../adapters/media/scene-encode.js';
import { EpisodeQaFailed, MediaToolFailed } from '../core/contracts/errors.js';
import { assetKeys } from '../core/contracts/keys.js';
import type { MusicBed, MusicBedRequest } from '../core/contracts/ports.js';
import type { EpisodeAudio, EpisodeExports, EpisodeQa } from '../core/domain/scene-artifacts.js';
import type { Manifest, ManifestEpisode, ManifestScene } from '../core/manifest/schema.js';
import { estimateUsd } from '../core/pricing/estimates.js';
import { resolveSubtitleStyle, subtitleOptionsFor } from '../core/text/subtitle-style.js';
import { offsetCues, type SubtitleCue, toSrt, toVtt } from '../core/text/subtitles.js';
import { writeEditorExports } from './editor-exports.js';
import { paidCall, type ResultCodec } from './paid-call.js';
import type { StageDeps } from './stage-deps.js';

/**
 * One cut of an episode from its scenes' encoded videos and voices: the master's
 * (assemble-episode, over the videos Encode scene wrote), or a dub's over the master's pictures
 * (dub-episode, which encodes its own scenes with its subtitles). Both are mixed, joined and
 * checked the same way, so a dub is held to the master's loudness and QA.
 */

const musicCodec: ResultCodec<MusicBed> = {
  encode: ({ wav, ...timing }) => ({ header: timing, payload: wav }),
  decode: (header, payload) => ({ ...(header as Omit<MusicBed, 'wav'>), wav: payload }),
};

export interface CutScene {
  scene: ManifestScene;
  /** The scene's picture with its subtitles burned in (scene-picture.ts). */
  videoFile: string;
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
 * Lays the scenes' videos end to end without encoding them again, under the voices over the
 * episode's music bed, ducked and normalised to −14 LUFS in one pass over the whole mix; then
 * measured and checked (QA, docs/audio-and-qa.md). Nothing is delivered here.
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
  const { fps } = manifest.format;
  const frameCounts = sceneFrameCounts(
    scenes.map((scene) => scene.durationSeconds),
    fps,
  );
  const cues: SubtitleCue[] = [];
  const voiceFiles = [];
  const holds = [];
  let offsetFrames = 0;
  for (const [index, scene] of scenes.entries()) {
    const voiceFile = path.join(workDir, `${input.name}.${scene.scene.id}.wav`);
    await writeFile(voiceFile, scene.voiceWav);
    voiceFiles.push(voiceFile);
    // Placed where the scene's burned subtitles are: at its first frame on the episode's grid.
    cues.push(...offsetCues(scene.cues, offsetFrames / fps));
    offsetFrames += frameCounts[index]!;
    const sceneEndSeconds = offsetFrames / fps;
    if (scene.holdSeconds)
      holds.push({ startSeconds: sceneEndSeconds - scene.holdSeconds, endSeconds: sceneEndSeconds });
  }
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
  await joinScenes({
    sceneFiles: scenes.map((scene) => scene.videoFile),
    frameCounts,
    audioFile,
    fps,
    outputFile: file,
    ...(input.progress && { onProgress: (fraction: number) => void input.progress!.encoded(fraction) }),
  });
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
