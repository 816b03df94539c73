import type { SKRSContext2D } from '@napi-rs/canvas';
import type { Box } from '../../../../core/contracts/ports.js';
import type { ActingArea } from './backgrounds.js';
import { darken, withAlpha } from './colour.js';
import type { SeededRandom } from './seeded-random.js';

export type PropKind = 'blossoms' | 'fireworks' | 'motorbike' | 'lanterns';

export interface Prop {
  kind: PropKind;
  colour: string;
}

const LANTERN_RED = '#d42a2a';
const LAMP_YELLOW = '#f5c542';

/** Each prop's words in every supported language, and the colour the word itself says. */
const PROP_WORDS: readonly (readonly [PropKind, string, readonly string[]])[] = [
  [
    'blossoms',
    '#f4a6c0',
    ['peach blossom', 'hoa đào', 'cành đào', '桃花', 'ดอกท้อ', 'bunga persik', 'bunga pic', '복숭아꽃', '복사꽃'],
  ],
  ['blossoms', '#f5c842', ['apricot blossom', 'hoa mai', 'cành mai', '迎春花']],
  ['blossoms', '#e86a92', ['plum blossom', '梅花', '梅の花', '매화']],
  [
    'blossoms',
    '#f8d3e2',
    ['cherry blossom', 'sakura', 'hoa anh đào', '樱花', '櫻花', '桜', '벚꽃', 'ซากุระ', 'bunga sakura', 'blossom'],
  ],
  [
    'fireworks',
    '#ffd45a',
    [
      'firework',
      'pháo hoa',
      'pháo bông',
      '烟花',
      '烟火',
      '煙火',
      '煙花',
      '焰火',
      '花火',
      '불꽃놀이',
      '폭죽',
      'ดอกไม้ไฟ',
      'พลุ',
      'kembang api',
      'bunga api',
      'mercun',
      'paputok',
    ],
  ],
  [
    'motorbike',
    '#c0392b',
    [
      'motorbike',
      'motorcycle',
      'scooter',
      'moped',
      'xe máy',
      'xe gắn máy',
      'xe tay ga',
      '摩托',
      '电动车',
      '機車',
      '摩托車',
      'バイク',
      'スクーター',
      '오토바이',
      '스쿠터',
      'มอเตอร์ไซค์',
      'รถเครื่อง',
      'sepeda motor',
      'motosikal',
      'motor',
      'motorsiklo',
      'habal-habal',
    ],
  ],
  [
    'lanterns',
    LANTERN_RED,
    [
      'lantern',
      'hanging lamp',
      'đèn lồng',
      'đèn treo',
      '灯笼',
      '燈籠',
      '提灯',
      '提燈',
      'ちょうちん',
      '등롱',
      '청사초롱',
      'โคมไฟ',
      'โคม',
      'lampion',
      'lampu gantung',
      'tanglung',
      'lentera',
      'parol',
    ],
  ],
];

/** Yellow in every supported language: "lampu gantung kuning" is a yellow lamp, not a red lantern. */
const YELLOW_WORDS = ['yellow', 'vàng', '黄', '黃', '黄色', 'きいろ', '노란', 'เหลือง', 'kuning', 'dilaw'];

