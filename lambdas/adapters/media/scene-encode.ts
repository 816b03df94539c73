import path from 'node:path';
import type { CameraMove } from '../../core/contracts/ports.js';
import type { SubtitleLook } from '../../core/text/subtitle-style.js';
import type { SubtitlePage } from '../../core/text/subtitles.js';
import { cameraMoveFilter } from './camera-move.js';
import { runFfmpeg, withTempDir } from './ffmpeg.js';
import { renderSubtitleTrack } from './subtitle-track.js';

/** A scene's picture: a provider's clip, or a camera move over a still that this encode renders. */
export type ScenePicture =
  | {
      /** Video for the scene (any codec, size, fps and length ffmpeg reads), as delivered: this pass fits it to the scene. */
      clipFile: string;
    }
  | { cameraMove: { keyframeFile: string; move: CameraMove } };

export interface EncodeSceneRequest {
  picture: ScenePicture;
  /** From sceneFrameCount: the scene's slot on the episode's frame grid. */
  frameCount: number;
  /** From the start of the scene, laid out as the SRT is (core/text/subtitles.ts). */
  subtitlePages: SubtitlePage[];
  subtitleLook: SubtitleLook;
  /** BCP-47; picks the subtitle fonts. */
  language: string;
  width: number;
  height: number;
  fps: number;
  outputFile: string;
}

export interface EncodedScene {
  /** Graphemes no subtitle font draws, left out of the burned subtitles. */
  subtitleGraphemesLeftOut: string[];
}

/**
 * The one encoding every frame of an episode gets, scene by scene: joining the scenes by stream
 * copy needs each one encoded with the same settings, frame rate, size and timebase, and each
 * starts on a keyframe, which the first frame x264 writes always is. The timebase is set, a
 * whole number of ticks a frame, rather than left to each scene's muxer.
 */
const TICKS_PER_FRAME = 1000;
/** The episode's video codec and quality; the benchmark's encoder floor re-encodes with the same. */
export const EPISODE_VIDEO_CODEC = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '21', '-pix_fmt', 'yuv420p'];
const sceneVideoArgs = (fps: number) => [
  ...EPISODE_VIDEO_CODEC,
  '-r',
  String(fps),
  '-video_track_timescale',
  String(fps * TICKS_PER_FRAME),
];

/**
 * A scene's slot on the episode's frame grid. Each scene is rounded on its own, so it can be
 * encoded as soon as its own parts are ready; the episode is the sum of its scenes' frames,
 * and the sound, cues and exports are placed on that same sum.
 */
export function sceneFrameCount(durationSeconds: number, fps: number): number {
  return Math.round(durationSeconds * fps);
}

export function sceneFrameCounts(durations: number[], fps: number): number[] {
  return durations.map((duration) => sceneFrameCount(duration, fps));
}

/**
 * Encodes one scene's picture, its subtitles burned in, as exactly `frameCount` frames of the
 * episode's format, with no sound: a provider's clip is fitted and a camera move rendered from
 * its still in the same pass, so every frame of the episode is encoded once, here. joinScenes
 * lays the scenes end to end without encoding them again.
 */
export async function encodeScene(request: EncodeSceneRequest): Promise<EncodedScene> {
  validateScene(request);
  const { width, height, fps, frameCount } = request;
  return withTempDir(async (workDir) => {
    // A scene without dialogue is legitimate, and has no subtitle track.
    const subtitles =
      request.subtitlePages.length > 0
        ? await renderSubtitleTrack({
            pages: request.subtitlePages,
            look: request.subtitleLook,
            language: request.language,
            width,
            height,
            fps,
            durationSeconds: frameCount / fps,
            dir: workDir,
          })
        : undefined;
    // ffmpeg runs inside the work dir, so the caller's paths are pinned down first.
    const inputs = [
      '-i',
      path.resolve(pictureFile(request.picture)),
      ...(subtitles ? ['-f', 'concat', '-safe', '0', '-i', subtitles.concatFile] : []),
    ];
    const picture = pictureChain(request.picture, frameCount, { width, height, fps });
    const filterGraph = subtitles
      ? [
          `${picture}[picture]`,
          `[1:v]fps=${fps},format=rgba,setpts=PTS-STARTPTS[subtitles]`,
          `[picture][subtitles]overlay=x=0:y=${subtitles.bandTopPx}:eof_action=pass[video]`,
        ].join(';')
      : `${picture}[video]`;
    await runFfmpeg(
      [
        ...inputs,
        '-filter_complex',
        filterGraph,
        '-map',
        '[video]',
        '-frames:v',
        String(frameCount),
        ...sceneVideoArgs(fps),
        '-an',
        '-y',
        path.resolve(request.outputFile),
      ],
      { cwd: workDir },
    );
    return { subtitleGraphemesLeftOut: subtitles?.leftOut ?? [] };
  });
}

interface EpisodeFormat {
  width: number;
  height: number;
  fps: number;
}

function pictureFile(scene: ScenePicture): string {
  return 'clipFile' in scene ? scene.clipFile : scene.cameraMove.keyframeFile;
}

/** The scene's picture (input 0) as exactly `frames` frames of the episode's format. */
function pictureChain(scene: ScenePicture, frames: number, format: EpisodeFormat): string {
  const { width, height, fps } = format;
  if ('cameraMove' in scene) {
    return `[0:v]${cameraMoveFilter(scene.cameraMove.move, width, height, fps, frames)},trim=end_frame=${frames},setpts=PTS-STARTPTS`;
  }
  return [
    '[0:v]setpts=PTS-STARTPTS',
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

function validateScene(request: EncodeSceneRequest): void {
  const problems: string[] = [];
  if (!Number.isInteger(request.width) || request.width < 2 || request.width % 2 !== 0)
    problems.push(`width must be even, got ${request.width}`);
  if (!Number.isInteger(request.height) || request.height < 2 || request.height % 2 !== 0)
    problems.push(`height must be even, got ${request.height}`);
  if (!(request.fps > 0) || !Number.isFinite(request.fps)) problems.push(`fps must be positive, got ${request.fps}`);
  if (!Number.isInteger(request.frameCount) || request.frameCount < 1)
    problems.push(`a scene must last at least one frame, got ${request.frameCount} frames`);
  if (problems.length > 0) throw new RangeError(`cannot encode the scene: ${problems.join('; ')}`);
}
