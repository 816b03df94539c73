import type { SKRSContext2D } from '@napi-rs/canvas';
import type { Box } from '../../../../core/contracts/ports.js';
import type { CharacterLook } from './character-look.js';
import { darken, lighten } from './colour.js';
import { tracePath } from './path.js';

/** Where and how large to draw (figure.ts's placement); an animal's own height scales it. */
interface AnimalPlacement {
  centreX: number;
  groundY: number;
  scale: number;
}

const INK = '#1d1a22';
const INK_WIDTH = 0.018;

/** The drawing's extent in its own units: feet at y = 0, the top at about -1, facing +x. */
const EXTENT: Readonly<
  Record<Exclude<CharacterLook['species'], 'person'>, { minX: number; maxX: number; minY: number }>
> = {
  cat: { minX: -0.9, maxX: 0.7, minY: -1.02 },
  dog: { minX: -0.8, maxX: 0.82, minY: -1.0 },
  bird: { minX: -0.62, maxX: 0.55, minY: -0.98 },
};

function shape(ctx: SKRSContext2D, fill: string, draw: () => void): void {
  ctx.beginPath();
  draw();
  ctx.closePath();
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.strokeStyle = INK;
  ctx.lineWidth = INK_WIDTH;
  ctx.stroke();
}

function ellipse(ctx: SKRSContext2D, x: number, y: number, rx: number, ry: number, fill: string, rotation = 0): void {
  shape(ctx, fill, () => ctx.ellipse(x, y, rx, ry, rotation, 0, Math.PI * 2));
}

function stroke(ctx: SKRSContext2D, points: [number, number][], width: number, colour: string): void {
  ctx.beginPath();
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  tracePath(ctx, points);
  ctx.strokeStyle = INK;
  ctx.lineWidth = width + INK_WIDTH * 2;
  ctx.stroke();
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.stroke();
}

function eye(ctx: SKRSContext2D, x: number, y: number, radius: number): void {
  ctx.beginPath();
  ctx.arc(x, y, radius, 0, Math.PI * 2);
  ctx.fillStyle = INK;
  ctx.fill();
}

/** Stripes over a coat: a tabby's, or the patches of a second colour. */
function markings(
  ctx: SKRSContext2D,
  look: CharacterLook,
  centreX: number,
  centreY: number,
  rx: number,
  ry: number,
): void {
  if (!look.markings) return;
  ctx.save();
  ctx.beginPath();
  ctx.ellipse(centreX, centreY, rx * 0.97, ry * 0.95, 0, 0, Math.PI * 2);
  ctx.clip();
  ctx.strokeStyle = look.markings;
  ctx.lineWidth = ry * 0.22;
  for (const offset of [-0.55, -0.15, 0.25, 0.62]) {
    ctx.beginPath();
    ctx.moveTo(centreX + rx * offset, centreY - ry);
    ctx.quadraticCurveTo(centreX + rx * (offset + 0.12), centreY, centreX + rx * (offset - 0.05), centreY + ry * 0.4);
    ctx.stroke();
  }
  ctx.restore();
}

function drawCat(ctx: SKRSContext2D, look: CharacterLook): void {
  const fur = look.coat;
  stroke(
    ctx,
    [
      [-0.5, -0.45],
      [-0.75, -0.6],
      [-0.82, -0.88],
    ],
    0.1,
    fur,
  );
  for (const x of [-0.4, -0.26])
    stroke(
      ctx,
      [
        [x, -0.36],
        [x, -0.03],
      ],
      0.1,
      darken(fur, 0.1),
    );
  ellipse(ctx, -0.05, -0.43, 0.5, 0.21, fur);
  markings(ctx, look, -0.05, -0.43, 0.5, 0.21);
  for (const x of [0.22, 0.36])
    stroke(
      ctx,
      [
        [x, -0.36],
        [x, -0.03],
      ],
      0.1,
      fur,
    );
  for (const [x, tip] of [
    [0.3, 0.36],
    [0.56, 0.62],
  ] as const) {
    shape(ctx, fur, () => {
      ctx.moveTo(x, -0.78);
      ctx.lineTo(tip, -1.0);
      ctx.lineTo(x + 0.14, -0.8);
    });
  }
  ellipse(ctx, 0.45, -0.67, 0.2, 0.18, fur);
  eye(ctx, 0.53, -0.7, 0.025);
  ellipse(ctx, 0.63, -0.63, 0.025, 0.018, '#e68db0');
  stroke(
    ctx,
    [
      [0.6, -0.61],
      [0.72, -0.6],
    ],
    0.006,
    INK,
  );
}

