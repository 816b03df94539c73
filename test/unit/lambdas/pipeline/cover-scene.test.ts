import { describe, expect, it } from 'vitest';
import { coverScene } from '../../../../lambdas/pipeline/episode-cover.js';
import { languageManifest, problemsOf } from '../../../support/manifest-problems.js';

const scenes = [
  { sceneId: 's01', durationSeconds: 4 },
  { sceneId: 's02', durationSeconds: 3 },
  { sceneId: 's03', durationSeconds: 9 },
];

describe('the scene an episode cover shows', () => {
  it('is the scene playing at the middle of the episode', () => {
    // Act: 16 s in all, 8 s in is inside s03 (from 7 s)
    const chosen = coverScene({}, scenes);

    // Assess
    expect(chosen).toBe('s03');
  });

  it('is the scene the manifest names with cover', () => {
    // Act
    const chosen = coverScene({ cover: 's01' }, scenes);

    // Assess
    expect(chosen).toBe('s01');
  });

  it("refuses a cover that is not one of the episode's scenes", () => {
    // Prepare
    const manifest = languageManifest('en-US');
    manifest.episodes[0] = { ...manifest.episodes[0]!, cover: 's09' } as (typeof manifest.episodes)[number];

    // Act
    const problems = problemsOf(manifest);

    // Assess
    expect(problems).toEqual(['episodes[0].cover: scene "s09" is not one of this episode\'s scenes']);
  });
});
