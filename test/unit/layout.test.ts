import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const unitRoot = path.join(repositoryRoot, 'test', 'unit');

/** Every folder under `dir`, as paths relative to it. */
function foldersUnder(dir: string, relative = ''): string[] {
  return readdirSync(path.join(dir, relative), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const folder = path.join(relative, entry.name);
      return [folder, ...foldersUnder(dir, folder)];
    });
}

const isFolder = (at: string) => statSync(at, { throwIfNoEntry: false })?.isDirectory() ?? false;

describe('the unit tests mirror the source tree', () => {
  it('names a folder of the source with each of its folders', () => {
    // Prepare
    const folders = foldersUnder(unitRoot);

    // Act
    const withoutSource = folders.filter((folder) => !isFolder(path.join(repositoryRoot, folder)));

    // Assess
    expect(folders.length).toBeGreaterThan(10);
    expect(withoutSource).toEqual([]);
  });

  it('keeps each test beside a module it uses, directly or through one of test/support: the folder says what it tests', () => {
    // Prepare
    const tests = foldersUnder(unitRoot).flatMap((folder) =>
      readdirSync(path.join(unitRoot, folder))
        .filter((name) => name.endsWith('.test.ts'))
        .map((name) => ({ folder, file: path.join(unitRoot, folder, name) })),
    );

    // Act
    const apart = tests
      .filter(({ folder, file }) => {
        const named = referencedFiles(file);
        const used = [
          ...named,
          ...named
            .filter((module) => module.startsWith('test/support/'))
            .flatMap((support) => referencedFiles(path.join(repositoryRoot, support))),
        ];
        return !used.some((module) => path.dirname(module) === folder);
      })
      .map(({ file }) => path.relative(unitRoot, file));

    // Assess
    expect(tests.length).toBeGreaterThan(100);
    expect(apart).toEqual([]);
  });

  it('gives every stage folder a unit test of its own', () => {
    // Prepare
    const stages = readdirSync(path.join(repositoryRoot, 'lambdas', 'stages'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);

    // Act
    const untested = stages.filter((stage) => {
      const folder = path.join(unitRoot, 'lambdas', 'stages', stage);
      return !isFolder(folder) || !readdirSync(folder).some((name) => name.endsWith('.test.ts'));
    });

    // Assess
    expect(stages.length).toBeGreaterThan(10);
    expect(untested).toEqual([]);
  });
});

/** The repository's files a source file names by a relative path: what it imports, mocks or runs. */
function referencedFiles(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/'(\.{1,2}\/[^'\n]+)'/g)].map((match) =>
    path.relative(repositoryRoot, path.resolve(path.dirname(file), match[1]!)).replace(/\.js$/, '.ts'),
  );
}
