import { expect } from 'vitest';
import { ManifestInvalid } from '../../lambdas/core/contracts/errors.js';
import { validateManifest } from '../../lambdas/core/manifest/validate.js';

/** A one-scene manifest in `language` under `providers`, with any other fields given. */
export function languageManifest(
  language: string,
  providers: Record<string, unknown> = { profile: 'offline' },
  more: Record<string, unknown> = {},
) {
  return {
    version: 1,
    production: 'language-check',
    title: 'Language check',
    language,
    budgetUsd: 1,
    providers,
    characters: [{ id: 'ana', name: 'Ana', description: '30, red hair' }],
    episodes: [
      {
        id: 'ep01',
        title: 'One',
        scenes: [{ id: 's01', location: 'Harbour', characters: ['ana'], outline: 'She waits.' }],
      },
    ],
    ...more,
  };
}

/** What validation says of a document, as `path: reason` lines; none when it is valid. */
export function problemsOf(document: unknown): string[] {
  try {
    validateManifest(document);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestInvalid);
    return (error as ManifestInvalid).problems.map((problem) => `${problem.path}: ${problem.reason}`);
  }
}
