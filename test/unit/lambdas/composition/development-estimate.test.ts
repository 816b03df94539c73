import { describe, expect, it } from 'vitest';
import { estimateProduction } from '../../../../lambdas/composition/production-estimate.js';
import { validateManifest } from '../../../../lambdas/core/manifest/validate.js';

const bible = validateManifest({
  version: 1,
  production: 'estimate-bible',
  title: 'Estimate',
  language: 'en-US',
  budgetUsd: 10,
  providers: { profile: 'openai-compatible' },
  characters: [
    { id: 'ana', name: 'Ana', description: 'red hair' },
    { id: 'ben', name: 'Ben', description: 'grey suit' },
  ],
  episodes: [
    { id: 'ep01', title: 'One', synopsis: 'Ana finds a letter.', sceneCount: 14 },
    { id: 'ep02', title: 'Two', synopsis: 'Ben lies about it.' },
    {
      id: 'ep03',
      title: 'Three',
      scenes: [{ id: 's01', location: 'Harbour', characters: ['ana'], outline: 'She waits.' }],
    },
  ],
});

describe('estimateProduction of a series bible', () => {
  it('counts a development call per part of each episode to develop, on the script route, and the scenes and dialogue they will write', () => {
    // Act
    const estimate = estimateProduction(bible, {});

    // Assess
    const development = estimate.lines.find((line) => line.stage === 'development')!;
    // 14 scenes are three parts of six at most; the default four scenes one part; a written episode none.
    expect(development).toMatchObject({ provider: 'openai-compatible', calls: 4 });
    expect(development.expectedUsd).toBeGreaterThan(0);
    expect(development.worstCaseUsd).toBeGreaterThan(development.expectedUsd);
    expect(estimate.lines.find((line) => line.stage === 'keyframe')!.calls).toBe(14 + 4 + 1);
    // Developed cards come with their dialogue: only the written scene without any needs the script stage.
    expect(estimate.lines.find((line) => line.stage === 'script')!.calls).toBe(1);
  });

  it('has no development line for a manifest with every scene card', () => {
    // Prepare
    const written = validateManifest({ ...bible, episodes: [bible.episodes[2]] });

    // Act
    const estimate = estimateProduction(written, {});

    // Assess
    expect(estimate.lines.map((line) => line.stage)).not.toContain('development');
  });
});
