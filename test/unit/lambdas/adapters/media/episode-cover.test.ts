import { describe, expect, it } from 'vitest';
import { loadCanvas } from '../../../../../lambdas/adapters/media/canvas.js';
import { COVER_SAFE_AREA, drawCover } from '../../../../../lambdas/adapters/media/episode-cover.js';
import { glyphCoverage } from '../../../../../lambdas/adapters/media/font-coverage.js';

const TITLES = [
  ['th-TH', 'จดหมายที่ไม่เคยส่ง ตอนที่หนึ่ง: คืนที่ฝนตกหนักที่ท่าเรือ'],
  ['ko-KR', '보내지 못한 편지 제1화: 비 내리는 항구의 밤'],
] as const;

async function keyframe(width: number, height: number): Promise<Buffer> {
  const canvas = await loadCanvas();
  const image = canvas.createCanvas(width, height);
  const ctx = image.getContext('2d');
  ctx.fillStyle = '#336699';
  ctx.fillRect(0, 0, width, height);
  return image.toBuffer('image/png');
}

describe('an episode cover', () => {
  it.each(TITLES)(
    "sets the %s title with no missing glyph, inside the safe area, as a JPEG of the manifest's size",
    async (language, title) => {
      // Prepare: a keyframe of another shape than the cover
      const keyframePng = await keyframe(540, 720);

      // Act
      const cover = await drawCover({ keyframePng, title, language, width: 540, height: 960 });

      // Assess
      const canvas = await loadCanvas();
      const decoded = await canvas.loadImage(cover.jpeg);
      expect([decoded.width, decoded.height]).toEqual([540, 960]);
      expect(cover.jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
      expect((await glyphCoverage(language)).missing(title)).toEqual([]);
      expect(cover.leftOut).toEqual([]);
      const { titleBox, safeArea } = cover;
      expect(safeArea).toEqual({
        x: Math.round(540 * COVER_SAFE_AREA.left),
        y: Math.round(960 * COVER_SAFE_AREA.top),
        width: Math.round(540 * (1 - COVER_SAFE_AREA.left - COVER_SAFE_AREA.right)),
        height: Math.round(960 * (1 - COVER_SAFE_AREA.top - COVER_SAFE_AREA.bottom)),
      });
      expect(titleBox.x).toBeGreaterThanOrEqual(safeArea.x);
      expect(titleBox.y).toBeGreaterThanOrEqual(safeArea.y);
      expect(titleBox.x + titleBox.width).toBeLessThanOrEqual(safeArea.x + safeArea.width);
      expect(titleBox.y + titleBox.height).toBeLessThanOrEqual(safeArea.y + safeArea.height);
    },
  );

  it('sets the title on a dark band over the picture and leaves the picture below it as it was', async () => {
    // Prepare
    const keyframePng = await keyframe(540, 960);
    const canvas = await loadCanvas();
    const pixelAt = async (jpeg: Buffer, x: number, y: number) => {
      const image = canvas.createCanvas(540, 960);
      const ctx = image.getContext('2d');
      ctx.drawImage(await canvas.loadImage(jpeg), 0, 0);
      return [...ctx.getImageData(x, y, 1, 1).data];
    };

    // Act
    const titled = await drawCover({
      keyframePng,
      title: '보내지 못한 편지',
      language: 'ko-KR',
      width: 540,
      height: 960,
    });

    // Assess: the band is darker than the blue picture, and the picture below it is untouched
    const band = await pixelAt(titled.jpeg, titled.titleBox.x + 2, titled.titleBox.y + 2);
    const below = await pixelAt(titled.jpeg, 270, 700);
    expect(band[2]!).toBeLessThan(below[2]! - 40);
    expect(Math.abs(below[2]! - 0x99)).toBeLessThan(8);
  });
});
