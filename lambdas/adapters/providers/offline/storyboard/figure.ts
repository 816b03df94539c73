import type { SKRSContext2D } from '@napi-rs/canvas';
import type { Box } from '../../../../core/contracts/ports.js';
import { drawAnimal } from './animal.js';
import type { CharacterLook } from './character-look.js';
import { darken, lighten, mix } from './colour.js';
import { tracePath } from './path.js';

export type Facing = 'front' | 'left' | 'right' | 'back';
export type Gesture = 'rest' | 'wave' | 'reach' | 'clasped';

/** How far the mouth is open: closed (the resting smile), half open, open. The offline lip-sync switches them. */
export type MouthShape = 'closed' | 'half' | 'open';

export interface FigurePose {
  facing: Facing;
  gesture: Gesture;
  /** Closed unless the character is speaking. */
  mouth?: MouthShape;
}

export interface FigurePlacement {
  /** Horizontal centre of the figure, in pixels. */
  centreX: number;
  /** Where the soles touch the ground, in pixels. */
  groundY: number;
  /** Pixel height of an average adult at this depth; the look's own height scales it. */
  scale: number;
}

const INK = '#1d1a22';
const INK_WIDTH = 0.0055;

/** Accumulates the drawn extent in figure units (feet at 0, head towards -1). */
class Extent {
  minX = Number.POSITIVE_INFINITY;
  maxX = Number.NEGATIVE_INFINITY;
  minY = Number.POSITIVE_INFINITY;
  maxY = Number.NEGATIVE_INFINITY;

  add(x: number, y: number, radius = 0): void {
    this.minX = Math.min(this.minX, x - radius);
    this.maxX = Math.max(this.maxX, x + radius);
    this.minY = Math.min(this.minY, y - radius);
    this.maxY = Math.max(this.maxY, y + radius);
  }
}

interface Body {
  headX: number;
  headY: number;
  headRx: number;
  headRy: number;
  chinY: number;
  shoulderY: number;
  shoulderHalf: number;
  waistY: number;
  waistHalf: number;
  hipY: number;
  hipHalf: number;
  legGap: number;
  legWidth: number;
  armWidth: number;
}

function bodyOf(look: CharacterLook): Body {
  const child = look.age === 'child';
  const elder = look.age === 'elder';
  const headRy = child ? 0.1 : 0.074;
  const headRx = headRy * 0.86;
  const stoop = elder ? 0.02 : 0;
  const headY = -1 + headRy + stoop;
  const chinY = headY + headRy;
  const shoulderY = chinY + (child ? 0.035 : 0.045);
  const feminine = look.gender === 'female';
  return {
    headX: 0,
    headY,
    headRx,
    headRy,
    chinY,
    shoulderY,
    shoulderHalf: (feminine ? 0.112 : 0.13) * look.build * (child ? 1.05 : 1),
    waistY: child ? -0.5 : -0.57,
    waistHalf: (feminine ? 0.074 : 0.092) * look.build,
    hipY: child ? -0.42 : -0.48,
    hipHalf: (feminine ? 0.1 : 0.094) * look.build,
    legGap: 0.048 * look.build,
    legWidth: 0.052 * look.build,
    armWidth: 0.042 * look.build,
  };
}

function fillAndInk(ctx: SKRSContext2D, fill: string): void {
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.strokeStyle = INK;
  ctx.lineWidth = INK_WIDTH;
  ctx.stroke();
}

/** A skirt or áo dài panel: straight sides flaring from the waist, the hem curving up at the middle. */
function flaredPanel(
  ctx: SKRSContext2D,
  shape: { topHalf: number; topY: number; hemHalf: number; hemY: number; hemSag: number },
  colour: string,
): void {
  ctx.beginPath();
  ctx.moveTo(-shape.topHalf, shape.topY);
  ctx.lineTo(shape.topHalf, shape.topY);
  ctx.lineTo(shape.hemHalf, shape.hemY);
  ctx.quadraticCurveTo(0, shape.hemY + shape.hemSag, -shape.hemHalf, shape.hemY);
  ctx.closePath();
  fillAndInk(ctx, colour);
}

/** A limb as a thick stroke with an ink outline: draw the ink wider, then the colour inside. */
function limb(ctx: SKRSContext2D, points: [number, number][], width: number, colour: string): void {
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  for (const [stroke, lineWidth] of [
    [INK, width + INK_WIDTH * 2],
    [colour, width],
  ] as const) {
    ctx.beginPath();
    tracePath(ctx, points);
    ctx.strokeStyle = stroke;
    ctx.lineWidth = lineWidth;
    ctx.stroke();
  }
}

