import { describe, expect, it } from 'vitest';
import { loadCanvas } from '../../../../../../../lambdas/adapters/media/canvas.js';
import {
  type CharacterLook,
  characterLook,
  clothColour,
} from '../../../../../../../lambdas/adapters/providers/offline/storyboard/character-look.js';
import { darken } from '../../../../../../../lambdas/adapters/providers/offline/storyboard/colour.js';
import { drawFigure } from '../../../../../../../lambdas/adapters/providers/offline/storyboard/figure.js';

const SIZE = 600;

/** The figure drawn facing the camera on a blank canvas, as RGBA. */
async function pixelsOf(look: CharacterLook): Promise<Uint8ClampedArray> {
  const { createCanvas } = await loadCanvas();
  const canvas = createCanvas(SIZE, SIZE);
  const ctx = canvas.getContext('2d');
  drawFigure(
    ctx,
    look,
    { centreX: SIZE / 2, groundY: SIZE * 0.98, scale: SIZE * 0.9 },
    { facing: 'front', gesture: 'rest' },
  );
  return ctx.getImageData(0, 0, SIZE, SIZE).data;
}

async function changedPixels(a: CharacterLook, b: CharacterLook): Promise<number> {
  const [first, second] = [await pixelsOf(a), await pixelsOf(b)];
  let changed = 0;
  for (let i = 0; i < first.length; i += 4) {
    const distance =
      Math.abs((first[i] ?? 0) - (second[i] ?? 0)) +
      Math.abs((first[i + 1] ?? 0) - (second[i + 1] ?? 0)) +
      Math.abs((first[i + 2] ?? 0) - (second[i + 2] ?? 0)) +
      Math.abs((first[i + 3] ?? 0) - (second[i + 3] ?? 0));
    if (distance > 40) changed++;
  }
  return changed;
}

function share(pixels: Uint8ClampedArray, hex: string): number {
  const r = Number.parseInt(hex.slice(1, 3), 16);
  const g = Number.parseInt(hex.slice(3, 5), 16);
  const b = Number.parseInt(hex.slice(5, 7), 16);
  let near = 0;
  let drawn = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    if ((pixels[i + 3] ?? 0) === 0) continue;
    drawn++;
    if (Math.abs((pixels[i] ?? 0) - r) + Math.abs((pixels[i + 1] ?? 0) - g) + Math.abs((pixels[i + 2] ?? 0) - b) <= 24)
      near++;
  }
  return near / drawn;
}

describe('headwear, facial hair and cloth drawn as described', () => {
  it.each([
    [
      'pria 55 tahun, kumis, peci hitam, batik cokelat',
      { facialHair: 'moustache', hatKind: 'peci', hat: 'black', clothPattern: 'batik', costume: 'brown' },
    ],
    [
      'lelaki 50 tahun, misai, songkok hitam, baju batik biru',
      { facialHair: 'moustache', hatKind: 'peci', hat: 'black', clothPattern: 'batik', costume: 'blue' },
    ],
    ['ông lão 70 tuổi, nón lá, râu bạc, áo nâu', { facialHair: 'beard', hatKind: 'conical', costume: 'brown' }],
    [
      '35岁，男，八字胡，蓝色鸭舌帽，白衬衫',
      { facialHair: 'moustache', hatKind: 'cap', hat: 'blue', costume: 'white' },
    ],
    ['a 40-year-old man with a moustache and a grey cap', { facialHair: 'moustache', hatKind: 'cap', hat: 'grey' }],
    ['ชายวัย 50 หนวด หมวกแก๊ปสีแดง', { facialHair: 'moustache', hatKind: 'cap', hat: 'red' }],
    ['남자, 콧수염, 검은 야구모자', { facialHair: 'moustache', hatKind: 'cap', hat: 'black' }],
    ['lalaki, bigote, salakot', { facialHair: 'moustache', hatKind: 'conical' }],
    ['男性、30歳、無精ひげ、キャップ', { facialHair: 'stubble', hatKind: 'cap' }],
    [
      'pria 26 tahun, topi merah, kaos putih, brewok',
      { facialHair: 'beard', hatKind: 'cap', hat: 'red', costume: 'white' },
    ],
  ] as const)('%s', (description, expected) => {
    // Act
    const look = characterLook({ id: 'x', name: 'X', description });

    // Assess
    const { hat, costume, ...kinds } = expected as Record<string, string>;
    expect(look).toMatchObject(kinds);
    if (hat) expect(look.hat).toBe(clothColour(hat));
    if (costume) expect(look.costume).toBe(clothColour(costume));
  });

  it('draws a moustache as a moustache: far less than a full beard covers', async () => {
    // Prepare
    const bare = characterLook({ id: 'bima', name: 'Bima', description: 'pria 55 tahun, kemeja putih' });

    // Act
    const moustache = await changedPixels(bare, { ...bare, facialHair: 'moustache' });
    const beard = await changedPixels(bare, { ...bare, facialHair: 'beard' });

    // Assess
    expect(moustache).toBeGreaterThan(0);
    expect(moustache).toBeLessThan(beard * 0.5);
  });

  it.each(['peci', 'cap', 'conical', 'brimmed'] as const)(
    'draws a %s on the head, each its own shape',
    async (hatKind) => {
      // Prepare
      const bare = characterLook({ id: 'bima', name: 'Bima', description: 'pria 55 tahun, kemeja putih' });
      const others = (['peci', 'cap', 'conical', 'brimmed'] as const).filter((kind) => kind !== hatKind);

      // Act
      const hatted = { ...bare, hat: '#c3232d', hatKind };
      const againstBare = await changedPixels(bare, hatted);
      const againstOthers = await Promise.all(
        others.map((kind) => changedPixels(hatted, { ...hatted, hatKind: kind })),
      );

      // Assess
      expect(againstBare).toBeGreaterThan(400);
      expect(againstOthers.filter((changed) => changed < 100)).toEqual([]);
    },
  );

  it("draws batik's motif over the cloth's colour", async () => {
    // Prepare
    const look = characterLook({ id: 'bima', name: 'Bima', description: 'pria 55 tahun, batik cokelat' });

    // Act
    const pixels = await pixelsOf(look);
    const plain = await pixelsOf({ ...look, clothPattern: undefined });

    // Assess
    expect(share(pixels, clothColour('brown') as string)).toBeGreaterThan(0.05);
    expect(share(pixels, darken(look.costume, 0.4))).toBeGreaterThan(0.02);
    expect(share(plain, darken(look.costume, 0.4))).toBeLessThan(0.005);
  });
});