function drawDog(ctx: SKRSContext2D, look: CharacterLook): void {
  const fur = look.coat;
  stroke(
    ctx,
    [
      [-0.5, -0.6],
      [-0.68, -0.82],
    ],
    0.08,
    fur,
  );
  for (const x of [-0.4, -0.25])
    stroke(
      ctx,
      [
        [x, -0.45],
        [x, -0.03],
      ],
      0.11,
      darken(fur, 0.1),
    );
  ellipse(ctx, -0.03, -0.56, 0.52, 0.2, fur);
  markings(ctx, look, -0.03, -0.56, 0.52, 0.2);
  for (const x of [0.24, 0.38])
    stroke(
      ctx,
      [
        [x, -0.45],
        [x, -0.03],
      ],
      0.11,
      fur,
    );
  stroke(
    ctx,
    [
      [0.38, -0.62],
      [0.46, -0.74],
    ],
    0.16,
    fur,
  );
  ellipse(ctx, 0.5, -0.82, 0.17, 0.15, fur);
  ellipse(ctx, 0.68, -0.76, 0.13, 0.08, lighten(fur, 0.08));
  ellipse(ctx, 0.4, -0.78, 0.06, 0.13, darken(look.markings ?? fur, 0.25), 0.3);
  eye(ctx, 0.55, -0.86, 0.022);
  ellipse(ctx, 0.8, -0.79, 0.03, 0.025, INK);
}

function drawBird(ctx: SKRSContext2D, look: CharacterLook): void {
  const feathers = look.coat;
  for (const x of [-0.06, 0.08])
    stroke(
      ctx,
      [
        [x, -0.2],
        [x, -0.02],
        [x + 0.06, -0.01],
      ],
      0.03,
      '#d98b2b',
    );
  shape(ctx, darken(feathers, 0.15), () => {
    ctx.moveTo(-0.28, -0.45);
    ctx.lineTo(-0.6, -0.3);
    ctx.lineTo(-0.58, -0.46);
  });
  ellipse(ctx, 0, -0.45, 0.34, 0.27, feathers);
  ellipse(ctx, -0.05, -0.47, 0.22, 0.13, look.markings ?? darken(feathers, 0.2), -0.2);
  ellipse(ctx, 0.27, -0.78, 0.17, 0.16, feathers);
  shape(ctx, '#e6a23c', () => {
    ctx.moveTo(0.4, -0.82);
    ctx.lineTo(0.54, -0.77);
    ctx.lineTo(0.4, -0.73);
  });
  eye(ctx, 0.32, -0.81, 0.022);
}

/**
 * An animal in profile, standing on the ground at the placement; returns the pixel box
 * it covers. Every pose draws the same profile, never mirrored, so the animal looks the
 * same in every scene and on its reference sheet (a mirrored profile would score as
 * another animal).
 */
export function drawAnimal(ctx: SKRSContext2D, look: CharacterLook, placement: AnimalPlacement): Box {
  const species = look.species === 'person' ? 'cat' : look.species;
  const unit = placement.scale * look.height;
  ctx.save();
  ctx.translate(placement.centreX, placement.groundY);
  ctx.scale(unit, unit);
  if (species === 'cat') drawCat(ctx, look);
  else if (species === 'dog') drawDog(ctx, look);
  else drawBird(ctx, look);
  ctx.restore();
  const extent = EXTENT[species];
  const [left, right] = [extent.minX, extent.maxX];
  const margin = INK_WIDTH * unit;
  return {
    x: placement.centreX + left * unit - margin,
    y: placement.groundY + extent.minY * unit - margin,
    width: (right - left) * unit + margin * 2,
    height: -extent.minY * unit + margin * 2,
  };
}
