import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { contactSheetLayout, renderContactSheet } from '../../../../../lambdas/adapters/media/contact-sheet.js';

function frame(width: number, height: number, colour: string): Buffer {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, width, height);
  return canvas.encodeSync('png');
}

describe('renderContactSheet', () => {
  it.each([1, 4, 7])('lays out %d portrait frames in a grid', async (count) => {
    // Prepare
    const frames = Array.from({ length: count }, (_, i) => ({
      label: `ep01/s${String(i + 1).padStart(2, '0')}`,
      png: frame(108, 192, i % 2 ? '#c33' : '#36c'),
    }));

    // Act
    const png = await renderContactSheet(frames, { columns: 3, thumbnailWidth: 90, gap: 10, labelHeight: 24 });

    // Assess
    const image = await loadImage(png);
    const rows = Math.ceil(count / 3);
    const columns = 3;
    expect(image.width).toBe(columns * 90 + (columns + 1) * 10);
    expect(image.height).toBe(rows * (160 + 24) + (rows + 1) * 10);
  });

  it('defaults to a near-square grid sized from the first frame', async () => {
    // Prepare
    const frames = Array.from({ length: 5 }, (_, i) => ({ label: `第${i + 1}场`, png: frame(192, 108, '#3a3') }));

    // Act
    const png = await renderContactSheet(frames);

    // Assess
    const image = await loadImage(png);
    const layout = contactSheetLayout(5, 108 / 192);
    expect(layout.columns).toBe(3);
    expect(layout.rows).toBe(2);
    expect([image.width, image.height]).toEqual([layout.width, layout.height]);
  });

  it('draws the labels', async () => {
    // Prepare
    const frames = [{ label: 'ep01/s03', png: frame(100, 100, '#000000') }];

    // Act
    const withLabel = await renderContactSheet(frames, { background: '#000000' });
    const withoutLabel = await renderContactSheet([{ label: '', png: frames[0]!.png }], { background: '#000000' });

    // Assess
    expect(withLabel.equals(withoutLabel)).toBe(false);
  });
});