function ellipse(ctx: SKRSContext2D, x: number, y: number, rx: number, ry: number, fill: string, rotation = 0): void {
  ctx.beginPath();
  ctx.ellipse(x, y, rx, ry, rotation, 0, Math.PI * 2);
  fillAndInk(ctx, fill);
}

const LONG_SLEEVES = new Set(['ao-dai', 'qipao', 'suit', 'jacket', 'cardigan', 'hoodie', 'uniform']);

/** Where the upper arm and forearm point, in radians away from straight down, outward positive. */
function armAngles(gesture: Gesture, side: -1 | 1): [number, number] {
  switch (gesture) {
    case 'wave':
      return side === 1 ? [1.0, 2.7] : [0.12, 0.05];
    case 'reach':
      return side === 1 ? [0.55, 1.25] : [0.12, 0.05];
    case 'clasped':
      return [0.18, -0.75];
    case 'rest':
      return [0.14, 0.06];
  }
}

function drawArm(
  ctx: SKRSContext2D,
  look: CharacterLook,
  body: Body,
  pose: FigurePose,
  side: -1 | 1,
  extent: Extent,
): [number, number] {
  const [upper, fore] = armAngles(pose.gesture, pose.facing === 'back' ? (-side as -1 | 1) : side);
  const shoulderX = side * (body.shoulderHalf - body.armWidth * 0.45);
  const shoulderY = body.shoulderY + body.armWidth * 0.5;
  const upperLength = look.age === 'child' ? 0.15 : 0.19;
  const foreLength = look.age === 'child' ? 0.14 : 0.17;
  const elbowX = shoulderX + side * Math.sin(upper) * upperLength;
  const elbowY = shoulderY + Math.cos(upper) * upperLength;
  const handX = elbowX + side * Math.sin(fore) * foreLength;
  const handY = elbowY + Math.cos(fore) * foreLength;
  if (LONG_SLEEVES.has(look.costumeKind)) {
    limb(
      ctx,
      [
        [shoulderX, shoulderY],
        [elbowX, elbowY],
        [handX, handY],
      ],
      body.armWidth,
      look.costume,
    );
  } else {
    limb(
      ctx,
      [
        [shoulderX, shoulderY],
        [elbowX, elbowY],
        [handX, handY],
      ],
      body.armWidth * 0.8,
      look.skin,
    );
    limb(
      ctx,
      [
        [shoulderX, shoulderY],
        [shoulderX + (elbowX - shoulderX) * 0.5, shoulderY + (elbowY - shoulderY) * 0.5],
      ],
      body.armWidth * 1.1,
      look.costume,
    );
  }
  ellipse(ctx, handX, handY, body.armWidth * 0.55, body.armWidth * 0.62, look.skin);
  extent.add(shoulderX, shoulderY, body.armWidth);
  extent.add(elbowX, elbowY, body.armWidth);
  extent.add(handX, handY, body.armWidth);
  return [handX, handY];
}

function drawLegs(ctx: SKRSContext2D, look: CharacterLook, body: Body, extent: Extent): void {
  const ankleY = -0.035;
  const shoe = (x: number): void => {
    ellipse(ctx, x, -0.018, body.legWidth * 0.75, 0.022, look.shoes);
    extent.add(x, 0, body.legWidth * 0.75);
  };
  if (look.costumeKind === 'ao-dai') {
    for (const side of [-1, 1]) {
      ctx.beginPath();
      ctx.moveTo(side * 0.005, body.hipY);
      ctx.lineTo(side * body.hipHalf * 1.02, body.hipY);
      ctx.lineTo(side * (body.legGap + body.legWidth * 1.15), ankleY);
      ctx.lineTo(side * (body.legGap - body.legWidth * 0.9), ankleY);
      ctx.closePath();
      fillAndInk(ctx, look.legs);
      shoe(side * body.legGap);
    }
    return;
  }
  const topY = look.costumeKind === 'dress' || look.costumeKind === 'qipao' ? body.hipY + 0.1 : body.hipY;
  const width = look.legs === look.skin ? body.legWidth * 0.72 : body.legWidth;
  for (const side of [-1, 1]) {
    limb(
      ctx,
      [
        [side * body.legGap * 0.85, topY],
        [side * body.legGap, ankleY],
      ],
      width,
      look.legs,
    );
    shoe(side * body.legGap);
  }
}

function torsoPath(ctx: SKRSContext2D, body: Body, hemY: number, hemHalf: number): void {
  const { shoulderY, shoulderHalf, waistY, waistHalf } = body;
  ctx.beginPath();
  ctx.moveTo(-shoulderHalf * 0.35, shoulderY - 0.012);
  ctx.lineTo(shoulderHalf * 0.35, shoulderY - 0.012);
  ctx.quadraticCurveTo(shoulderHalf, shoulderY - 0.006, shoulderHalf, shoulderY + 0.05);
  ctx.lineTo(waistHalf, waistY);
  ctx.lineTo(hemHalf, hemY);
  ctx.lineTo(-hemHalf, hemY);
  ctx.lineTo(-waistHalf, waistY);
  ctx.lineTo(-shoulderHalf, shoulderY + 0.05);
  ctx.quadraticCurveTo(-shoulderHalf, shoulderY - 0.006, -shoulderHalf * 0.35, shoulderY - 0.012);
  ctx.closePath();
}

