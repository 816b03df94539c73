import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fontFiles, primaryFamily } from './fonts.js';
import { type FfmpegProgress, runFfmpeg, withTempDir } from './ffmpeg.js';
import { cameraMoveFilter } from './camera-move.js';
import type { CameraMove } from '../../core/ports.js';

/** A scene's picture: a provider's clip, or a camera move over a still that this encode renders. */
export type ScenePicture =
  | {
      /** Video for the scene (any codec ffmpeg reads), as delivered; resized and re-timed to the episode's format. */
      clipFile: string;
    }
  | { cameraMove: { keyframeFile: string; move: CameraMove } };

export type EpisodeScene = ScenePicture & {
  /** The scene's voice track; padded with silence or cut to the scene's length. */
  voiceFile: string;
  durationSeconds: number;
};

export interface AssembleEpisodeRequest {
  scenes: EpisodeScene[];
  /** On the episode timeline. */
  subtitlesSrtFile: string;
  /** BCP-47; picks the subtitle font. */
  language: string;
  width: number;
  height: number;
  fps: number;
  outputFile: string;
  /** Fraction of the episode encoded, 0..1, with ffmpeg's raw report. */
  onProgress?: (fraction: number, progress: FfmpegProgress) => void;
  /** libx264 preset; veryfast by default. */
  x264Preset?: string;
}

export interface AssembledEpisode {
  frameCount: number;
  durationSeconds: number;
}

const AUDIO_SAMPLE_RATE = 48_000;
/** Mean advance of a DejaVu Sans glyph in running Vietnamese or English text, in em (measured on rendered cues). */
const AVERAGE_LATIN_ADVANCE_EM = 0.5;

/**
 * Joins the scene clips and their voice tracks, burns the subtitles in and encodes
 * the episode in one ffmpeg pass: every frame is encoded exactly once here. A camera
 * move is rendered inside that pass, from its still, so the offline animatic's frames
 * are never encoded before.
 *
 * Scene boundaries are placed on the frame grid from the running total of scene
 * durations, so rounding never accumulates: the episode is exactly
 * round(sum of durations * fps) frames long.
 */
export async function assembleEpisode(request: AssembleEpisodeRequest): Promise<AssembledEpisode> {
  validate(request);
  const { width, height, fps } = request;
  const frameCounts = sceneFrameCounts(request.scenes.map((scene) => scene.durationSeconds), fps);
  const frameCount = frameCounts.reduce((sum, count) => sum + count, 0);
  const durationSeconds = frameCount / fps;

  await withTempDir(async (workDir) => {
    const srt = await readFile(request.subtitlesSrtFile, 'utf8');
    // libass refuses a file without cues, and an episode without dialogue is legitimate.
    const burnSubtitles = srt.includes('-->');
    if (burnSubtitles) {
      // A fixed name inside the work dir spares escaping an arbitrary path for the filter graph.
      await writeFile(path.join(workDir, 'subtitles.srt'), srt);
    }
    const fontconfigFile = burnSubtitles ? await prepareFonts(workDir) : undefined;

    // ffmpeg runs inside the work dir, so the caller's paths are pinned down first.
    const inputs = request.scenes.flatMap((scene) => ['-i', path.resolve(pictureFile(scene)), '-i', path.resolve(scene.voiceFile)]);
    const filterGraph = buildFilterGraph(request.scenes, frameCounts, { width, height, fps, language: request.language }, burnSubtitles);

    await runFfmpeg(
      [
        ...inputs,
        '-filter_complex', filterGraph,
        '-map', '[video]',
        '-map', '[audio]',
        '-c:v', 'libx264',
        '-preset', request.x264Preset ?? 'veryfast',
        '-crf', '21',
        '-pix_fmt', 'yuv420p',
        '-r', String(fps),
        '-c:a', 'aac',
        '-b:a', '128k',
        '-ar', String(AUDIO_SAMPLE_RATE),
        '-movflags', '+faststart',
        '-y', path.resolve(request.outputFile),
      ],
      {
        cwd: workDir,
        ...(fontconfigFile ? { env: { FONTCONFIG_FILE: fontconfigFile } } : {}),
        ...(request.onProgress
          ? {
              onProgress: (progress: FfmpegProgress) =>
                request.onProgress?.(progress.done ? 1 : Math.min(1, progress.outTimeSeconds / durationSeconds), progress),
            }
          : {}),
      },
    );
  });
  return { frameCount, durationSeconds };
}

/** Frames per scene, cut on the frame grid of the running total. */
export function sceneFrameCounts(durations: number[], fps: number): number[] {
  let elapsed = 0;
  let previousBoundary = 0;
  return durations.map((duration) => {
    elapsed += duration;
    const boundary = Math.round(elapsed * fps);
    const frames = boundary - previousBoundary;
    previousBoundary = boundary;
    return frames;
  });
}

interface EpisodeFormat {
  width: number;
  height: number;
  fps: number;
  language: string;
}

function pictureFile(scene: ScenePicture): string {
  return 'clipFile' in scene ? scene.clipFile : scene.cameraMove.keyframeFile;
}

/** The scene's picture as exactly `frames` frames of the episode's format. */
function pictureChain(scene: ScenePicture, input: number, frames: number, format: EpisodeFormat): string {
  const { width, height, fps } = format;
  if ('cameraMove' in scene) {
    return `[${input}:v]${cameraMoveFilter(scene.cameraMove.move, width, height, fps, frames)},trim=end_frame=${frames},setpts=PTS-STARTPTS`;
  }
  return [
    `[${input}:v]setpts=PTS-STARTPTS`,
    `fps=${fps}`,
    `scale=${width}:${height}:force_original_aspect_ratio=decrease`,
    `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2`,
    'setsar=1',
    'format=yuv420p',
    // A clip a little short of its scene holds its last frame rather than cutting early.
    `tpad=stop_mode=clone:stop_duration=${frames / fps}`,
    `trim=end_frame=${frames}`,
    'setpts=PTS-STARTPTS',
  ].join(',');
}

