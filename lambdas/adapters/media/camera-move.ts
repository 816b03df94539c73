import type { CameraMove } from '../../core/ports.js';

/** How far the camera travels: the zoom factor at the tight end of a move. */
export const MAX_ZOOM = 1.18;

/**
 * The filter chain that renders a camera move over a still (a Ken Burns effect): one input
 * frame becomes `frameCount` frames at `width` x `height`, so the PNG is decoded and scaled
 * once. The still is first scaled to cover the frame at the tight end's size (cropping any
 * aspect mismatch): zoompan then only ever scales down, and its whole-pixel crop positions
 * are finer than an output pixel, which keeps slow moves from shimmering without
 * supersampling the source.
 */
export function cameraMoveFilter(move: CameraMove, width: number, height: number, fps: number, frameCount: number): string {
  const sourceWidth = evenAtLeast(width * MAX_ZOOM, width);
  const sourceHeight = evenAtLeast(height * MAX_ZOOM, height);
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
    `scale=${sourceWidth}:${sourceHeight}:force_original_aspect_ratio=increase:flags=lanczos`,
    `crop=${sourceWidth}:${sourceHeight}`,
    `zoompan=z='${zoom}':x='${x}':y='${y}':d=${frameCount}:s=${width}x${height}:fps=${fps}`,
    'setsar=1',
    'format=yuv420p',
  ].join(',');
}

function evenAtLeast(value: number, minimum: number): number {
  return Math.max(minimum, 2 * Math.round(value / 2));
}