function line(ctx: SKRSContext2D, points: [number, number][], colour: string, width: number): void {
  ctx.beginPath();
  tracePath(ctx, points);
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.stroke();
}

function drawCostume(ctx: SKRSContext2D, look: CharacterLook, body: Body, facing: Facing, extent: Extent): void {
  const front = facing !== 'back';
  const { shoulderY, waistY, waistHalf, hipY, hipHalf } = body;
  const trim = look.costumeTrim;
  switch (look.costumeKind) {
    case 'ao-dai': {
      torsoPath(ctx, body, hipY + 0.01, hipHalf * 0.95);
      fillAndInk(ctx, look.costume);
      // The long front panel is what makes an áo dài read as one from across a room.
      flaredPanel(
        ctx,
        { topHalf: waistHalf * 0.95, topY: waistY + 0.02, hemHalf: hipHalf * 1.08, hemY: -0.1, hemSag: 0.015 },
        look.costume,
      );
      extent.add(hipHalf * 1.08, -0.09);
      extent.add(-hipHalf * 1.08, -0.09);
      if (front) {
        line(
          ctx,
          [
            [-0.02, shoulderY - 0.006],
            [body.shoulderHalf * 0.55, shoulderY + 0.06],
          ],
          trim,
          INK_WIDTH * 1.4,
        );
        ellipse(ctx, 0, shoulderY - 0.016, body.headRx * 0.55, 0.016, trim);
      }
      line(
        ctx,
        [
          [-waistHalf * 0.6, waistY + 0.08],
          [waistHalf * 0.6, waistY + 0.08],
        ],
        mix(look.costume, trim, 0.5),
        INK_WIDTH,
      );
      break;
    }
    case 'qipao': {
      torsoPath(ctx, body, -0.22, hipHalf * 0.9);
      fillAndInk(ctx, look.costume);
      extent.add(hipHalf, -0.22);
      extent.add(-hipHalf, -0.22);
      if (front) {
        line(
          ctx,
          [
            [-0.02, shoulderY - 0.006],
            [body.shoulderHalf * 0.55, shoulderY + 0.06],
          ],
          trim,
          INK_WIDTH * 1.6,
        );
        line(
          ctx,
          [
            [hipHalf * 0.82, -0.22],
            [hipHalf * 0.9, hipY + 0.05],
          ],
          INK,
          INK_WIDTH,
        );
      }
      ellipse(ctx, 0, shoulderY - 0.016, body.headRx * 0.5, 0.016, trim);
      break;
    }
    case 'dress': {
      torsoPath(ctx, body, waistY, waistHalf);
      fillAndInk(ctx, look.costume);
      flaredPanel(
        ctx,
        { topHalf: waistHalf, topY: waistY, hemHalf: hipHalf * 1.55, hemY: -0.3, hemSag: 0.025 },
        look.costume,
      );
      extent.add(hipHalf * 1.55, -0.29);
      extent.add(-hipHalf * 1.55, -0.29);
      line(
        ctx,
        [
          [-waistHalf, waistY],
          [waistHalf, waistY],
        ],
        trim,
        INK_WIDTH * 2.2,
      );
      for (const x of [-0.5, 0, 0.5])
        line(
          ctx,
          [
            [x * waistHalf, waistY + 0.02],
            [x * hipHalf * 1.7, -0.3],
          ],
          darken(look.costume, 0.15),
          INK_WIDTH * 0.8,
        );
      break;
    }
    case 'suit':
    case 'jacket':
    case 'cardigan':
    case 'uniform':
    case 'hoodie':
    case 'shirt': {
      const long =
        look.costumeKind === 'jacket'
          ? 0.07
          : look.costumeKind === 'suit'
            ? 0.05
            : look.costumeKind === 'shirt'
              ? 0.0
              : 0.03;
      const hemY = hipY + long;
      const hemHalf = hipHalf * (look.costumeKind === 'shirt' ? 0.98 : 1.06);
      torsoPath(ctx, body, hemY, hemHalf);
      fillAndInk(ctx, look.costume);
      if (look.clothPattern === 'batik') drawBatik(ctx, look, body, hemY, hemHalf);
      extent.add(hemHalf, hemY);
      extent.add(-hemHalf, hemY);
      if (!front) {
        if (look.costumeKind === 'hoodie')
          ellipse(ctx, 0, shoulderY + 0.02, body.shoulderHalf * 0.5, 0.04, darken(look.costume, 0.12));
        break;
      }
      drawCostumeFront(ctx, look, body, hemY);
      break;
    }
  }
}

