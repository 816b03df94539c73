import path from 'node:path';
import type { CameraMove } from '../../core/contracts/ports.js';
import type { SubtitleLook } from '../../core/text/subtitle-style.js';
import type { SubtitlePage } from '../../core/text/subtitles.js';
import { cameraMoveFilter } from './camera-move.js';
import { EPISODE_AUDIO_SAMPLE_RATE } from './episode-audio.js';
import { type FfmpegProgress, runFfmpeg, withTempDir } from './ffmpeg.js';
import { renderSubtitleTrack } from './subtitle-track.js';

/** A scene's picture: a provider's clip, or a camera move over a still that this encode renders. */
export type ScenePicture =
  | {
      /** Video for the scene (any codec, size, fps and length ffmpeg reads), as delivered: this pass fits it to the scene. */
      clipFile: string;
    }
  | { cameraMove: { keyframeFile: string; move: CameraMove } };

export type EpisodeScene = ScenePicture & {
  durationSeconds: number;
};

export interface AssembleEpisodeRequest {
  scenes: EpisodeScene[];
  /** The episode's mixed sound (episode-audio.ts), on the same frame grid as the scenes; cut or padded to the picture. */
  audioFile: string;
  /** On the episode timeline, laid out as the SRT is (core/text/subtitles.ts). */
  subtitlePages: SubtitlePage[];
  subtitleLook: SubtitleLook;
  /** BCP-47; picks the subtitle fonts. */
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
  /** Graphemes no subtitle font draws, left out of the burned subtitles. */
  subtitleGraphemesLeftOut: string[];
}

/**
 * Joins the scene clips, lays the episode's mixed sound under them, overlays the subtitle track
 * (subtitle-track.ts) and encodes
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
  const frameCounts = sceneFrameCounts(
    request.scenes.map((scene) => scene.durationSeconds),
    fps,
  );
  const frameCount = frameCounts.reduce((sum, count) => sum + count, 0);
  const durationSeconds = frameCount / fps;

  const subtitleGraphemesLeftOut = await withTempDir(async (workDir) => {
    // An episode without dialogue is legitimate, and has no subtitle track.
    const subtitles =
      request.subtitlePages.length > 0
        ? await renderSubtitleTrack({
            pages: request.subtitlePages,
            look: request.subtitleLook,
            language: request.language,
            width,
            height,
            fps,
            durationSeconds,
            dir: workDir,
          })
        : undefined;

    // ffmpeg runs inside the work dir, so the caller's paths are pinned down first.
    const inputs = [
      ...request.scenes.flatMap((scene) => ['-i', path.resolve(pictureFile(scene))]),
      '-i',
      path.resolve(request.audioFile),
      ...(subtitles ? ['-f', 'concat', '-safe', '0', '-i', subtitles.concatFile] : []),
    ];
    const overlay = subtitles ? { input: request.scenes.length + 1, topPx: subtitles.bandTopPx } : undefined;
    const filterGraph = buildFilterGraph(request.scenes, frameCounts, { width, height, fps }, overlay);

    await runFfmpeg(
      [
        ...inputs,
        '-filter_complex',
        filterGraph,
        '-map',
        '[video]',
        '-map',
        '[audio]',
        '-c:v',
        'libx264',
        '-preset',
        request.x264Preset ?? 'veryfast',
        '-crf',
        '21',
        '-pix_fmt',
        'yuv420p',
        '-r',
        String(fps),
        '-c:a',
        'aac',
        '-b:a',
        '128k',
        '-ar',
        String(EPISODE_AUDIO_SAMPLE_RATE),
        '-movflags',
        '+faststart',
        '-y',
        path.resolve(request.outputFile),
      ],
      {
        cwd: workDir,
        ...(request.onProgress
          ? {
              onProgress: (progress: FfmpegProgress) =>
                request.onProgress?.(
                  progress.done ? 1 : Math.min(1, progress.outTimeSeconds / durationSeconds),
                  progress,
                ),
            }
          : {}),
      },
    );
    return subtitles?.leftOut ?? [];
  });
  return { frameCount, durationSeconds, subtitleGraphemesLeftOut };
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
}

/** The subtitle track's input index and where its band sits in the frame. */
interface SubtitleOverlay {
  input: number;
  topPx: number;
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
    // Scaled to cover the frame, the overflow cropped evenly, as a generated shot is framed.
    `scale=${width}:${height}:force_original_aspect_ratio=increase`,
    `crop=${width}:${height}`,
    'setsar=1',
    'format=yuv420p',
    // A clip a little short of its scene holds its last frame rather than cutting early.
    `tpad=stop_mode=clone:stop_duration=${frames / fps}`,
    `trim=end_frame=${frames}`,
    'setpts=PTS-STARTPTS',
  ].join(',');
}

function buildFilterGraph(
  scenes: ScenePicture[],
  frameCounts: number[],
  format: EpisodeFormat,
  subtitles: SubtitleOverlay | undefined,
): string {
  const { fps } = format;
  const chains: string[] = [];
  frameCounts.forEach((frames, index) => {
    chains.push(`${pictureChain(scenes[index]!, index, frames, format)}[v${index}]`);
  });
  // The sound is cut to the picture's last frame, so the two streams end together.
  const totalFrames = frameCounts.reduce((sum, count) => sum + count, 0);
  const totalSamples = Math.round((totalFrames / fps) * EPISODE_AUDIO_SAMPLE_RATE);
  chains.push(
    `[${frameCounts.length}:a]aresample=${EPISODE_AUDIO_SAMPLE_RATE},asetpts=PTS-STARTPTS,apad,atrim=end_sample=${totalSamples},asetpts=PTS-STARTPTS[audio]`,
  );
  const concatInputs = frameCounts.map((_, index) => `[v${index}]`).join('');
  if (subtitles) {
    chains.push(`${concatInputs}concat=n=${frameCounts.length}:v=1:a=0[joined]`);
    chains.push(`[${subtitles.input}:v]fps=${fps},format=rgba,setpts=PTS-STARTPTS[subtitles]`);
    chains.push(`[joined][subtitles]overlay=x=0:y=${subtitles.topPx}:eof_action=pass[video]`);
  } else {
    chains.push(`${concatInputs}concat=n=${frameCounts.length}:v=1:a=0[video]`);
  }
  return chains.join(';');
}

function validate(request: AssembleEpisodeRequest): void {
  const problems: string[] = [];
  if (request.scenes.length === 0) problems.push('an episode needs at least one scene');
  if (!Number.isInteger(request.width) || request.width < 2 || request.width % 2 !== 0)
    problems.push(`width must be even, got ${request.width}`);
  if (!Number.isInteger(request.height) || request.height < 2 || request.height % 2 !== 0)
    problems.push(`height must be even, got ${request.height}`);
  if (!(request.fps > 0) || !Number.isFinite(request.fps)) problems.push(`fps must be positive, got ${request.fps}`);
  const frameCounts = sceneFrameCounts(
    request.scenes.map((scene) => scene.durationSeconds),
    request.fps,
  );
  request.scenes.forEach((scene, index) => {
    if (!(scene.durationSeconds > 0) || (frameCounts[index] ?? 0) < 1) {
      problems.push(`scene ${index} must last at least one frame, got ${scene.durationSeconds} s`);
    }
  });
  if (problems.length > 0) throw new RangeError(`cannot assemble the episode: ${problems.join('; ')}`);
}
