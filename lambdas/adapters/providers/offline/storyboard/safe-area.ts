import type { Box } from '../../../../core/contracts/ports.js';

/**
 * The share of each side of the frame kept clear: players, captions and phone notches crop
 * or cover the edges, so whoever the scene is about stands in the middle 90 %.
 */
export const SAFE_MARGIN = 0.05;

export function safeArea(width: number, height: number): Box {
  return {
    x: width * SAFE_MARGIN,
    y: height * SAFE_MARGIN,
    width: width * (1 - 2 * SAFE_MARGIN),
    height: height * (1 - 2 * SAFE_MARGIN),
  };
}

/** How much of the box lies inside the area, 0 to 1; an empty box is nowhere, so 0. */
export function shareInside(box: Box, area: Box): number {
  const boxArea = box.width * box.height;
  if (boxArea <= 0) return 0;
  const width = Math.min(box.x + box.width, area.x + area.width) - Math.max(box.x, area.x);
  const height = Math.min(box.y + box.height, area.y + area.height) - Math.max(box.y, area.y);
  return width <= 0 || height <= 0 ? 0 : (width * height) / boxArea;
}

/** How to move a figure so it fits: shrink it about its feet by `factor`, then shift it by dx, dy. */
export interface Fit {
  factor: number;
  dx: number;
  dy: number;
}

function shiftInto(start: number, length: number, areaStart: number, areaLength: number): number {
  if (start < areaStart) return areaStart - start;
  const overflow = start + length - (areaStart + areaLength);
  return overflow > 0 ? -overflow : 0;
}

/**
 * The smallest change that puts the box wholly inside the area: a box larger than the area
 * shrinks about its anchor (where the figure stands) until it fits, then slides in.
 */
export function fitInside(box: Box, area: Box, anchor: { x: number; y: number }): Fit {
  const factor = Math.min(1, area.width / box.width, area.height / box.height);
  const x = anchor.x + (box.x - anchor.x) * factor;
  const y = anchor.y + (box.y - anchor.y) * factor;
  return {
    factor,
    dx: shiftInto(x, box.width * factor, area.x, area.width),
    dy: shiftInto(y, box.height * factor, area.y, area.height),
  };
}