/** Batik's repeating motif, diamonds with a dot in each, in the cloth's own darker and lighter shades. */
function drawBatik(ctx: SKRSContext2D, look: CharacterLook, body: Body, hemY: number, hemHalf: number): void {
  ctx.save();
  torsoPath(ctx, body, hemY, hemHalf);
  ctx.clip();
  const motif = darken(look.costume, 0.4);
  const dot = lighten(look.costume, 0.45);
  const step = 0.034;
  for (let row = 0, y = body.shoulderY; y < hemY + step; row++, y += step) {
    for (let x = -body.shoulderHalf - step + (row % 2) * (step / 2); x < body.shoulderHalf + step; x += step) {
      ctx.beginPath();
      ctx.moveTo(x, y - step * 0.4);
      ctx.lineTo(x + step * 0.4, y);
      ctx.lineTo(x, y + step * 0.4);
      ctx.lineTo(x - step * 0.4, y);
      ctx.closePath();
      ctx.fillStyle = motif;
      ctx.fill();
      ctx.beginPath();
      ctx.arc(x, y, step * 0.12, 0, Math.PI * 2);
      ctx.fillStyle = dot;
      ctx.fill();
    }
  }
  ctx.restore();
}

function drawCostumeFront(ctx: SKRSContext2D, look: CharacterLook, body: Body, hemY: number): void {
  const { shoulderY, waistY } = body;
  const neckHalf = body.headRx * 0.5;
  switch (look.costumeKind) {
    case 'suit': {
      ctx.beginPath();
      ctx.moveTo(-neckHalf, shoulderY - 0.01);
      ctx.lineTo(neckHalf, shoulderY - 0.01);
      ctx.lineTo(0, waistY + 0.02);
      ctx.closePath();
      fillAndInk(ctx, look.costumeTrim);
      ctx.beginPath();
      ctx.moveTo(-0.01, shoulderY);
      ctx.lineTo(0.01, shoulderY);
      ctx.lineTo(0.014, waistY - 0.01);
      ctx.lineTo(0, waistY + 0.015);
      ctx.lineTo(-0.014, waistY - 0.01);
      ctx.closePath();
      fillAndInk(ctx, mix(look.costume, '#8a1c2a', 0.6));
      line(
        ctx,
        [
          [-neckHalf * 1.6, shoulderY],
          [0, waistY + 0.03],
          [neckHalf * 1.6, shoulderY],
        ],
        lighten(look.costume, 0.25),
        INK_WIDTH * 1.2,
      );
      line(
        ctx,
        [
          [0, waistY + 0.03],
          [0, hemY],
        ],
        INK,
        INK_WIDTH,
      );
      break;
    }
    case 'jacket':
    case 'cardigan': {
      const inner = look.inner ?? (look.costumeKind === 'cardigan' ? '#efe7d6' : mix(look.costume, '#f1ede4', 0.7));
      ctx.beginPath();
      ctx.moveTo(-neckHalf, shoulderY - 0.01);
      ctx.lineTo(neckHalf, shoulderY - 0.01);
      ctx.lineTo(0.022, hemY);
      ctx.lineTo(-0.022, hemY);
      ctx.closePath();
      fillAndInk(ctx, inner);
      for (let y = shoulderY + 0.08; y < hemY - 0.02; y += 0.07)
        ellipse(ctx, -0.032, y, 0.007, 0.007, look.costumeTrim);
      if (look.costumeKind === 'jacket') {
        line(
          ctx,
          [
            [-neckHalf * 1.5, shoulderY],
            [-0.03, shoulderY + 0.1],
          ],
          darken(look.costume, 0.35),
          INK_WIDTH * 1.4,
        );
        line(
          ctx,
          [
            [neckHalf * 1.5, shoulderY],
            [0.03, shoulderY + 0.1],
          ],
          darken(look.costume, 0.35),
          INK_WIDTH * 1.4,
        );
      }
      break;
    }
    case 'uniform': {
      line(
        ctx,
        [
          [-neckHalf * 1.2, shoulderY],
          [0, shoulderY + 0.04],
          [neckHalf * 1.2, shoulderY],
        ],
        look.costumeTrim,
        INK_WIDTH * 2,
      );
      for (let y = shoulderY + 0.07; y < waistY; y += 0.055) ellipse(ctx, 0, y, 0.007, 0.007, '#d8b54a');
      line(
        ctx,
        [
          [-body.waistHalf * 1.05, waistY + 0.02],
          [body.waistHalf * 1.05, waistY + 0.02],
        ],
        '#2b2320',
        INK_WIDTH * 3,
      );
      break;
    }
    case 'hoodie': {
      ellipse(ctx, 0, shoulderY + 0.015, neckHalf * 1.8, 0.035, darken(look.costume, 0.12));
      ctx.beginPath();
      ctx.moveTo(-body.waistHalf * 0.8, hemY - 0.01);
      ctx.lineTo(-body.waistHalf * 0.6, waistY + 0.03);
      ctx.lineTo(body.waistHalf * 0.6, waistY + 0.03);
      ctx.lineTo(body.waistHalf * 0.8, hemY - 0.01);
      ctx.closePath();
      fillAndInk(ctx, darken(look.costume, 0.08));
      line(
        ctx,
        [
          [-0.015, shoulderY + 0.03],
          [-0.018, shoulderY + 0.11],
        ],
        lighten(look.costume, 0.5),
        INK_WIDTH,
      );
      line(
        ctx,
        [
          [0.015, shoulderY + 0.03],
          [0.018, shoulderY + 0.11],
        ],
        lighten(look.costume, 0.5),
        INK_WIDTH,
      );
      break;
    }
    case 'shirt': {
      line(
        ctx,
        [
          [-neckHalf * 1.3, shoulderY - 0.008],
          [0, shoulderY + 0.045],
          [neckHalf * 1.3, shoulderY - 0.008],
        ],
        look.costumeTrim,
        INK_WIDTH * 1.8,
      );
      for (let y = shoulderY + 0.07; y < hemY - 0.02; y += 0.06) ellipse(ctx, 0, y, 0.006, 0.006, look.costumeTrim);
      break;
    }
    case 'ao-dai':
    case 'qipao':
    case 'dress':
      break;
  }
}

