import { describe, expect, it } from 'vitest';
import { loadCanvas } from '../../../../../../../lambdas/adapters/media/canvas.js';
import { StoryboardImageModel } from '../../../../../../../lambdas/adapters/providers/offline/offline-image-model.js';
import type { ActingArea } from '../../../../../../../lambdas/adapters/providers/offline/storyboard/backgrounds.js';
import {
  drawProps,
  type PropKind,
  propsOf,
} from '../../../../../../../lambdas/adapters/providers/offline/storyboard/props.js';
import { seededRandom } from '../../../../../../../lambdas/adapters/providers/offline/storyboard/seeded-random.js';
import type { CharacterBrief, SceneBrief } from '../../../../../../../lambdas/core/contracts/ports.js';

const SARI: CharacterBrief = { id: 'sari', name: 'Sari', description: 'perempuan 24 tahun, kemeja kuning' };
const MINH: CharacterBrief = { id: 'minh', name: 'Minh', description: '27, short hair, navy jacket' };

describe("a card's props and events", () => {
  it.each([
    ['Courtyard at dawn, peach blossoms', '', [{ kind: 'blossoms', colour: '#f4a6c0' }]],
    ['sân nhà, sáng mùng một', 'Bà cắm cành đào vào bình.', [{ kind: 'blossoms', colour: '#f4a6c0' }]],
    ['공원, 봄', '벚꽃 아래에서 만난다.', [{ kind: 'blossoms', colour: '#f8d3e2' }]],
    ['Rooftop, night, fireworks over the city', '', [{ kind: 'fireworks', colour: '#ffd45a' }]],
    ['天台，除夕夜', '烟花在头顶炸开。', [{ kind: 'fireworks', colour: '#ffd45a' }]],
    ['pantai, malam', 'Kembang api menyala di langit.', [{ kind: 'fireworks', colour: '#ffd45a' }]],
    ['phố cổ, chiều', 'Minh dựng xe máy bên đường.', [{ kind: 'motorbike', colour: '#c0392b' }]],
    ['골목, 밤', '오토바이를 타고 떠난다.', [{ kind: 'motorbike', colour: '#c0392b' }]],
    ['warung kopi, sore hari, lampu gantung kuning', '', [{ kind: 'lanterns', colour: '#f5c542' }]],
    ['小区门口，夜晚，灯笼', '', [{ kind: 'lanterns', colour: '#d42a2a' }]],
    [
      'Tết, phố đèn lồng',
      'Pháo hoa nổ trên mái nhà.',
      [
        { kind: 'fireworks', colour: '#ffd45a' },
        { kind: 'lanterns', colour: '#d42a2a' },
      ],
    ],
    ['a quiet office, day', 'They argue about the motion.', []],
  ])('reads %s / %s', (location, outline, expected) => {
    // Act
    const props = propsOf(location, outline);

    // Assess
    expect(props).toEqual(expected);
  });

  it.each(['blossoms', 'fireworks', 'motorbike', 'lanterns'] as const)(
    'draws %s over a good share of the box it says it covers',
    async (kind: PropKind) => {
      // Prepare: a blank set
      const { createCanvas } = await loadCanvas();
      const area: ActingArea = {
        width: 540,
        height: 960,
        horizonY: 430,
        vanishX: 270,
        nearGroundY: 930,
        farGroundY: 630,
        ambient: '#000000',
        ambientStrength: 0,
      };
      const canvas = createCanvas(area.width, area.height);
      const ctx = canvas.getContext('2d');

      // Act
      const boxes = drawProps(ctx, [{ kind, colour: '#ff00ff' }], area, seededRandom('props', kind));

      // Assess: the share of the box's pixels painted
      const box = boxes[kind];
      expect(box).toBeDefined();
      const { data } = ctx.getImageData(
        Math.round(box!.x),
        Math.round(box!.y),
        Math.round(box!.width),
        Math.round(box!.height),
      );
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) painted++;
      expect(painted / (data.length / 4)).toBeGreaterThan(0.08);
    },
  );

  it.each([
    ['sân nhà, bình minh', 'Lan cắm cành đào.'],
    ['天台，夜晚', '烟花升空。'],
    ['jalan kampung, siang', 'Sari memarkir sepeda motor.'],
    ['warung kopi, sore hari', 'Lampu gantung kuning menyala.'],
  ])('changes the keyframe of %s when its outline names a prop: %s', async (location, outline) => {
    // Prepare: the same scene and seed, its outline with and without the prop
    const model = new StoryboardImageModel();
    const card = (text: string): SceneBrief => ({
      episodeId: 'ep01',
      sceneId: 's01',
      index: 0,
      location,
      outline: text,
      characters: [SARI, MINH],
    });
    const { loadImage, createCanvas } = await loadCanvas();
    const pixels = async (png: Buffer) => {
      const image = await loadImage(png);
      const canvas = createCanvas(image.width, image.height);
      const ctx = canvas.getContext('2d');
      ctx.drawImage(image, 0, 0);
      return ctx.getImageData(0, 0, image.width, image.height).data;
    };

    // Act
    const plain = await model.drawKeyframe({
      scene: card('They talk.'),
      width: 540,
      height: 960,
      seed: 4,
      references: {},
    });
    const dressed = await model.drawKeyframe({
      scene: card(outline),
      width: 540,
      height: 960,
      seed: 4,
      references: {},
    });

    // Assess: the share of pixels that changed
    const [a, b] = [await pixels(plain.result.png), await pixels(dressed.result.png)];
    let changed = 0;
    for (let i = 0; i < a.length; i += 4)
      if (Math.abs((a[i] ?? 0) - (b[i] ?? 0)) + Math.abs((a[i + 1] ?? 0) - (b[i + 1] ?? 0)) > 30) changed++;
    expect(changed / (a.length / 4)).toBeGreaterThan(0.01);
  });
});
