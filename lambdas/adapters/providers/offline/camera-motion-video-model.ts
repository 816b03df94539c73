import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ProviderRejected } from '../../../core/errors.js';
import { runFfmpeg, withTempDir } from '../../media/ffmpeg.js';
import type { ClipRequest, ClipResult, Metered, VideoModel } from '../../../core/ports.js';

export type CameraMove = 'zoom-in' | 'zoom-out' | 'pan-left' | 'pan-right' | 'pan-up' | 'pan-down';

export const CAMERA_MOVES: readonly CameraMove[] = ['zoom-in', 'zoom-out', 'pan-left', 'pan-right', 'pan-up', 'pan-down'];

export interface CameraMotionOptions {
  /** libx264 preset; veryfast keeps a 6 s 1080x1920 clip to a few seconds on two cores. */
  x264Preset?: string;
  /** libx264 constant rate factor; the clip is re-encoded once more at assembly, so keep it high quality. */
  crf?: number;
}

/** How far the camera travels: the zoom factor at the tight end of a move. */
const MAX_ZOOM = 1.18;
/**
 * zoompan crops at whole source pixels, which makes slow moves shimmer. Working on a
 * source scaled up by this factor turns that rounding into sub-pixel steps in the output.
 */
const SUPERSAMPLE = 2;

/**
 * The offline VideoModel: an animatic shot, a slow camera move over the keyframe
 * (a Ken Burns effect), rendered by ffmpeg. It costs nothing and needs no network.
 */
export class CameraMotionVideoModel implements VideoModel {
  private readonly x264Preset: string;
  private readonly crf: number;

  constructor(options: CameraMotionOptions = {}) {
    this.x264Preset = options.x264Preset ?? 'veryfast';
    this.crf = options.crf ?? 20;
  }

  async renderClip(request: ClipRequest): Promise<Metered<ClipResult>> {
    validate(request);
    const frameCount = Math.round(request.durationSeconds * request.fps);
    const move = cameraMoveForSeed(request.seed);
    const mp4 = await withTempDir(async (dir) => {
      const keyframeFile = path.join(dir, 'keyframe.png');
      const clipFile = path.join(dir, 'clip.mp4');
      await writeFile(keyframeFile, request.keyframePng);
      await runFfmpeg([
        '-i', keyframeFile,
        '-filter_complex', cameraMoveFilter(move, request.width, request.height, request.fps, frameCount),
        '-frames:v', String(frameCount),
        '-c:v', 'libx264',
        '-preset', this.x264Preset,
        '-crf', String(this.crf),
        '-pix_fmt', 'yuv420p',
        '-r', String(request.fps),
        '-an',
        '-movflags', '+faststart',
        '-y', clipFile,
      ]);
      return readFile(clipFile);
    });
    return {
      result: { mp4 },
      usage: { videoSeconds: frameCount / request.fps },
      provider: 'offline',
      model: 'camera-motion-v1',
    };
  }
}

export function cameraMoveForSeed(seed: number): CameraMove {
  const index = mixSeed(seed) % CAMERA_MOVES.length;
  return CAMERA_MOVES[index] as CameraMove;
}

/** Spreads nearby seeds (0, 1, 2...) over the moves so consecutive scenes vary. */
function mixSeed(seed: number): number {
  let x = Math.trunc(seed) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * One input frame becomes `frameCount` output frames inside zoompan, so the PNG is
 * decoded and upscaled once. The source is first scaled to cover the frame (cropping
 * any aspect mismatch), then supersampled.
 */
export function cameraMoveFilter(move: CameraMove, width: number, height: number, fps: number, frameCount: number): string {
  const sourceWidth = width * SUPERSAMPLE;
  const sourceHeight = height * SUPERSAMPLE;
  // Smoothstep over the clip: the camera eases in and out instead of jerking at the cuts.
  const p = frameCount > 1 ? `(on/${frameCount - 1})` : '0';
  const eased = `(${p}*${p}*(3-2*${p}))`;
  const travel = MAX_ZOOM - 1;
  const centreX = '(iw-iw/zoom)/2';
  const centreY = '(ih-ih/zoom)/2';
  const motion: Record<CameraMove, { zoom: string; x: string; y: string }> = {
    'zoom-in': { zoom: `1+${travel}*${eased}`, x: centreX, y: centreY },
    'zoom-out': { zoom: `${MAX_ZOOM}-${travel}*${eased}`, x: centreX, y: centreY },
    'pan-right': { zoom: String(MAX_ZOOM), x: `(iw-iw/zoom)*${eased}`, y: centreY },
    'pan-left': { zoom: String(MAX_ZOOM), x: `(iw-iw/zoom)*(1-${eased})`, y: centreY },
    'pan-down': { zoom: String(MAX_ZOOM), x: centreX, y: `(ih-ih/zoom)*${eased}` },
    'pan-up': { zoom: String(MAX_ZOOM), x: centreX, y: `(ih-ih/zoom)*(1-${eased})` },
  };
  const { zoom, x, y } = motion[move];
  return [
    `[0:v]scale=${sourceWidth}:${sourceHeight}:force_original_aspect_ratio=increase:flags=lanczos`,
    `crop=${sourceWidth}:${sourceHeight}`,
    `zoompan=z='${zoom}':x='${x}':y='${y}':d=${frameCount}:s=${width}x${height}:fps=${fps}`,
    'setsar=1',
    'format=yuv420p',
  ].join(',');
}

function validate(request: ClipRequest): void {
  const problems: string[] = [];
  if (!Number.isInteger(request.width) || request.width < 2 || request.width % 2 !== 0) {
    problems.push(`width must be an even whole number (yuv420p), got ${request.width}`);
  }
  if (!Number.isInteger(request.height) || request.height < 2 || request.height % 2 !== 0) {
    problems.push(`height must be an even whole number (yuv420p), got ${request.height}`);
  }
  if (!(request.fps > 0) || !Number.isFinite(request.fps)) problems.push(`fps must be positive, got ${request.fps}`);
  if (!(request.durationSeconds > 0) || Math.round(request.durationSeconds * request.fps) < 1) {
    problems.push(`durationSeconds must cover at least one frame, got ${request.durationSeconds}`);
  }
  if (request.keyframePng.length === 0) problems.push('keyframePng is empty');
  if (problems.length > 0) throw new ProviderRejected(`camera-motion-v1 cannot render this clip: ${problems.join('; ')}`);
}
