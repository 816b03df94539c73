import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCanvas } from '../../../../../lambdas/adapters/media/canvas.js';
import { renderSubtitleTrack } from '../../../../../lambdas/adapters/media/subtitle-track.js';
import { resolveSubtitleStyle } from '../../../../../lambdas/core/text/subtitle-style.js';
import { subtitlePages } from '../../../../../lambdas/core/text/subtitles.js';
import { scratchDir } from '../../../../support/media-fixtures.js';

const WIDTH = 540;
const HEIGHT = 960;
const FPS = 25;

interface ConcatEntry {
  file: string;
  seconds: number;
}

async function concatEntries(file: string): Promise<ConcatEntry[]> {
  const lines = (await readFile(file, 'utf8')).trim().split('\n').slice(1);
  const entries: ConcatEntry[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    entries.push({
      file: /^file '(.+)'$/.exec(lines[i] ?? '')?.[1] ?? '',
      seconds: Number(/^duration (.+)$/.exec(lines[i + 1] ?? '')?.[1]),
    });
  }
  return entries;
}

/** Share of the image's pixels that are not fully transparent. */
async function inkShare(file: string): Promise<number> {
  const canvas = await loadCanvas();
  const image = await canvas.loadImage(await readFile(file));
  const surface = canvas.createCanvas(image.width, image.height);
  const ctx = surface.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data } = ctx.getImageData(0, 0, image.width, image.height);
  let inked = 0;
  for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) inked++;
  return inked / (image.width * image.height);
}

describe('renderSubtitleTrack', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const look = resolveSubtitleStyle(undefined, { width: WIDTH, height: HEIGHT });

  beforeAll(async () => {
    ({ dir, cleanup } = await scratchDir());
  });
  afterAll(() => cleanup());

  it('lays pages and gaps on the frame grid, covering the episode to its end', async () => {
    // Prepare
    const pages = subtitlePages([
      { startSeconds: 0.5, endSeconds: 1.7, text: 'สวัสดีค่ะ มะลิ' },
      { startSeconds: 2.0, endSeconds: 3.1, text: '안녕하세요 🌸' },
    ]);

    // Act
    const track = await renderSubtitleTrack({
      pages,
      look,
      language: 'th-TH',
      width: WIDTH,
      height: HEIGHT,
      fps: FPS,
      durationSeconds: 4,
      dir,
    });

    // Assess
    const entries = await concatEntries(track.concatFile);
    expect(entries.map((entry) => entry.file)).toEqual([
      'blank.png',
      'page-00000.png',
      'blank.png',
      'page-00001.png',
      'blank.png',
    ]);
    expect(entries.map((entry) => Math.round(entry.seconds * FPS))).toEqual([13, 30, 7, 28, 22]);
    expect(track.leftOut).toEqual([]);
    expect(track.bandTopPx + look.safeArea.bottomPx).toBeLessThan(HEIGHT);
    expect(track.bandTopPx % 2).toBe(0);
    expect(await inkShare(path.join(dir, 'page-00000.png'))).toBeGreaterThan(0.005);
    expect(await inkShare(path.join(dir, 'blank.png'))).toBe(0);
  });

  it('leaves a grapheme no font draws out of the burned page, never drawing a box for it', async () => {
    // Prepare
    const undrawable = '\u{13000}\u{13001}\u{13002}';
    const pages = subtitlePages([
      { startSeconds: 0, endSeconds: 1, text: undrawable },
      { startSeconds: 1, endSeconds: 2, text: `Em về rồi ${undrawable}` },
    ]);

    // Act
    const track = await renderSubtitleTrack({
      pages,
      look,
      language: 'vi-VN',
      width: WIDTH,
      height: HEIGHT,
      fps: FPS,
      durationSeconds: 2,
      dir,
    });

    // Assess
    expect(track.leftOut).toEqual([...undrawable]);
    const entries = await concatEntries(track.concatFile);
    expect(entries[0]?.file).toBe('blank.png');
    expect(entries[1]?.file).toBe('page-00001.png');
  });
});
