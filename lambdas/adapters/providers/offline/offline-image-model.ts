import type { SKRSContext2D } from '@napi-rs/canvas';
import type {
  Box,
  CharacterBrief,
  ImageModel,
  KeyframeRequest,
  Metered,
  ReferenceSheetRequest,
  RenderedImage,
  SceneBrief,
} from '../../../core/contracts/ports.js';
import { speaks } from '../../../core/domain/creatures.js';
import { loadCanvas } from '../../media/canvas.js';
import { canvasFontFamilies } from '../../media/fonts.js';
import {
  type ActingArea,
  drawBackground,
  drawWeather,
  type SceneSetting,
  sceneSetting,
} from './storyboard/backgrounds.js';
import { characterLook } from './storyboard/character-look.js';
import { withAlpha } from './storyboard/colour.js';
import { drawFigure, type Facing, type FigurePose, type Gesture, type MouthShape } from './storyboard/figure.js';
import { drawProps, propsOf } from './storyboard/props.js';
import { fitInside, safeArea } from './storyboard/safe-area.js';
import { type SeededRandom, seededRandom } from './storyboard/seeded-random.js';

const PROVIDER = 'offline';
const REFERENCE_SIZE = 1200;
/** A reference sheet carries no language; its labels are drawn Latin first, then by whichever family has the glyph. */
const LABEL_FAMILIES = canvasFontFamilies('en-US');

/** How far the camera stands: it decides how tall an adult is, as a share of the frame height. */
type Shot = 'wide' | 'medium' | 'close';

/**
 * What can spoil a character's likeness in one take. Real image models drift like
 * this too, which is why the pipeline scores each keyframe and may redraw it.
 */
type Spoiler = 'none' | 'shadow' | 'occluded' | 'turned-away';

export interface Blocking {
  character: CharacterBrief;
  centreX: number;
  groundY: number;
  scale: number;
  pose: FigurePose;
  spoiler: Spoiler;
}

