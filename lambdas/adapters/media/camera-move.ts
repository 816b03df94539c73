import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CameraMove } from '../../core/contracts/ports.js';
import { LOSSLESS_H264_ARGS, runFfmpeg, withTempDir } from './ffmpeg.js';

/** How far the camera travels: the zoom factor at the tight end of a move. */
export const MAX_ZOOM = 1.18;
/** The share of the camera's move made at constant speed; the rest eases in and out. */
const STEADY_SHARE = 1 / 3;
/** Under QA's 0.5 s limit for a still picture, with room to spare. */
const MAX_SECONDS_BETWEEN_STEPS = 0.3;
const MAX_SUPERSAMPLE = 4;

/**
 * The filter chain that renders a camera move over a still (a Ken Burns effect): one input
 * frame becomes `frameCount` frames at `width` x `height`, so the PNG is decoded and scaled
 * once. The still is first scaled to cover the frame at the tight end's size (cropping any
 * aspect mismatch), more for a long move over a small frame (supersampleFor): zoompan then
 * only ever scales down, and its whole-pixel crop positions are finer than an output pixel,
 * which keeps slow moves from shimmering. A sequence of stills instead (the offline lip-sync's, one per
 * output frame) passes `framesPerInput` 1: the same move, frame by frame.
 */
export function cameraMoveFilter(
  move: CameraMove,
  width: number,
  height: number,
  fps: number,
  frameCount: number,
  framesPerInput = frameCount,
): string {
  const supersample = supersampleFor(width, frameCount / fps);
  const sourceWidth = evenAtLeast(width * MAX_ZOOM * supersample, width);
  const sourceHeight = evenAtLeast(height * MAX_ZOOM * supersample, height);
  // Smoothstep over the clip, so the camera eases in and out instead of jerking at the cuts,
  // blended with a steady third of the move so it never comes to rest: a camera at rest for
  // half a second is a frozen picture, which QA refuses (docs/audio-and-qa.md).
  const p = frameCount > 1 ? `(on/${frameCount - 1})` : '0';
  const eased = `(${1 - STEADY_SHARE}*${p}*${p}*(3-2*${p})+${STEADY_SHARE}*${p})`;
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
    `scale=${sourceWidth}:${sourceHeight}:force_original_aspect_ratio=increase:flags=lanczos`,
    `crop=${sourceWidth}:${sourceHeight}`,
    `zoompan=z='${zoom}':x='${x}':y='${y}':d=${framesPerInput}:s=${width}x${height}:fps=${fps}`,
    'setsar=1',
    'format=yuv420p',
  ].join(',');
}

/** The part of the still a camera move shows at one frame, as shares of the still's width and height. */
export interface CameraWindow {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Where the camera looks at frame `index` of `frameCount`: the same eased path as cameraMoveFilter's
 * zoompan expressions, so a region of the still can be followed into any frame of the move.
 */
export function cameraMoveWindow(move: CameraMove, index: number, frameCount: number): CameraWindow {
  const p = frameCount > 1 ? Math.min(1, Math.max(0, index / (frameCount - 1))) : 0;
  const eased = (1 - STEADY_SHARE) * p * p * (3 - 2 * p) + STEADY_SHARE * p;
  const travel = MAX_ZOOM - 1;
  const zoom = move === 'zoom-in' ? 1 + travel * eased : move === 'zoom-out' ? MAX_ZOOM - travel * eased : MAX_ZOOM;
  const size = 1 / zoom;
  const margin = 1 - size;
  const offsets: Record<CameraMove, [number, number]> = {
    'zoom-in': [margin / 2, margin / 2],
    'zoom-out': [margin / 2, margin / 2],
    'pan-right': [margin * eased, margin / 2],
    'pan-left': [margin * (1 - eased), margin / 2],
    'pan-down': [margin / 2, margin * eased],
    'pan-up': [margin / 2, margin * (1 - eased)],
  };
  const [x, y] = offsets[move];
  return { x, y, width: size, height: size };
}

/**
 * zoompan crops at whole source pixels, so a slow move over a small source steps a pixel only
 * every so many frames, and between steps the frames are identical: a frozen picture. The
 * source is scaled up until even the move's slowest stretch (its steady share) steps at least
 * every MAX_SECONDS_BETWEEN_STEPS, up to MAX_SUPERSAMPLE times the frame.
 */
function supersampleFor(width: number, seconds: number): number {
  // A pan moves the window by the whole margin; a zoom moves each edge by half of it, so size for the zoom.
  const travelPerSourcePixel = (1 - 1 / MAX_ZOOM) / 2;
  const neededTravel = seconds / (STEADY_SHARE * MAX_SECONDS_BETWEEN_STEPS);
  const neededWidth = neededTravel / travelPerSourcePixel;
  return Math.min(MAX_SUPERSAMPLE, Math.max(1, neededWidth / (width * MAX_ZOOM)));
}

function evenAtLeast(value: number, minimum: number): number {
  return Math.max(minimum, 2 * Math.round(value / 2));
}

export interface CameraMoveRender {
  move: CameraMove;
  width: number;
  height: number;
  fps: number;
  frameCount: number;
}

/**
 * A camera move as a clip of its own, for a stage that needs the frames before the episode's
 * encode (lip-sync). Lossless H.264 (qp 0): the episode's encode is then still the only lossy
 * one. `still` is one image file; `frames` is a printf pattern of one image per output frame.
 */
export async function renderCameraMoveClip(
  input: { still: string } | { frames: string },
  render: CameraMoveRender,
): Promise<Buffer> {
  const { move, width, height, fps, frameCount } = render;
  return withTempDir(async (dir) => {
    const output = path.join(dir, 'clip.mp4');
    const source = 'still' in input ? ['-i', input.still] : ['-framerate', String(fps), '-i', input.frames];
    await runFfmpeg([
      ...source,
      '-filter_complex',
      cameraMoveFilter(move, width, height, fps, frameCount, 'still' in input ? frameCount : 1),
      '-frames:v',
      String(frameCount),
      ...LOSSLESS_H264_ARGS,
      '-r',
      String(fps),
      '-an',
      '-y',
      output,
    ]);
    return readFile(output);
  });
}