function drawBackHair(ctx: SKRSContext2D, look: CharacterLook, body: Body, facing: Facing, extent: Extent): void {
  const { headX, headY, headRx, headRy } = body;
  if (look.hairStyle === 'long' || look.hairStyle === 'curly') {
    const bottom = look.hairStyle === 'long' ? body.shoulderY + 0.16 : body.chinY + 0.03;
    const half = headRx * (look.hairStyle === 'curly' ? 1.35 : 1.2);
    ctx.beginPath();
    ctx.moveTo(headX - half, headY);
    ctx.lineTo(headX - half * 1.08, bottom);
    ctx.quadraticCurveTo(headX, bottom + 0.03, headX + half * 1.08, bottom);
    ctx.lineTo(headX + half, headY);
    ctx.closePath();
    fillAndInk(ctx, look.hair);
    extent.add(headX - half * 1.08, bottom + 0.02);
    extent.add(headX + half * 1.08, bottom + 0.02);
  }
  if (look.hairStyle === 'ponytail' && facing !== 'back') {
    const side = facing === 'left' ? 1 : -1;
    ellipse(
      ctx,
      headX + side * headRx * 1.1,
      headY + headRy * 0.9,
      headRx * 0.38,
      headRy * 1.05,
      look.hair,
      side * 0.35,
    );
    extent.add(headX + side * headRx * 1.5, headY + headRy * 1.9);
  }
}

function drawHead(
  ctx: SKRSContext2D,
  look: CharacterLook,
  body: Body,
  facing: Facing,
  mouth: MouthShape,
  extent: Extent,
): void {
  const { headX, headY, headRx, headRy } = body;
  limb(
    ctx,
    [
      [headX, body.chinY - 0.01],
      [headX, body.shoulderY],
    ],
    headRx * 0.7,
    look.skin,
  );
  ellipse(ctx, headX, headY, headRx, headRy, look.skin);
  extent.add(headX - headRx, headY - headRy);
  extent.add(headX + headRx, headY + headRy);
  if (facing === 'back') {
    drawHairFromBehind(ctx, look, body, extent);
    return;
  }
  const turn = facing === 'left' ? -0.32 : facing === 'right' ? 0.32 : 0;
  drawFace(ctx, look, body, turn, mouth);
  drawFrontHair(ctx, look, body, turn, extent);
}

