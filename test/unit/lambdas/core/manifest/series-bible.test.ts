import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ManifestInvalid } from '../../../../../lambdas/core/contracts/errors.js';
import { DEFAULT_SCENE_COUNT } from '../../../../../lambdas/core/manifest/limits.js';
import { parseDevelopedManifest, parseManifest } from '../../../../../lambdas/core/manifest/parse.js';
import { episodesToDevelop, isDeveloped, plannedSceneCount } from '../../../../../lambdas/core/manifest/queries.js';
import { validateManifest } from '../../../../../lambdas/core/manifest/validate.js';

const exampleUrl = (name: string) => new URL(`../../../../../examples/${name}`, import.meta.url);

function bible(
  episodes: unknown[] = [
    { id: 'ep01', title: 'One', synopsis: 'Ana finds a letter. Ben lies about it.', sceneCount: 3 },
  ],
) {
  return {
    version: 1,
    production: 'bible-check',
    title: 'Bible check',
    logline: 'A letter nobody sent changes two lives.',
    genre: 'melodrama',
    style: 'soft pastel watercolour, warm window light',
    locations: ['the post office, rain'],
    language: 'en-US',
    budgetUsd: 1,
    characters: [
      { id: 'ana', name: 'Ana', description: '30, red hair', arc: 'from doubt to trust' },
      { id: 'ben', name: 'Ben', description: '40, bald' },
    ],
    episodes,
  };
}

function problemsOf(input: unknown): string[] {
  try {
    validateManifest(input);
  } catch (error) {
    if (error instanceof ManifestInvalid) return error.problems.map((p) => `${p.path}: ${p.reason}`);
    throw error;
  }
  return [];
}

describe('a series bible in the manifest', () => {
  it('accepts episodes with a synopsis instead of scenes, and the series and character fields development reads', () => {
    // Prepare
    const document = bible([
      { id: 'ep01', title: 'One', synopsis: 'Ana finds a letter.', sceneCount: 3 },
      { id: 'ep02', title: 'Two', synopsis: 'Ben lies about it.' },
      {
        id: 'ep03',
        title: 'Three',
        scenes: [
          { id: 's01', location: 'Post office', characters: ['ana'], outline: 'Ana waits.', camera: 'wide, static' },
        ],
      },
    ]);

    // Act
    const manifest = validateManifest(document);

    // Assess
    expect(isDeveloped(manifest)).toBe(false);
    expect(episodesToDevelop(manifest).map((e) => e.id)).toEqual(['ep01', 'ep02']);
    expect(manifest.episodes.map(plannedSceneCount)).toEqual([3, DEFAULT_SCENE_COUNT, 1]);
    expect([manifest.logline, manifest.genre, manifest.style, manifest.characters[0]!.arc]).toEqual([
      'A letter nobody sent changes two lives.',
      'melodrama',
      'soft pastel watercolour, warm window light',
      'from doubt to trust',
    ]);
  });

  it('keeps every shipped v1 manifest valid and developed, and accepts the example bible', async () => {
    // Prepare
    const [tet, zh, nightFerry, warung] = await Promise.all(
      ['tet-homecoming.yaml', 'spring-festival-reunion.yaml', 'night-ferry-bible.yaml', 'warung-kopi-bible.yaml'].map(
        (name) => readFile(exampleUrl(name)),
      ),
    );

    // Act
    const developed = [parseDevelopedManifest(tet!), parseDevelopedManifest(zh!)];
    const bibles = [parseManifest(nightFerry!), parseManifest(warung!)];

    // Assess
    expect(developed.filter((manifest) => !isDeveloped(manifest))).toEqual([]);
    expect(
      bibles.flatMap((series) => series.episodes).filter((episode) => !(episode.synopsis && !episode.scenes)),
    ).toEqual([]);
    expect(() => parseDevelopedManifest(nightFerry!)).toThrow(ManifestInvalid);
    expect(() => parseDevelopedManifest(warung!)).toThrow(ManifestInvalid);
  });

  it('rejects an empty synopsis, naming its path', () => {
    // Prepare
    const document = bible([{ id: 'ep01', title: 'One', synopsis: '   ' }]);

    // Act
    const problems = problemsOf(document);

    // Assess
    expect(problems).toEqual(['episodes[0].synopsis: synopsis must not be empty']);
  });

  it('rejects a sceneCount over the scenes-an-episode limit, and one that is not a whole number', () => {
    // Prepare
    const over = bible([{ id: 'ep01', title: 'One', synopsis: 'Ana finds a letter.', sceneCount: 61 }]);
    const fraction = bible([{ id: 'ep01', title: 'One', synopsis: 'Ana finds a letter.', sceneCount: 2.5 }]);

    // Act
    const problems = [...problemsOf(over), ...problemsOf(fraction)];

    // Assess
    expect(problems).toEqual([
      'episodes[0].sceneCount: sceneCount must be at most 60 (scenes an episode)',
      'episodes[0].sceneCount: sceneCount must be a whole number',
    ]);
  });

  it('rejects an episode with neither scenes nor a synopsis, and a sceneCount with nothing to develop', () => {
    // Prepare
    const document = bible([
      { id: 'ep01', title: 'One' },
      {
        id: 'ep02',
        title: 'Two',
        sceneCount: 4,
        scenes: [{ id: 's01', location: 'Post office', characters: ['ana'], outline: 'Ana waits.' }],
      },
    ]);

    // Act
    const problems = problemsOf(document);

    // Assess
    expect(problems).toEqual([
      'episodes[0].scenes: is required (or give a synopsis, and the development stage writes the scenes)',
      'episodes[1].sceneCount: only an episode with a synopsis has scenes to develop',
    ]);
  });
});
