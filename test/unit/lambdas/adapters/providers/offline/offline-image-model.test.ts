import { loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { StoryboardImageModel } from '../../../../../../lambdas/adapters/providers/offline/offline-image-model.js';
import type { Box } from '../../../../../../lambdas/core/contracts/ports.js';
import { BA, LAN, LI, MINH, scene } from '../../../../../support/offline-image-fixtures.js';

const model = new StoryboardImageModel();

function inside(box: Box, width: number, height: number): boolean {
  return (
    box.x >= 0 &&
    box.y >= 0 &&
    box.width > 0 &&
    box.height > 0 &&
    box.x + box.width <= width &&
    box.y + box.height <= height
  );
}

describe('StoryboardImageModel', () => {
  it('draws the same keyframe for the same seed and a different one for another seed', async () => {
    // Prepare
    const request = {
      scene: scene('Hanoi railway station, night, light rain', [LAN, MINH]),
      width: 540,
      height: 960,
      references: {},
    };

    // Act
    const first = await model.drawKeyframe({ ...request, seed: 3 });
    const again = await model.drawKeyframe({ ...request, seed: 3 });
    const other = await model.drawKeyframe({ ...request, seed: 4 });

    // Assess
    expect(first.result.png.equals(again.result.png)).toBe(true);
    expect(first.result.regions).toEqual(again.result.regions);
    expect(first.result.png.equals(other.result.png)).toBe(false);
    expect(first).toMatchObject({ provider: 'offline', model: 'storyboard-v1', usage: { images: 1 } });
  });

  it.each([
    [1080, 1920, [LAN, MINH]],
    [1920, 1080, [LAN, MINH, BA]],
    [720, 720, [LI]],
    [640, 360, [LAN, MINH, BA, LI]],
  ] as const)('keeps every character region inside a %dx%d frame', async (width, height, cast) => {
    // Prepare
    const seeds = [0, 1, 2, 3, 4, 5];

    // Act
    const keyframes = [];
    for (const seed of seeds) {
      keyframes.push(
        (
          await model.drawKeyframe({
            scene: scene('Old Quarter street, dusk', [...cast]),
            width,
            height,
            seed,
            references: {},
          })
        ).result,
      );
    }

    // Assess
    for (const result of keyframes) {
      const decoded = await loadImage(result.png);
      expect([decoded.width, decoded.height]).toEqual([width, height]);
      expect(Object.keys(result.regions).sort()).toEqual(cast.map((c) => c.id).sort());
      for (const box of Object.values(result.regions)) expect(inside(box, width, height)).toBe(true);
    }
  });

  it('draws a reference sheet with the figure region', async () => {
    // Act
    const sheet = await model.drawReferenceSheet({ character: BA, seed: 1 });
    const again = await model.drawReferenceSheet({ character: BA, seed: 1 });

    // Assess
    expect(sheet.result.png.equals(again.result.png)).toBe(true);
    const box = sheet.result.regions.ba;
    expect(box).toBeDefined();
    expect(inside(box as Box, sheet.result.width, sheet.result.height)).toBe(true);
    expect((box as Box).height).toBeGreaterThan(sheet.result.height * 0.5);
    expect(sheet.usage).toEqual({ images: 1 });
  });
});
