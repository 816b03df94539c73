import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../../../lambdas/core/domain/content-hash.js';
import { clipPrompt, keyframePrompt, referenceSheetPrompt } from '../../../../../lambdas/core/prompts/image-prompts.js';
import { sceneContext } from '../../../../../lambdas/pipeline/scene-context.js';
import { unitManifest } from '../../../../support/mocked-stage-deps.js';

const manifest = unitManifest({
  style: 'teal and amber neon, 35mm film grain',
  characters: [{ id: 'mai', name: 'Mai', description: 'yellow raincoat' }],
  episodes: [
    {
      id: 'ep01',
      title: 'One',
      scenes: [
        {
          id: 's01',
          location: 'the ferry deck',
          characters: ['mai'],
          outline: 'Mai finds a stowaway.',
          camera: 'low angle, slow dolly in',
        },
      ],
    },
  ],
});

describe("the series' visual style and a scene's camera direction", () => {
  it('reach the reference sheet, keyframe and clip prompts', () => {
    // Prepare
    const { brief } = sceneContext(manifest, { productionId: 'unit-series', episodeId: 'ep01', sceneId: 's01' });

    // Act
    const sheet = referenceSheetPrompt(brief.characters[0]!, manifest.style);
    const keyframe = keyframePrompt({ scene: brief, width: 576, height: 1024, seed: 1, references: {} });
    const clip = clipPrompt(brief);

    // Assess
    for (const prompt of [sheet, keyframe, clip])
      expect(prompt).toContain('Visual style: teal and amber neon, 35mm film grain.');
    expect(keyframe).toContain('Camera: low angle, slow dolly in.');
    expect(clip).toBe(
      'the ferry deck. Mai finds a stowaway. Camera: low angle, slow dolly in. Visual style: teal and amber neon, 35mm film grain.',
    );
  });

  it('leave the prompts and the cache keys of a manifest without them as they were', () => {
    // Prepare
    const plain = unitManifest({
      characters: manifest.characters,
      episodes: [
        {
          id: 'ep01',
          title: 'One',
          scenes: [{ id: 's01', location: 'the ferry deck', characters: ['mai'], outline: 'Mai waits.' }],
        },
      ],
    });
    const { brief } = sceneContext(plain, { productionId: 'unit-series', episodeId: 'ep01', sceneId: 's01' });

    // Act
    const clip = clipPrompt(brief);

    // Assess
    expect(clip).toBe('the ferry deck. Mai waits.');
    expect(canonicalJson(brief)).not.toMatch(/style|camera/);
  });
});
