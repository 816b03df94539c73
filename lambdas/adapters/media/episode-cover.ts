import type { Box } from '../../core/contracts/ports.js';
import { loadCanvas } from './canvas.js';
import { glyphCoverage } from './font-coverage.js';
import { canvasFontFamilies } from './fonts.js';

/**
 * What of a 9:16 frame the short-video apps leave uncovered, as fractions of its size: their
 * tabs over the top, the caption and the account over the bottom, the buttons down the right.
 */
export const COVER_SAFE_AREA = { top: 0.1, bottom: 0.2, left: 0.06, right: 0.14 } as const;

/** A title wider than the safe area at this many lines is set smaller until it fits. */
const MAX_TITLE_LINES = 3;

export interface CoverRequest {
  keyframePng: Buffer;
  title: string;
  /** BCP-47; picks the title's fonts, as for subtitles. */
  language: string;
  width: number;
  height: number;
}

export interface EpisodeCover {
  jpeg: Buffer;
  /** Where the title was set, and the safe area it was set inside. */
  titleBox: Box;
  safeArea: Box;
  /** Graphemes of the title no font draws, left out of the cover. */
  leftOut: string[];
}

/**
 * An episode's cover: the keyframe scaled to cover the frame, and the title over its top, in
 * the language's fonts (shaped by Skia, as the subtitles are), inside the apps' safe area.
 */
export async function drawCover(request: CoverRequest): Promise<EpisodeCover> {
  const { width, height } = request;
  const canvas = await loadCanvas();
  const coverage = await glyphCoverage(request.language);
  const image = canvas.createCanvas(width, height);
  const ctx = image.getContext('2d');
  const still = await canvas.loadImage(request.keyframePng);
  const scale = Math.max(width / still.width, height / still.height);
  ctx.drawImage(
    still,
    (width - still.width * scale) / 2,
    (height - still.height * scale) / 2,
    still.width * scale,
    still.height * scale,
  );

  const safeArea: Box = {
    x: Math.round(width * COVER_SAFE_AREA.left),
    y: Math.round(height * COVER_SAFE_AREA.top),
    width: Math.round(width * (1 - COVER_SAFE_AREA.left - COVER_SAFE_AREA.right)),
    height: Math.round(height * (1 - COVER_SAFE_AREA.top - COVER_SAFE_AREA.bottom)),
  };
  const text = coverage.drawableText(request.title);
  const families = canvasFontFamilies(request.language);
  let size = Math.round(width * 0.09);
  let lines: string[] = [];
  for (; size > 8; size = Math.floor(size * 0.9)) {
    ctx.font = `bold ${size}px ${families}`;
    lines = wrap(text, request.language, safeArea.width - size, (line) => ctx.measureText(line).width);
    if (lines.length <= MAX_TITLE_LINES && lines.every((line) => ctx.measureText(line).width <= safeArea.width - size))
      break;
  }
  const lineHeight = Math.round(size * 1.3);
  const padding = Math.round(size * 0.5);
  const titleBox: Box = {
    x: safeArea.x,
    y: safeArea.y,
    width: safeArea.width,
    height: lines.length * lineHeight + 2 * padding,
  };
  ctx.fillStyle = 'rgba(0, 0, 0, 0.55)';
  ctx.fillRect(titleBox.x, titleBox.y, titleBox.width, titleBox.height);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = '#FFFFFF';
  for (const [index, line] of lines.entries())
    ctx.fillText(line, safeArea.x + safeArea.width / 2, titleBox.y + padding + lineHeight * (index + 0.5));
  return { jpeg: await image.encode('jpeg', 90), titleBox, safeArea, leftOut: coverage.missing(request.title) };
}

/** The title in lines no wider than `room`, broken between words (as Intl.Segmenter finds them in Thai or Japanese). */
function wrap(text: string, language: string, room: number, widthOf: (line: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const { segment } of new Intl.Segmenter(language, { granularity: 'word' }).segment(text)) {
    if (line.trim() !== '' && widthOf(line + segment) > room) {
      lines.push(line.trim());
      line = segment.trimStart();
    } else {
      line += segment;
    }
  }
  if (line.trim() !== '') lines.push(line.trim());
  return lines;
}