function clipBox(box: Box, width: number, height: number): Box {
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(width, Math.ceil(box.x + box.width));
  const y1 = Math.min(height, Math.ceil(box.y + box.height));
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

function shuffled<T>(items: readonly T[], random: SeededRandom): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = random.integer(0, i);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

const GESTURES: Gesture[] = ['rest', 'rest', 'wave', 'reach', 'clasped'];

/**
 * Places the cast: the seed chooses the shot, who stands where, and what goes wrong. A
 * character who can speak faces the camera and is never turned away: the keyframe is drawn
 * from the scene's card, before its lines are known, and any of them may be the one talking.
 */
export function blockScene(scene: SceneBrief, area: ActingArea, random: SeededRandom): Blocking[] {
  const cast = shuffled(scene.characters, random);
  const count = cast.length;
  if (count === 0) return [];
  const shot: Shot =
    count > 2 ? random.pick(['wide', 'medium'] as const) : random.pick(['wide', 'medium', 'medium', 'close'] as const);
  const heightShare =
    shot === 'wide'
      ? random.between(0.34, 0.42)
      : shot === 'medium'
        ? random.between(0.5, 0.6)
        : random.between(0.72, 0.82);
  // An adult is about 0.42 of their height wide with arms out; everyone must fit side by side.
  const widest = (area.width * 0.94) / (count * 0.42);
  const scale = Math.min(area.height * heightShare, widest);
  const groundBase =
    shot === 'close'
      ? area.height + scale * 0.2
      : area.nearGroundY - random.between(0, 0.08) * (area.nearGroundY - area.farGroundY);
  const spoilers: Spoiler[] = ['shadow', 'occluded', 'turned-away'];
  return cast.map((character, index) => {
    const depth = count > 2 && index % 2 === 1 ? random.between(0.25, 0.45) : 0;
    const groundY = groundBase - depth * (groundBase - area.farGroundY);
    const depthScale = (groundY - area.horizonY) / (groundBase - area.horizonY);
    const slot = (index + 0.5) / count;
    const centreX = area.width * (slot + random.between(-0.06, 0.06) / count);
    const speaker = speaks(character);
    const spoiler = random.chance(0.16)
      ? random.pick(speaker ? spoilers.filter((s) => s !== 'turned-away') : spoilers)
      : 'none';
    const towardsPartner: Facing = centreX < area.width / 2 ? 'right' : 'left';
    const facing: Facing =
      spoiler === 'turned-away' ? 'back' : !speaker && count > 1 && random.chance(0.45) ? towardsPartner : 'front';
    return {
      character,
      centreX,
      groundY,
      scale: scale * depthScale,
      pose: { facing, gesture: random.pick(GESTURES) },
      spoiler,
    };
  });
}

/**
 * The actor moved the least that puts the whole figure inside the frame's safe area: a
 * close shot's ground below the frame would leave a cat's ears and little else.
 */
function framed(actor: Blocking, area: Box, measuring: SKRSContext2D): Blocking {
  const placement = { centreX: actor.centreX, groundY: actor.groundY, scale: actor.scale };
  const box = drawFigure(measuring, characterLook(actor.character), placement, actor.pose);
  const fit = fitInside(box, area, { x: actor.centreX, y: actor.groundY });
  return {
    ...actor,
    centreX: actor.centreX + fit.dx,
    groundY: actor.groundY + fit.dy,
    scale: actor.scale * fit.factor,
  };
}

/** Actors live on their own layer so the set's light and shadows touch them and not the set twice. */
function lightActors(
  layer: SKRSContext2D,
  area: ActingArea,
  boxes: { box: Box; spoiler: Spoiler }[],
  random: SeededRandom,
): void {
  layer.save();
  layer.globalCompositeOperation = 'source-atop';
  if (area.ambientStrength > 0) {
    layer.fillStyle = withAlpha(area.ambient, area.ambientStrength);
    layer.fillRect(0, 0, area.width, area.height);
  }
  const side = random.chance(0.5) ? 0 : 1;
  const key = layer.createLinearGradient(0, 0, area.width, 0);
  key.addColorStop(side, 'rgba(255,244,220,0.10)');
  key.addColorStop(1 - side, 'rgba(10,10,30,0.12)');
  layer.fillStyle = key;
  layer.fillRect(0, 0, area.width, area.height);
  for (const { box, spoiler } of boxes) {
    if (spoiler !== 'shadow') continue;
    const shade = layer.createLinearGradient(box.x, box.y, box.x + box.width, box.y + box.height);
    shade.addColorStop(0, `rgba(8,8,20,${random.between(0.72, 0.86).toFixed(3)})`);
    shade.addColorStop(1, `rgba(8,8,20,${random.between(0.55, 0.72).toFixed(3)})`);
    layer.fillStyle = shade;
    layer.fillRect(box.x, box.y, box.width, box.height);
  }
  layer.restore();
}

/** Something between the camera and an actor: a pillar, an umbrella, a passer-by, foliage. */
function drawOccluder(
  ctx: SKRSContext2D,
  setting: SceneSetting,
  box: Box,
  frameHeight: number,
  random: SeededRandom,
): void {
  const ink = '#1d1a22';
  const kind =
    setting.weather === 'rain' && !setting.indoor
      ? 'umbrella'
      : random.pick(['pillar', 'passer-by', 'foliage'] as const);
  ctx.save();
  ctx.lineWidth = Math.max(2, box.width * 0.02);
  ctx.strokeStyle = ink;
  if (kind === 'pillar') {
    const width = box.width * random.between(0.55, 0.75);
    const x = box.x + box.width * random.between(0.05, 0.4);
    ctx.fillStyle = setting.indoor ? '#7a5a40' : '#5c6068';
    ctx.fillRect(x, 0, width, frameHeight);
    ctx.strokeRect(x, -10, width, frameHeight + 20);
  } else if (kind === 'umbrella') {
    const cx = box.x + box.width * random.between(0.3, 0.7);
    const cy = box.y + box.height * random.between(0.3, 0.45);
    const radius = box.width * random.between(0.9, 1.2);
    ctx.beginPath();
    ctx.ellipse(cx, cy, radius, radius * 0.75, 0, Math.PI, Math.PI * 2);
    ctx.lineTo(cx + radius, cy + radius * 0.15);
    ctx.lineTo(cx - radius, cy + radius * 0.15);
    ctx.closePath();
    ctx.fillStyle = random.pick(['#20232b', '#3a3f4a', '#5b2a2a']);
    ctx.fill();
    ctx.stroke();
    ctx.fillRect(cx - 3, cy, 6, box.height * 0.6);
  } else if (kind === 'passer-by') {
    const cx = box.x + box.width * random.between(0.2, 0.8);
    const headR = box.width * 0.28;
    ctx.fillStyle = '#15161c';
    ctx.beginPath();
    ctx.arc(cx, box.y + box.height * 0.22, headR, 0, Math.PI * 2);
    ctx.fill();
    ctx.beginPath();
    ctx.ellipse(cx, box.y + box.height * 0.85, box.width * 0.6, box.height * 0.45, 0, 0, Math.PI * 2);
    ctx.fill();
  } else {
    const top = box.y + box.height * random.between(0.15, 0.45);
    for (let i = 0; i < 14; i++) {
      ctx.beginPath();
      ctx.arc(
        box.x + random.between(-0.2, 1.2) * box.width,
        top + random.between(0, 1) * (box.y + box.height - top),
        box.width * random.between(0.2, 0.35),
        0,
        Math.PI * 2,
      );
      ctx.fillStyle = random.pick(['#2f6b34', '#3f8a44', '#24552a']);
      ctx.fill();
      ctx.stroke();
    }
  }
  ctx.restore();
}

function vignette(ctx: SKRSContext2D, width: number, height: number): void {
  const gradient = ctx.createRadialGradient(
    width / 2,
    height / 2,
    Math.min(width, height) * 0.35,
    width / 2,
    height / 2,
    Math.hypot(width, height) / 2,
  );
  gradient.addColorStop(0, 'rgba(0,0,0,0)');
  gradient.addColorStop(1, 'rgba(0,0,0,0.28)');
  ctx.fillStyle = gradient;
  ctx.fillRect(0, 0, width, height);
}

export interface StoryboardImageModelOptions {
  model?: string;
}

/**
 * The offline profile's painter: procedural storyboard panels that a producer can
 * review like an animatic, at no cost and with no network.
 */
export class StoryboardImageModel implements ImageModel {
  readonly model: string;

  constructor(options: StoryboardImageModelOptions = {}) {
    this.model = options.model ?? 'storyboard-v1';
  }

  async drawReferenceSheet(request: ReferenceSheetRequest): Promise<Metered<RenderedImage>> {
    const { createCanvas } = await loadCanvas();
    const { character, seed } = request;
    const look = characterLook(character);
    const random = seededRandom('reference-sheet', character.id, seed);
    const size = REFERENCE_SIZE;
    const canvas = createCanvas(size, size);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#ecebe6';
    ctx.fillRect(0, 0, size, size);
    ctx.strokeStyle = '#dedcd5';
    ctx.lineWidth = 1;
    for (let i = 50; i < size; i += 50) {
      ctx.beginPath();
      ctx.moveTo(i, 0);
      ctx.lineTo(i, size);
      ctx.moveTo(0, i);
      ctx.lineTo(size, i);
      ctx.stroke();
    }
    const groundY = size * 0.93;
    ctx.strokeStyle = '#9b988f';
    ctx.lineWidth = 3;
    ctx.beginPath();
    ctx.moveTo(0, groundY + 2);
    ctx.lineTo(size, groundY + 2);
    ctx.stroke();
    const front = drawFigure(
      ctx,
      look,
      { centreX: size * 0.28, groundY, scale: size * 0.8 },
      { facing: 'front', gesture: 'rest' },
    );
    drawFigure(
      ctx,
      look,
      { centreX: size * 0.64, groundY, scale: size * 0.52 },
      { facing: random.pick(['left', 'right'] as const), gesture: 'rest' },
    );
    drawFigure(ctx, look, { centreX: size * 0.86, groundY, scale: size * 0.52 }, { facing: 'back', gesture: 'rest' });
    ctx.fillStyle = '#1d1a22';
    ctx.textBaseline = 'top';
    ctx.font = `bold 48px ${LABEL_FAMILIES}`;
    ctx.fillText(character.name, size * 0.52, size * 0.05, size * 0.45);
    ctx.font = `22px ${LABEL_FAMILIES}`;
    ctx.fillStyle = '#4a4650';
    ctx.fillText(character.description, size * 0.52, size * 0.05 + 62, size * 0.45);
    ctx.fillText(`${character.id} · turnaround`, size * 0.52, size * 0.05 + 96, size * 0.45);
    const png = await canvas.encode('png');
    return {
      result: { png, width: size, height: size, regions: { [character.id]: clipBox(front, size, size) } },
      usage: { images: 1 },
      provider: PROVIDER,
      model: this.model,
    };
  }

  async drawKeyframe(request: KeyframeRequest): Promise<Metered<RenderedImage>> {
    return this.paintKeyframe(request, {});
  }

  /**
   * The keyframe with the given characters' mouths open: the same drawing, pixel for pixel,
   * everywhere but their mouths (the offline lip-sync's frames). No mouths given is the keyframe.
   */
  async paintKeyframe(
    request: Omit<KeyframeRequest, 'references'>,
    mouths: Record<string, MouthShape>,
  ): Promise<Metered<RenderedImage>> {
    const { createCanvas } = await loadCanvas();
    const { scene, width, height, seed } = request;
    const setting = sceneSetting(scene.location, scene.mood, scene.outline);
    const random = seededRandom('keyframe', scene.episodeId, scene.sceneId, seed);
    const canvas = createCanvas(width, height);
    const ctx = canvas.getContext('2d');
    // The set depends on the location only, so every scene there shares one recognisable set.
    const actingArea = drawBackground(ctx, setting, width, height, seededRandom('set', scene.location));
    drawProps(
      ctx,
      propsOf(scene.location, scene.outline),
      actingArea,
      seededRandom('props', scene.location, scene.outline),
    );
    // A region is whole pixels, so a figure fits a pixel inside the safe area's edges.
    const safe = safeArea(width, height);
    const area = { x: safe.x + 1, y: safe.y + 1, width: safe.width - 2, height: safe.height - 2 };
    const measuring = createCanvas(1, 1).getContext('2d');
    const blocking = blockScene(scene, actingArea, random)
      .map((actor) => framed(actor, area, measuring))
      .sort((a, b) => a.groundY - b.groundY);

    const actors = createCanvas(width, height);
    const actorsCtx = actors.getContext('2d');
    const drawn = blocking.map((actor) => {
      const look = characterLook(actor.character);
      const pose = { ...actor.pose, mouth: mouths[actor.character.id] ?? 'closed' };
      const box = drawFigure(
        actorsCtx,
        look,
        { centreX: actor.centreX, groundY: actor.groundY, scale: actor.scale },
        pose,
      );
      return { actor, box };
    });
    for (const { actor, box } of drawn) {
      const shadowWidth = box.width * 0.7;
      ctx.fillStyle = 'rgba(0,0,0,0.25)';
      ctx.beginPath();
      ctx.ellipse(actor.centreX, actor.groundY, shadowWidth / 2, shadowWidth * 0.09, 0, 0, Math.PI * 2);
      ctx.fill();
    }
    lightActors(
      actorsCtx,
      actingArea,
      drawn.map(({ actor, box }) => ({ box, spoiler: actor.spoiler })),
      random,
    );
    ctx.drawImage(actors, 0, 0);
    for (const { actor, box } of drawn)
      if (actor.spoiler === 'occluded') drawOccluder(ctx, setting, box, height, random);
    drawWeather(ctx, setting, width, height, random, random.between(0.3, 1));
    vignette(ctx, width, height);

    const regions: Record<string, Box> = {};
    for (const { actor, box } of drawn) regions[actor.character.id] = clipBox(box, width, height);
    const png = await canvas.encode('png');
    return {
      result: { png, width, height, regions },
      usage: { images: 1 },
      provider: PROVIDER,
      model: this.model,
    };
  }
}
