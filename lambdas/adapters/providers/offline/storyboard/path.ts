import type { SKRSContext2D } from '@napi-rs/canvas';

/** Adds `points` to the current path as one open polyline: a move to the first, a line to each of the rest. */
export function tracePath(ctx: SKRSContext2D, points: readonly (readonly [number, number])[]): void {
  for (const [index, [x, y]] of points.entries()) {
    if (index === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  }
}