function drawFace(ctx: SKRSContext2D, look: CharacterLook, body: Body, turn: number, mouth: MouthShape): void {
  const { headX, headY, headRx, headRy } = body;
  const faceX = headX + turn * headRx;
  const eyeY = headY + headRy * 0.12;
  const eyeSpread = headRx * 0.4;
  for (const side of [-1, 1]) {
    const foreshortened = turn * side < 0 ? 0.7 : 1;
    ctx.beginPath();
    ctx.ellipse(
      faceX + side * eyeSpread * foreshortened,
      eyeY,
      headRx * 0.1 * foreshortened,
      headRy * 0.08,
      0,
      0,
      Math.PI * 2,
    );
    ctx.fillStyle = INK;
    ctx.fill();
    line(
      ctx,
      [
        [faceX + side * eyeSpread * foreshortened - headRx * 0.16, eyeY - headRy * 0.2],
        [faceX + side * eyeSpread * foreshortened + headRx * 0.16, eyeY - headRy * 0.23],
      ],
      darken(look.hair, 0.2),
      INK_WIDTH * 0.9,
    );
    if (look.glasses) {
      ctx.beginPath();
      ctx.arc(faceX + side * eyeSpread * foreshortened, eyeY, headRx * 0.26, 0, Math.PI * 2);
      ctx.strokeStyle = INK;
      ctx.lineWidth = INK_WIDTH * 0.9;
      ctx.stroke();
    }
    if (look.gender === 'female' && look.age !== 'elder') {
      ctx.beginPath();
      ctx.ellipse(
        faceX + side * eyeSpread * 1.15 * foreshortened,
        headY + headRy * 0.45,
        headRx * 0.16,
        headRy * 0.08,
        0,
        0,
        Math.PI * 2,
      );
      ctx.fillStyle = mix(look.skin, '#e0607a', 0.35);
      ctx.fill();
    }
  }
  line(
    ctx,
    [
      [faceX + headRx * 0.05, headY + headRy * 0.25],
      [faceX + headRx * 0.1, headY + headRy * 0.42],
    ],
    darken(look.skin, 0.35),
    INK_WIDTH * 0.8,
  );
  drawFacialHair(ctx, look, body, faceX);
  drawMouth(ctx, faceX, headY + headRy * 0.5, headRx, headRy, mouth);
  if (look.age === 'elder') {
    line(
      ctx,
      [
        [faceX - headRx * 0.35, headY - headRy * 0.32],
        [faceX + headRx * 0.35, headY - headRy * 0.32],
      ],
      darken(look.skin, 0.25),
      INK_WIDTH * 0.7,
    );
  }
}

/** A full beard round the jaw, a moustache alone above the mouth, or a shadow of stubble. */
function drawFacialHair(ctx: SKRSContext2D, look: CharacterLook, body: Body, faceX: number): void {
  if (!look.facialHair) return;
  const { headY, headRx, headRy } = body;
  const colour = look.beardColour ?? look.hair;
  if (look.facialHair === 'moustache') {
    for (const side of [-1, 1]) {
      ctx.beginPath();
      ctx.ellipse(
        faceX + side * headRx * 0.17,
        headY + headRy * 0.4,
        headRx * 0.2,
        headRy * 0.065,
        side * 0.25,
        0,
        Math.PI * 2,
      );
      fillAndInk(ctx, colour);
    }
    return;
  }
  ctx.beginPath();
  ctx.moveTo(faceX - headRx * 0.8, headY + headRy * 0.2);
  ctx.quadraticCurveTo(faceX - headRx * 0.5, headY + headRy * 1.25, faceX, headY + headRy * 1.22);
  ctx.quadraticCurveTo(faceX + headRx * 0.5, headY + headRy * 1.25, faceX + headRx * 0.8, headY + headRy * 0.2);
  ctx.quadraticCurveTo(faceX, headY + headRy * 0.42, faceX - headRx * 0.8, headY + headRy * 0.2);
  if (look.facialHair === 'beard') {
    fillAndInk(ctx, colour);
    return;
  }
  ctx.save();
  ctx.globalAlpha = 0.35;
  ctx.fillStyle = colour;
  ctx.fill();
  ctx.restore();
}

/** The resting smile, or an open mouth whose height says how loud the syllable is. */
function drawMouth(ctx: SKRSContext2D, x: number, y: number, headRx: number, headRy: number, mouth: MouthShape): void {
  if (mouth === 'closed') {
    ctx.beginPath();
    ctx.arc(x, y, headRx * 0.22, 0.2 * Math.PI, 0.8 * Math.PI);
    ctx.strokeStyle = '#7a2e2e';
    ctx.lineWidth = INK_WIDTH;
    ctx.stroke();
    return;
  }
  const openness = mouth === 'open' ? 0.2 : 0.1;
  ctx.beginPath();
  ctx.ellipse(
    x,
    y + headRy * openness * 0.5,
    headRx * (mouth === 'open' ? 0.22 : 0.2),
    headRy * openness,
    0,
    0,
    Math.PI * 2,
  );
  ctx.fillStyle = '#4a1418';
  ctx.fill();
  ctx.strokeStyle = '#7a2e2e';
  ctx.lineWidth = INK_WIDTH;
  ctx.stroke();
}