function buildFilterGraph(scenes: ScenePicture[], frameCounts: number[], format: EpisodeFormat, burnSubtitles: boolean): string {
  const { fps } = format;
  const chains: string[] = [];
  let elapsedFrames = 0;
  frameCounts.forEach((frames, index) => {
    // Audio samples are cut at the same frame boundaries so sound never drifts from picture.
    const sampleStart = Math.round((elapsedFrames / fps) * AUDIO_SAMPLE_RATE);
    elapsedFrames += frames;
    const samples = Math.round((elapsedFrames / fps) * AUDIO_SAMPLE_RATE) - sampleStart;
    const video = index * 2;
    const voice = video + 1;
    chains.push(
      `${pictureChain(scenes[index]!, video, frames, format)}[v${index}]`,
      [
        `[${voice}:a]aresample=${AUDIO_SAMPLE_RATE}`,
        'aformat=sample_fmts=fltp:channel_layouts=stereo',
        'asetpts=PTS-STARTPTS',
        'apad',
        `atrim=end_sample=${samples}`,
        `asetpts=PTS-STARTPTS[a${index}]`,
      ].join(','),
    );
  });
  const concatInputs = frameCounts.map((_, index) => `[v${index}][a${index}]`).join('');
  if (burnSubtitles) {
    chains.push(`${concatInputs}concat=n=${frameCounts.length}:v=1:a=1[joined][audio]`);
    chains.push(`[joined]subtitles=filename=subtitles.srt:fontsdir=fonts:force_style='${subtitleStyle(format)}'[video]`);
  } else {
    chains.push(`${concatInputs}concat=n=${frameCounts.length}:v=1:a=1[video][audio]`);
  }
  return chains.join(';');
}

/**
 * Sizes are in pixels because PlayResX/Y are set to the frame size. The font is as
 * large as the height allows while a full subtitle line (42 Latin characters or
 * 16 CJK ones, see subtitles.ts) still fits the width, so vertical video never
 * wraps to a third line. Text sits in the lower third, above where phone apps
 * overlay their own controls.
 */
function subtitleStyle({ width, height, language }: EpisodeFormat): string {
  const family = primaryFamily(language);
  const cjk = family === 'Noto Sans Hans';
  const usableWidth = width * 0.9;
  const widthLimited = cjk ? usableWidth / 16 : usableWidth / (42 * AVERAGE_LATIN_ADVANCE_EM);
  const fontSize = Math.max(10, Math.round(Math.min(height * 0.034, widthLimited)));
  const style = {
    PlayResX: width,
    PlayResY: height,
    FontName: family,
    FontSize: fontSize,
    PrimaryColour: '&H00FFFFFF',
    OutlineColour: '&H00000000',
    BackColour: '&H80000000',
    BorderStyle: 1,
    Outline: Math.max(1, Math.round(fontSize * 0.09)),
    Shadow: Math.max(1, Math.round(fontSize * 0.04)),
    Alignment: 2,
    MarginL: Math.round(width * 0.05),
    MarginR: Math.round(width * 0.05),
    MarginV: Math.round(height * 0.16),
  };
  return Object.entries(style)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/**
 * libass finds fonts through fontconfig. The static ffmpeg's fontconfig cannot
 * parse a modern /etc/fonts (a warning per file) and Lambda has no /etc/fonts at
 * all (an error), so it gets a config of its own that knows only our fonts and
 * keeps its cache in the work dir.
 */
async function prepareFonts(workDir: string): Promise<string> {
  const fontsDir = path.join(workDir, 'fonts');
  const cacheDir = path.join(workDir, 'fontconfig-cache');
  await mkdir(fontsDir);
  await mkdir(cacheDir);
  for (const font of fontFiles()) {
    await symlink(font.file, path.join(fontsDir, path.basename(font.file)));
  }
  const configFile = path.join(workDir, 'fonts.conf');
  await writeFile(
    configFile,
    [
      '<?xml version="1.0"?>',
      '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
      '<fontconfig>',
      `  <dir>${escapeXml(fontsDir)}</dir>`,
      `  <cachedir>${escapeXml(cacheDir)}</cachedir>`,
      '</fontconfig>',
      '',
    ].join('\n'),
  );
  return configFile;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function validate(request: AssembleEpisodeRequest): void {
  const problems: string[] = [];
  if (request.scenes.length === 0) problems.push('an episode needs at least one scene');
  if (!Number.isInteger(request.width) || request.width < 2 || request.width % 2 !== 0) problems.push(`width must be even, got ${request.width}`);
  if (!Number.isInteger(request.height) || request.height < 2 || request.height % 2 !== 0) problems.push(`height must be even, got ${request.height}`);
  if (!(request.fps > 0) || !Number.isFinite(request.fps)) problems.push(`fps must be positive, got ${request.fps}`);
  const frameCounts = sceneFrameCounts(request.scenes.map((scene) => scene.durationSeconds), request.fps);
  request.scenes.forEach((scene, index) => {
    if (!(scene.durationSeconds > 0) || (frameCounts[index] ?? 0) < 1) {
      problems.push(`scene ${index} must last at least one frame, got ${scene.durationSeconds} s`);
    }
  });
  if (problems.length > 0) throw new RangeError(`cannot assemble the episode: ${problems.join('; ')}`);
}
