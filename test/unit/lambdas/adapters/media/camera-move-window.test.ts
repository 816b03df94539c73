import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { cameraMoveWindow, renderCameraMoveClip } from '../../../../../lambdas/adapters/media/camera-move.js';
import { loadCanvas } from '../../../../../lambdas/adapters/media/canvas.js';
import { frameAt } from '../../../../../lambdas/adapters/media/clip-frames.js';
import type { Box, CameraMove } from '../../../../../lambdas/core/contracts/ports.js';
import { regionInWindow } from '../../../../../lambdas/stages/video-worker/score-candidates.js';

const WIDTH = 270;
const HEIGHT = 480;
const FRAMES = 30;
const MARK: Box = { x: 60, y: 300, width: 60, height: 80 };

/** Where the red mark is in a rendered frame: the box around its red pixels. */
async function redBox(png: Buffer): Promise<Box> {
  const { createCanvas, loadImage } = await loadCanvas();
  const image = await loadImage(png);
  const ctx = createCanvas(WIDTH, HEIGHT).getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data } = ctx.getImageData(0, 0, WIDTH, HEIGHT);
  let [left, top, right, bottom] = [WIDTH, HEIGHT, -1, -1];
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const i = (y * WIDTH + x) * 4;
      if (data[i]! > 180 && data[i + 1]! < 90 && data[i + 2]! < 90) {
        [left, top, right, bottom] = [Math.min(left, x), Math.min(top, y), Math.max(right, x), Math.max(bottom, y)];
      }
    }
  }
  return { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
}

describe('cameraMoveWindow', () => {
  it.each<CameraMove>(['zoom-in', 'pan-right', 'pan-up'])(
    'follows a region of the still into the last frame of a %s as ffmpeg renders it',
    { timeout: 30_000 },
    async (move) => {
      // Prepare: a grey still with a red mark, rendered as the episode renders the move
      const dir = await mkdtemp(path.join(os.tmpdir(), 'camera-window-'));
      onTestFinished(() => rm(dir, { recursive: true, force: true }));
      const { createCanvas } = await loadCanvas();
      const canvas = createCanvas(WIDTH, HEIGHT);
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#808080';
      ctx.fillRect(0, 0, WIDTH, HEIGHT);
      ctx.fillStyle = '#ff0000';
      ctx.fillRect(MARK.x, MARK.y, MARK.width, MARK.height);
      const still = path.join(dir, 'still.png');
      await writeFile(still, await canvas.encode('png'));
      const clip = path.join(dir, 'clip.mp4');
      await writeFile(
        clip,
        await renderCameraMoveClip({ still }, { move, width: WIDTH, height: HEIGHT, fps: 10, frameCount: FRAMES }),
      );

      // Act
      const predicted = regionInWindow(MARK, cameraMoveWindow(move, FRAMES - 1, FRAMES), WIDTH, HEIGHT)!;
      const rendered = await redBox(await frameAt(clip, (FRAMES - 1) / 10, WIDTH, HEIGHT));

      // Assess: within two pixels on every edge (the move's whole-pixel crop, and the encode's chroma)
      const edges = (box: Box) => [box.x, box.y, box.x + box.width, box.y + box.height];
      const off = edges(predicted).map((edge, index) => Math.abs(edge - edges(rendered)[index]!));
      expect({ move, predicted, rendered, within: off.every((d) => d <= 2) }).toEqual({
        move,
        predicted,
        rendered: expect.anything(),
        within: true,
      });
    },
  );
});