function drawFrontHair(ctx: SKRSContext2D, look: CharacterLook, body: Body, turn: number, extent: Extent): void {
  const { headX, headY, headRx, headRy } = body;
  const topY = headY - headRy;
  if (look.hairStyle === 'bald') {
    for (const side of [-1, 1])
      ellipse(ctx, headX + side * headRx * 0.92, headY - headRy * 0.05, headRx * 0.18, headRy * 0.3, look.hair);
    return;
  }
  const sideDrop =
    look.hairStyle === 'short' || look.hairStyle === 'bun' ? 0.05 : look.hairStyle === 'curly' ? 0.3 : 0.45;
  const fringeX = headX + turn * headRx * 0.6;
  const volume = look.hairStyle === 'curly' ? 1.18 : 1.08;
  ctx.beginPath();
  ctx.moveTo(headX - headRx * volume, headY + headRy * sideDrop);
  ctx.bezierCurveTo(
    headX - headRx * 1.15,
    topY - headRy * 0.35,
    headX + headRx * 1.15,
    topY - headRy * 0.35,
    headX + headRx * volume,
    headY + headRy * sideDrop,
  );
  ctx.lineTo(headX + headRx * 0.85, headY - headRy * 0.2);
  ctx.quadraticCurveTo(fringeX + headRx * 0.3, headY - headRy * 0.62, fringeX - headRx * 0.1, headY - headRy * 0.38);
  ctx.quadraticCurveTo(fringeX - headRx * 0.5, headY - headRy * 0.55, headX - headRx * 0.85, headY - headRy * 0.2);
  ctx.closePath();
  fillAndInk(ctx, look.hair);
  extent.add(headX, topY - headRy * 0.12);
  // A hat covers the crown, where the curls would stand above it and hide it.
  if (look.hairStyle === 'curly' && !look.hat) {
    for (let i = 0; i <= 6; i++) {
      const angle = Math.PI * (1 + i / 6);
      ellipse(
        ctx,
        headX + Math.cos(angle) * headRx * 1.08,
        headY - headRy * 0.1 + Math.sin(angle) * headRy * 1.02,
        headRx * 0.24,
        headRx * 0.24,
        look.hair,
      );
    }
    extent.add(headX, topY - headRx * 0.3);
  }
  if (look.hairStyle === 'bun') {
    ellipse(ctx, headX, topY - headRy * 0.2, headRx * 0.48, headRy * 0.38, look.hair);
    extent.add(headX, topY - headRy * 0.6);
  }
  if (look.hairStyle === 'braid') {
    const side = turn > 0 ? -1 : 1;
    for (let i = 0; i < 6; i++) {
      ellipse(
        ctx,
        headX + side * headRx * (0.95 + i * 0.05),
        headY + headRy * (0.6 + i * 0.42),
        headRx * 0.22,
        headRy * 0.25,
        look.hair,
      );
    }
    extent.add(headX + side * headRx * 1.4, headY + headRy * 3);
  }
  drawHat(ctx, look, body, turn, extent);
}

function drawHairFromBehind(ctx: SKRSContext2D, look: CharacterLook, body: Body, extent: Extent): void {
  const { headX, headY, headRx, headRy } = body;
  if (look.hairStyle !== 'bald') {
    ellipse(ctx, headX, headY - headRy * 0.05, headRx * 1.06, headRy * 1.02, look.hair);
  }
  if (look.hairStyle === 'long') {
    ctx.beginPath();
    ctx.moveTo(headX - headRx * 1.06, headY);
    ctx.lineTo(headX - headRx * 1.15, body.shoulderY + 0.16);
    ctx.quadraticCurveTo(headX, body.shoulderY + 0.19, headX + headRx * 1.15, body.shoulderY + 0.16);
    ctx.lineTo(headX + headRx * 1.06, headY);
    ctx.closePath();
    fillAndInk(ctx, look.hair);
  }
  if (look.hairStyle === 'ponytail' || look.hairStyle === 'braid') {
    ellipse(
      ctx,
      headX,
      headY + headRy * 1.5,
      headRx * 0.3,
      headRy * (look.hairStyle === 'braid' ? 1.6 : 1.0),
      look.hair,
    );
  }
  if (look.hairStyle === 'bun') {
    ellipse(ctx, headX, headY - headRy * 0.6, headRx * 0.5, headRy * 0.4, look.hair);
    extent.add(headX, headY - headRy * 1.1);
  }
  drawHat(ctx, look, body, 0, extent);
}