const CJK = /[\u0E00-\u0E7F\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/u;
const LETTER = /[\p{L}\p{M}]/u;

/** Where a word stands in the text: a Latin word at a word start, its plural or an Indonesian -nya after it. */
function wordAt(text: string, word: string): number {
  if (CJK.test(word)) return text.indexOf(word);
  let from = 0;
  for (;;) {
    const at = text.indexOf(word, from);
    if (at < 0) return -1;
    const before = text[at - 1];
    const rest = text.slice(at + word.length).match(/^\p{L}*/u)?.[0] ?? '';
    if ((before === undefined || !LETTER.test(before)) && ['', 's', 'es', 'nya'].includes(rest)) return at;
    from = at + 1;
  }
}

function clauseAround(text: string, at: number): string {
  const start = Math.max(...[',', '，', '、', ';', '.', '。'].map((stop) => text.lastIndexOf(stop, at))) + 1;
  const ends = [',', '，', '、', ';', '.', '。'].map((stop) => text.indexOf(stop, at)).filter((end) => end >= 0);
  return text.slice(start, ends.length > 0 ? Math.min(...ends) : text.length);
}

/**
 * The props and events a scene's card names in its location or outline, once each, in the
 * order of the table: peach blossoms, fireworks, a motorbike, lanterns (a lamp described as
 * yellow is yellow).
 */
export function propsOf(...texts: string[]): Prop[] {
  const text = texts.join(' , ').normalize('NFC').toLowerCase();
  const props: Prop[] = [];
  for (const [kind, colour, words] of PROP_WORDS) {
    if (props.some((prop) => prop.kind === kind)) continue;
    const at = words.map((word) => wordAt(text, word)).find((index) => index >= 0);
    if (at === undefined) continue;
    const yellow = kind === 'lanterns' && YELLOW_WORDS.some((word) => clauseAround(text, at).includes(word));
    props.push({ kind, colour: yellow ? LAMP_YELLOW : colour });
  }
  return props;
}

function flower(ctx: SKRSContext2D, x: number, y: number, radius: number, colour: string): void {
  ctx.fillStyle = colour;
  for (let petal = 0; petal < 5; petal++) {
    const angle = (petal / 5) * Math.PI * 2;
    ctx.beginPath();
    ctx.arc(x + Math.cos(angle) * radius * 0.6, y + Math.sin(angle) * radius * 0.6, radius * 0.55, 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.fillStyle = darken(colour, 0.35);
  ctx.beginPath();
  ctx.arc(x, y, radius * 0.25, 0, Math.PI * 2);
  ctx.fill();
}

/** Branches in flower reaching in from the top corners, framing the shot above the actors. */
function drawBlossoms(ctx: SKRSContext2D, area: ActingArea, colour: string, random: SeededRandom): Box {
  const unit = Math.min(area.width, area.height);
  const reach = area.width * 0.42;
  const top = area.height * 0.02;
  for (const side of [-1, 1] as const) {
    const rootX = side < 0 ? 0 : area.width;
    const rootY = top + unit * random.between(0.04, 0.1);
    ctx.strokeStyle = '#4a3326';
    ctx.lineWidth = unit * 0.014;
    ctx.lineCap = 'round';
    const twigs: [number, number][] = [];
    let x = rootX;
    let y = rootY;
    for (let step = 1; step <= 5; step++) {
      const nx = rootX - side * reach * (step / 5);
      const ny = rootY + unit * 0.03 * Math.sin(step * 1.3) + unit * 0.02 * step;
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.lineTo(nx, ny);
      ctx.stroke();
      twigs.push([nx, ny]);
      x = nx;
      y = ny;
    }
    for (const [tx, ty] of twigs) {
      for (let i = 0; i < 4; i++)
        flower(
          ctx,
          tx + unit * random.between(-0.05, 0.05),
          ty + unit * random.between(-0.05, 0.04),
          unit * random.between(0.016, 0.024),
          colour,
        );
    }
  }
  return { x: 0, y: top, width: area.width, height: unit * 0.32 };
}

/** Bursts of sparks in the sky above the horizon, the sky lit around them. */
function drawFireworks(ctx: SKRSContext2D, area: ActingArea, colour: string, random: SeededRandom): Box {
  const unit = Math.min(area.width, area.height);
  const top = area.height * 0.05;
  const bottom = Math.max(top + unit * 0.3, area.horizonY * 0.75);
  const colours = [colour, '#ff6b6b', '#7bd3ff', '#b9ff8a', '#ffffff'];
  for (let burst = 0; burst < 4; burst++) {
    const cx = area.width * (0.14 + burst * 0.24 + random.between(-0.05, 0.05));
    const cy = random.between(top + unit * 0.12, bottom - unit * 0.08);
    const radius = unit * random.between(0.09, 0.13);
    const spark = colours[burst % colours.length] as string;
    const glowing = ctx.createRadialGradient(cx, cy, 0, cx, cy, radius * 1.4);
    glowing.addColorStop(0, withAlpha(spark, 0.35));
    glowing.addColorStop(1, withAlpha(spark, 0));
    ctx.fillStyle = glowing;
    ctx.fillRect(cx - radius * 1.4, cy - radius * 1.4, radius * 2.8, radius * 2.8);
    ctx.strokeStyle = spark;
    ctx.lineWidth = Math.max(1.5, unit * 0.005);
    for (let ray = 0; ray < 18; ray++) {
      const angle = (ray / 18) * Math.PI * 2;
      ctx.beginPath();
      ctx.moveTo(cx + Math.cos(angle) * radius * 0.3, cy + Math.sin(angle) * radius * 0.3);
      ctx.lineTo(cx + Math.cos(angle) * radius, cy + Math.sin(angle) * radius);
      ctx.stroke();
    }
  }
  return { x: 0, y: top, width: area.width, height: bottom - top };
}

/** A motorbike parked in profile at one side of the set, behind the near ground line where actors stand. */
function drawMotorbike(ctx: SKRSContext2D, area: ActingArea, colour: string, random: SeededRandom): Box {
  const groundY = area.farGroundY + (area.nearGroundY - area.farGroundY) * 0.4;
  // About two thirds of an adult's height, shrunk with distance as the actors are.
  const size = (area.height * 0.3 * (groundY - area.horizonY)) / (area.nearGroundY - area.horizonY);
  const left = random.chance(0.5);
  const x = left ? area.width * 0.06 : area.width * 0.94 - size * 1.6;
  const wheel = size * 0.28;
  const ink = '#1d1a22';
  ctx.lineWidth = Math.max(2, size * 0.04);
  ctx.strokeStyle = ink;
  for (const wx of [x + wheel, x + size * 1.6 - wheel]) {
    ctx.beginPath();
    ctx.arc(wx, groundY - wheel, wheel, 0, Math.PI * 2);
    ctx.fillStyle = '#2b2b30';
    ctx.fill();
    ctx.stroke();
    ctx.beginPath();
    ctx.arc(wx, groundY - wheel, wheel * 0.45, 0, Math.PI * 2);
    ctx.fillStyle = '#b8bcc4';
    ctx.fill();
  }
  ctx.beginPath();
  ctx.moveTo(x + wheel, groundY - wheel);
  ctx.lineTo(x + size * 0.55, groundY - size * 0.62);
  ctx.lineTo(x + size * 1.15, groundY - size * 0.62);
  ctx.lineTo(x + size * 1.6 - wheel, groundY - wheel);
  ctx.lineTo(x + size * 0.8, groundY - wheel * 1.2);
  ctx.closePath();
  ctx.fillStyle = colour;
  ctx.fill();
  ctx.stroke();
  ctx.fillStyle = '#2b2b30';
  ctx.fillRect(x + size * 0.5, groundY - size * 0.72, size * 0.45, size * 0.1);
  ctx.beginPath();
  ctx.moveTo(x + size * 1.3, groundY - size * 0.62);
  ctx.lineTo(x + size * 1.38, groundY - size * 0.95);
  ctx.lineTo(x + size * 1.2, groundY - size * 1.0);
  ctx.stroke();
  return { x, y: groundY - size * 1.0, width: size * 1.6, height: size * 1.0 };
}

/** A string of lanterns or lamps hung across the top of the frame, glowing in the dark. */
function drawLanterns(ctx: SKRSContext2D, area: ActingArea, colour: string, random: SeededRandom): Box {
  const unit = Math.min(area.width, area.height);
  const lineY = area.height * 0.07;
  const count = 5;
  ctx.strokeStyle = '#1d1a22';
  ctx.lineWidth = Math.max(1, unit * 0.003);
  ctx.beginPath();
  ctx.moveTo(0, lineY);
  ctx.quadraticCurveTo(area.width / 2, lineY + unit * 0.06, area.width, lineY);
  ctx.stroke();
  let bottom = lineY;
  for (let i = 0; i < count; i++) {
    const u = (i + 0.5) / count;
    const x = area.width * u;
    const sag = lineY + unit * 0.06 * 2 * u * (1 - u);
    const drop = unit * random.between(0.03, 0.07);
    const cy = sag + drop + unit * 0.045;
    ctx.beginPath();
    ctx.moveTo(x, sag);
    ctx.lineTo(x, cy - unit * 0.04);
    ctx.stroke();
    const glowing = ctx.createRadialGradient(x, cy, 0, x, cy, unit * 0.12);
    glowing.addColorStop(0, withAlpha(colour, 0.45));
    glowing.addColorStop(1, withAlpha(colour, 0));
    ctx.fillStyle = glowing;
    ctx.fillRect(x - unit * 0.12, cy - unit * 0.12, unit * 0.24, unit * 0.24);
    ctx.beginPath();
    ctx.ellipse(x, cy, unit * 0.035, unit * 0.045, 0, 0, Math.PI * 2);
    ctx.fillStyle = colour;
    ctx.fill();
    ctx.stroke();
    bottom = Math.max(bottom, cy + unit * 0.045);
  }
  return { x: 0, y: lineY - unit * 0.01, width: area.width, height: bottom - lineY + unit * 0.02 };
}

const PAINTERS: Record<PropKind, (ctx: SKRSContext2D, area: ActingArea, colour: string, random: SeededRandom) => Box> =
  {
    blossoms: drawBlossoms,
    fireworks: drawFireworks,
    motorbike: drawMotorbike,
    lanterns: drawLanterns,
  };

/** Draws each prop on the set, behind the actors; returns the box each covers. */
export function drawProps(
  ctx: SKRSContext2D,
  props: readonly Prop[],
  area: ActingArea,
  random: SeededRandom,
): Partial<Record<PropKind, Box>> {
  const boxes: Partial<Record<PropKind, Box>> = {};
  for (const prop of props) {
    ctx.save();
    boxes[prop.kind] = PAINTERS[prop.kind](ctx, area, prop.colour, random);
    ctx.restore();
  }
  return boxes;
}
