import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SubtitleLook } from '../../core/text/subtitle-style.js';
import type { SubtitlePage } from '../../core/text/subtitles.js';
import { loadCanvas } from './canvas.js';
import { glyphCoverage } from './font-coverage.js';
import { canvasFontFamilies } from './fonts.js';

/**
 * Burned subtitles, drawn by the canvas rather than by ffmpeg's libass: the static
 * ffmpeg we ship builds libass with its simple shaper (no HarfBuzz), which stacks Thai
 * tone marks on top of vowels and ascenders. Skia shapes with HarfBuzz and falls back
 * from font to font per glyph cluster, so Thai, Hangul, Kana, Han and emoji all come
 * out right.
 *
 * The track is a band of the frame's width: one transparent PNG per page and one empty
 * PNG for the gaps, listed in an ffconcat file with each one's duration on the frame
 * grid. The episode's ffmpeg pass overlays it once at `bandTopPx`.
 */
export interface SubtitleTrackRequest {
  pages: SubtitlePage[];
  look: SubtitleLook;
  language: string;
  width: number;
  height: number;
  fps: number;
  /** The episode's length: the track covers it to the end. */
  durationSeconds: number;
  /** Where the images and the ffconcat file are written. */
  dir: string;
}

export interface SubtitleTrack {
  /** The ffconcat list, an input for `-f concat -safe 0 -i`. */
  concatFile: string;
  /** The band's top edge in the frame. */
  bandTopPx: number;
  /** Graphemes no subtitle font draws, left out of the burned text (SRT and VTT keep them). */
  leftOut: string[];
}

const BLANK_IMAGE = 'blank.png';

export async function renderSubtitleTrack(request: SubtitleTrackRequest): Promise<SubtitleTrack> {
  const { look, width, fps } = request;
  const canvas = await loadCanvas();
  const coverage = await glyphCoverage(request.language);
  const bandHeight = even(Math.ceil(look.fontSizePx * (look.lineHeight * 2 + 0.6) + look.outlinePx * 2));
  const bandTopPx = even(request.height - look.safeArea.bottomPx - bandHeight);
  const families = canvasFontFamilies(request.language);
  const usableWidth = width - look.safeArea.leftPx - look.safeArea.rightPx;
  const centreX = look.safeArea.leftPx + usableWidth / 2;
  const leftOut = new Set<string>();

  const draw = (lines: string[]): Buffer => {
    const image = canvas.createCanvas(width, bandHeight);
    const ctx = image.getContext('2d');
    const fontFor = (size: number) => `${look.weight === 'bold' ? 'bold ' : ''}${size}px ${families}`;
    ctx.font = fontFor(look.fontSizePx);
    const widest = Math.max(...lines.map((line) => ctx.measureText(line).width), 1);
    // A page the layout let through wider than the safe area is drawn smaller, never clipped.
    const size = Math.min(look.fontSizePx, Math.floor((look.fontSizePx * (usableWidth - look.outlinePx * 2)) / widest));
    ctx.font = fontFor(size);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'alphabetic';
    ctx.lineJoin = 'round';
    const lineStep = size * look.lineHeight;
    const lastBaseline = bandHeight - look.outlinePx - size * 0.35;
    lines.forEach((line, index) => {
      const baseline = lastBaseline - (lines.length - 1 - index) * lineStep;
      if (look.boxColour) {
        const lineWidth = ctx.measureText(line).width;
        const padding = size * 0.25;
        ctx.fillStyle = look.boxColour;
        ctx.fillRect(centreX - lineWidth / 2 - padding, baseline - size * 1.02, lineWidth + padding * 2, lineStep);
      }
      if (look.outlinePx > 0) {
        ctx.strokeStyle = look.outlineColour;
        ctx.lineWidth = look.outlinePx * 2;
        ctx.strokeText(line, centreX, baseline);
      }
      ctx.fillStyle = look.textColour;
      ctx.fillText(line, centreX, baseline);
    });
    return image.toBuffer('image/png');
  };

  await writeFile(path.join(request.dir, BLANK_IMAGE), canvas.createCanvas(width, bandHeight).toBuffer('image/png'));
  const entries: { file: string; frames: number }[] = [];
  const endFrame = Math.round(request.durationSeconds * fps);
  let cursor = 0;
  const pages = [...request.pages].sort((a, b) => a.startSeconds - b.startSeconds);
  for (const [index, page] of pages.entries()) {
    const start = Math.max(cursor, Math.round(page.startSeconds * fps));
    const next = pages[index + 1];
    const end = Math.min(
      endFrame,
      Math.round(page.endSeconds * fps),
      next ? Math.max(start, Math.round(next.startSeconds * fps)) : endFrame,
    );
    if (end <= start) continue;
    const lines = page.lines.map((line) => {
      for (const grapheme of coverage.missing(line)) leftOut.add(grapheme);
      return coverage.drawableText(line);
    });
    if (start > cursor) entries.push({ file: BLANK_IMAGE, frames: start - cursor });
    if (lines.some((line) => line !== '')) {
      const file = `page-${String(index).padStart(5, '0')}.png`;
      await writeFile(path.join(request.dir, file), draw(lines.filter((line) => line !== '')));
      entries.push({ file, frames: end - start });
    } else {
      entries.push({ file: BLANK_IMAGE, frames: end - start });
    }
    cursor = end;
  }
  if (endFrame > cursor) entries.push({ file: BLANK_IMAGE, frames: endFrame - cursor });
  if (entries.length === 0) entries.push({ file: BLANK_IMAGE, frames: Math.max(1, endFrame) });

  const concatFile = path.join(request.dir, 'subtitles.ffconcat');
  // The concat demuxer ignores the last entry's duration; a closing blank entry makes every listed duration count.
  const lines = [
    'ffconcat version 1.0',
    ...entries.flatMap((entry) => [`file '${entry.file}'`, `duration ${(entry.frames / fps).toFixed(6)}`]),
    `file '${BLANK_IMAGE}'`,
  ];
  await writeFile(concatFile, `${lines.join('\n')}\n`);
  return { concatFile, bandTopPx, leftOut: [...leftOut] };
}

function even(value: number): number {
  return Math.max(0, 2 * Math.round(value / 2));
}
