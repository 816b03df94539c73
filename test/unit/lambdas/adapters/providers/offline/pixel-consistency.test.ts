import { describe, expect, it } from 'vitest';
import { StoryboardImageModel } from '../../../../../../lambdas/adapters/providers/offline/offline-image-model.js';
import { PixelConsistencyScorer } from '../../../../../../lambdas/adapters/providers/offline/pixel-consistency.js';
import type { CharacterBrief, RenderedImage } from '../../../../../../lambdas/core/contracts/ports.js';
import { DEFAULT_CONSISTENCY_THRESHOLD } from '../../../../../../lambdas/core/contracts/ports.js';
import { BA, CAST, HOA, LAN, LI, MINH, scene } from '../../../../../support/offline-image-fixtures.js';

const model = new StoryboardImageModel();
const scorer = new PixelConsistencyScorer();

async function referenceOf(character: CharacterBrief): Promise<RenderedImage> {
  return (await model.drawReferenceSheet({ character, seed: 1 })).result;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

describe('PixelConsistencyScorer', () => {
  it('scores a character against its own reference clearly above another character', async () => {
    // Prepare: every reference, and six keyframes of each pair
    const references = new Map(await Promise.all(CAST.map(async (c) => [c.id, await referenceOf(c)] as const)));
    const pairs: [CharacterBrief, CharacterBrief][] = [
      [LAN, MINH],
      [BA, HOA],
      [LI, LAN],
      [HOA, LI],
    ];
    const scenes = [];
    for (const [subject, partner] of pairs) {
      const keyframes: RenderedImage[] = [];
      for (let seed = 0; seed < 6; seed++) {
        keyframes.push(
          (
            await model.drawKeyframe({
              scene: scene('park, afternoon', [subject, partner], `s${seed}`),
              width: 540,
              height: 960,
              seed,
              references: {},
            })
          ).result,
        );
      }
      scenes.push({ subject, keyframes });
    }

    // Act: each subject scored against its own reference, and against every other character's figure standing in for it
    const scored = [];
    for (const { subject, keyframes } of scenes) {
      const own: number[] = [];
      const others: number[] = [];
      for (const keyframe of keyframes) {
        own.push(
          (
            await scorer.score({
              keyframe,
              characterId: subject.id,
              reference: references.get(subject.id) as RenderedImage,
            })
          ).result.score,
        );
        for (const other of CAST.filter((c) => c.id !== subject.id)) {
          const reference = references.get(other.id) as RenderedImage;
          // The other character's figure stands in for this one: same crop, wrong reference.
          const borrowed = {
            ...reference,
            regions: { [subject.id]: reference.regions[other.id] as RenderedImage['regions'][string] },
          };
          others.push((await scorer.score({ keyframe, characterId: subject.id, reference: borrowed })).result.score);
        }
      }
      scored.push({ subject, own, others });
    }

    // Assess
    for (const { subject, own, others } of scored) {
      expect(
        median(own) - median(others),
        `${subject.id}: own ${own.map((v) => v.toFixed(2))} others ${others.map((v) => v.toFixed(2))}`,
      ).toBeGreaterThan(0.2);
      expect(median(own)).toBeGreaterThan(DEFAULT_CONSISTENCY_THRESHOLD);
      expect(median(others)).toBeLessThan(DEFAULT_CONSISTENCY_THRESHOLD);
    }
  });

  it('lets some seeds fall below the threshold and others pass, so regeneration matters', async () => {
    // Prepare: each reference, and sixteen keyframes of the scene
    const references = { lan: await referenceOf(LAN), minh: await referenceOf(MINH) };
    const keyframes: RenderedImage[] = [];
    for (let seed = 0; seed < 16; seed++) {
      keyframes.push(
        (
          await model.drawKeyframe({
            scene: scene('Hanoi railway station, night, light rain', [LAN, MINH]),
            width: 540,
            height: 960,
            seed,
            references: {},
          })
        ).result,
      );
    }

    // Act
    const metered = [];
    for (const keyframe of keyframes) {
      for (const character of [LAN, MINH]) {
        metered.push(
          await scorer.score({
            keyframe,
            characterId: character.id,
            reference: references[character.id as 'lan' | 'minh'],
          }),
        );
      }
    }

    // Assess
    for (const each of metered) {
      expect(each).toMatchObject({ usage: {}, provider: 'offline', model: 'pixel-similarity-v1' });
      expect(each.result.score).toBeGreaterThanOrEqual(0);
      expect(each.result.score).toBeLessThanOrEqual(1);
    }
    const scores = metered.map((each) => each.result.score);
    expect(Math.min(...scores)).toBeLessThan(DEFAULT_CONSISTENCY_THRESHOLD);
    expect(Math.max(...scores)).toBeGreaterThanOrEqual(DEFAULT_CONSISTENCY_THRESHOLD);
  });

  it('scores zero for a character missing from the keyframe', async () => {
    // Prepare
    const reference = await referenceOf(LAN);
    const { result: keyframe } = await model.drawKeyframe({
      scene: scene('kitchen', [MINH]),
      width: 360,
      height: 640,
      seed: 1,
      references: {},
    });

    // Act
    const metered = await scorer.score({ keyframe, characterId: 'lan', reference });

    // Assess
    expect(metered.result).toEqual({ score: 0 });
  });
});
