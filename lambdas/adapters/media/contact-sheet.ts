import { loadCanvas } from './canvas.js';
import { canvasFontFamilies } from './fonts.js';

export interface ContactSheetFrame {
  label: string;
  png: Buffer;
}

export interface ContactSheetOptions {
  /** Thumbnails per row; defaults to a near-square grid. */
  columns?: number;
  thumbnailWidth?: number;
  /** Defaults to the first frame's aspect ratio at thumbnailWidth. */
  thumbnailHeight?: number;
  gap?: number;
  labelHeight?: number;
  background?: string;
}

export interface ContactSheetLayout {
  columns: number;
  rows: number;
  thumbnailWidth: number;
  thumbnailHeight: number;
  gap: number;
  labelHeight: number;
  width: number;
  height: number;
}

/** The sheet's geometry for a frame count, so callers can size it without rendering. */
export function contactSheetLayout(
  frameCount: number,
  thumbnailAspect: number,
  options: ContactSheetOptions = {},
): ContactSheetLayout {
  const columns = Math.max(1, options.columns ?? Math.ceil(Math.sqrt(Math.max(1, frameCount))));
  const rows = Math.max(1, Math.ceil(frameCount / columns));
  const thumbnailWidth = options.thumbnailWidth ?? 270;
  const thumbnailHeight = options.thumbnailHeight ?? Math.round(thumbnailWidth * thumbnailAspect);
  const gap = options.gap ?? 16;
  const labelHeight = options.labelHeight ?? 36;
  return {
    columns,
    rows,
    thumbnailWidth,
    thumbnailHeight,
    gap,
    labelHeight,
    width: columns * thumbnailWidth + (columns + 1) * gap,
    height: rows * (thumbnailHeight + labelHeight) + (rows + 1) * gap,
  };
}

/** A grid of keyframe thumbnails, each captioned (e.g. "ep01/s03"), for a producer's review. */
export async function renderContactSheet(
  frames: ContactSheetFrame[],
  options: ContactSheetOptions = {},
): Promise<Buffer> {
  const { createCanvas, loadImage } = await loadCanvas();
  const images = await Promise.all(frames.map((frame) => loadImage(frame.png)));
  const first = images[0];
  const layout = contactSheetLayout(frames.length, first ? first.height / first.width : 16 / 9, options);
  const canvas = createCanvas(layout.width, layout.height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = options.background ?? '#1f1f24';
  ctx.fillRect(0, 0, layout.width, layout.height);
  const fontSize = Math.max(10, Math.round(layout.labelHeight * 0.55));
  ctx.font = `${fontSize}px ${canvasFontFamilies('en-US')}`;
  ctx.textBaseline = 'middle';
  images.forEach((image, index) => {
    const column = index % layout.columns;
    const row = Math.floor(index / layout.columns);
    const x = layout.gap + column * (layout.thumbnailWidth + layout.gap);
    const y = layout.gap + row * (layout.thumbnailHeight + layout.labelHeight + layout.gap);
    ctx.fillStyle = '#000000';
    ctx.fillRect(x, y, layout.thumbnailWidth, layout.thumbnailHeight);
    // Letterbox a frame whose aspect differs from the grid's, rather than stretch it.
    const fit = Math.min(layout.thumbnailWidth / image.width, layout.thumbnailHeight / image.height);
    const drawWidth = image.width * fit;
    const drawHeight = image.height * fit;
    ctx.drawImage(
      image,
      x + (layout.thumbnailWidth - drawWidth) / 2,
      y + (layout.thumbnailHeight - drawHeight) / 2,
      drawWidth,
      drawHeight,
    );
    ctx.fillStyle = '#f2f0ea';
    ctx.fillText(
      frames[index]?.label ?? '',
      x + 4,
      y + layout.thumbnailHeight + layout.labelHeight / 2,
      layout.thumbnailWidth - 8,
    );
  });
  return canvas.encode('png');
}