/** The hat the description names, on the head; a cap's peak points the way the face turns. */
function drawHat(ctx: SKRSContext2D, look: CharacterLook, body: Body, turn: number, extent: Extent): void {
  if (!look.hat) return;
  const { headX, headY, headRx, headRy } = body;
  switch (look.hatKind ?? 'brimmed') {
    case 'peci': {
      const bottom = headY - headRy * 0.42;
      const top = headY - headRy * 1.25;
      ctx.beginPath();
      ctx.moveTo(headX - headRx * 1.0, bottom);
      ctx.lineTo(headX - headRx * 0.9, top);
      ctx.lineTo(headX + headRx * 0.9, top);
      ctx.lineTo(headX + headRx * 1.0, bottom);
      ctx.closePath();
      fillAndInk(ctx, look.hat);
      // A sheen along the velvet, so a black peci reads against black hair.
      line(
        ctx,
        [
          [headX - headRx * 0.85, top + headRy * 0.18],
          [headX + headRx * 0.85, top + headRy * 0.18],
        ],
        lighten(look.hat, 0.4),
        INK_WIDTH,
      );
      extent.add(headX - headRx * 1.0, top);
      extent.add(headX + headRx * 1.0, top);
      return;
    }
    case 'conical': {
      const apexY = headY - headRy * 1.7;
      const baseY = headY - headRy * 0.3;
      ctx.beginPath();
      ctx.moveTo(headX, apexY);
      ctx.lineTo(headX + headRx * 1.9, baseY);
      ctx.quadraticCurveTo(headX, baseY + headRy * 0.2, headX - headRx * 1.9, baseY);
      ctx.closePath();
      fillAndInk(ctx, look.hat);
      extent.add(headX, apexY);
      extent.add(headX - headRx * 1.9, baseY);
      extent.add(headX + headRx * 1.9, baseY + headRy * 0.2);
      return;
    }
    case 'cap': {
      ctx.beginPath();
      ctx.ellipse(headX, headY - headRy * 0.5, headRx * 1.02, headRy * 0.62, 0, Math.PI, Math.PI * 2);
      ctx.closePath();
      fillAndInk(ctx, look.hat);
      const peakX = headX + (turn === 0 ? 0 : Math.sign(turn) * headRx * 0.75);
      const peakHalf = turn === 0 ? headRx * 0.85 : headRx * 0.7;
      ellipse(ctx, peakX, headY - headRy * 0.5, peakHalf, headRy * 0.13, darken(look.hat, 0.15));
      extent.add(headX, headY - headRy * 1.12);
      extent.add(peakX - peakHalf, headY - headRy * 0.5);
      extent.add(peakX + peakHalf, headY - headRy * 0.5);
      return;
    }
    case 'brimmed': {
      ctx.beginPath();
      ctx.ellipse(headX, headY - headRy * 0.55, headRx * 1.05, headRy * 0.6, 0, Math.PI, Math.PI * 2);
      ctx.closePath();
      fillAndInk(ctx, look.hat);
      ellipse(ctx, headX + headRx * 0.45, headY - headRy * 0.52, headRx * 0.75, headRy * 0.12, darken(look.hat, 0.2));
      extent.add(headX, headY - headRy * 1.2);
      return;
    }
  }
}

function drawCane(ctx: SKRSContext2D, hand: [number, number]): void {
  limb(
    ctx,
    [
      [hand[0], hand[1] - 0.02],
      [hand[0] + 0.02, 0],
    ],
    0.014,
    '#6b4426',
  );
}

/**
 * Draws one character standing on the ground at the placement, and returns the
 * pixel box it covers (before any clipping to the canvas).
 */
export function drawFigure(ctx: SKRSContext2D, look: CharacterLook, placement: FigurePlacement, pose: FigurePose): Box {
  if (look.species !== 'person') return drawAnimal(ctx, look, placement);
  const body = bodyOf(look);
  const extent = new Extent();
  const unit = placement.scale * look.height;
  ctx.save();
  ctx.translate(placement.centreX, placement.groundY);
  ctx.scale(unit, unit);
  drawBackHair(ctx, look, body, pose.facing, extent);
  drawLegs(ctx, look, body, extent);
  const behind: -1 | 1 = pose.facing === 'left' ? 1 : -1;
  if (pose.facing === 'left' || pose.facing === 'right') drawArm(ctx, look, body, pose, behind, extent);
  drawCostume(ctx, look, body, pose.facing, extent);
  const hands: [number, number][] = [];
  for (const side of [-1, 1] as const) {
    if ((pose.facing === 'left' || pose.facing === 'right') && side === behind) continue;
    hands.push(drawArm(ctx, look, body, pose, side, extent));
  }
  drawHead(ctx, look, body, pose.facing, pose.mouth ?? 'closed', extent);
  const caneHand = hands[0];
  if (look.age === 'elder' && caneHand && pose.gesture === 'rest') drawCane(ctx, caneHand);
  ctx.restore();
  const margin = INK_WIDTH * unit;
  const x = placement.centreX + extent.minX * unit - margin;
  const y = placement.groundY + extent.minY * unit - margin;
  return {
    x,
    y,
    width: (extent.maxX - extent.minX) * unit + margin * 2,
    height: (extent.maxY - extent.minY) * unit + margin * 2,
  };
}
