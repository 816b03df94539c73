import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ManifestInvalid } from '../../../lambdas/core/errors.js';
import { parseManifest, validateManifest } from '../../../lambdas/core/manifest/parse.js';

const SEGMENT = String.raw`(?:\[\d+\]|\.[A-Za-z_$][\w$-]*|\["(?:[^"\\]|\\.)*"\])`;
const PROBLEM_PATH = new RegExp(String.raw`^(?:\(file\)|\(root\)|\(line \d+, column \d+\)|(?:[A-Za-z_$][\w$-]*|\["(?:[^"\\]|\\.)*"\])${SEGMENT}*)$`);

const exampleUrl = (name: string) => new URL(`../../../examples/${name}`, import.meta.url);

function validDocument() {
  return {
    version: 1,
    production: 'unit-check',
    title: 'Unit check',
    language: 'en-US',
    budgetUsd: 2,
    characters: [
      { id: 'ana', name: 'Ana', description: '30, red hair' },
      { id: 'ben', name: 'Ben', description: '40, bald' },
    ],
    episodes: [
      {
        id: 'ep01',
        title: 'One',
        scenes: [
          { id: 's01', location: 'Harbour, dawn', characters: ['ana', 'ben'], outline: 'They meet.', dialogue: [{ character: 'ana', line: 'Hi.' }] },
          { id: 's02', location: 'Kitchen, night', characters: [], outline: 'An empty kitchen.' },
        ],
      },
    ],
  };
}

function problemsOf(input: unknown): string[] {
  try {
    validateManifest(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestInvalid);
    return (error as ManifestInvalid).problems.map((p) => `${p.path}: ${p.reason}`);
  }
  throw new Error('expected the manifest to be rejected');
}

describe('manifest v1', () => {
  it('accepts both examples and fills in the default format and profile', async () => {
    const tet = parseManifest(await readFile(exampleUrl('tet-homecoming.yaml')));
    expect(tet.language).toBe('vi-VN');
    expect(tet.characters).toHaveLength(2);
    expect(tet.episodes[0]!.scenes).toHaveLength(6);
    expect(tet.episodes[0]!.scenes.some((s) => s.dialogue)).toBe(true);
    expect(tet.episodes[0]!.scenes.some((s) => !s.dialogue)).toBe(true);

    const zh = parseManifest(await readFile(exampleUrl('spring-festival-reunion.yaml')));
    expect(zh.language).toBe('zh-CN');
    expect(zh.characters).toHaveLength(3);
    expect(zh.episodes).toHaveLength(2);

    const minimal = validateManifest(validDocument());
    expect(minimal.format).toEqual({ aspectRatio: '9:16', width: 1080, height: 1920, fps: 30 });
    expect(minimal.providers.profile).toBe('offline');
  });

  it('accepts JSON as well as YAML', () => {
    expect(parseManifest(JSON.stringify(validDocument())).production).toBe('unit-check');
  });

  it('names the path of an unknown key, a wrong type and an undeclared character', () => {
    const document = validDocument() as Record<string, unknown>;
    document.colour = 'red';
    (document.episodes as { scenes: Record<string, unknown>[] }[])[0]!.scenes[0]!.characters = ['ana', 'zed'];
    (document.episodes as { scenes: Record<string, unknown>[] }[])[0]!.scenes[1]!.outline = 42;
    const problems = problemsOf(document);
    expect(problems).toContain('colour: unknown key');
    expect(problems).toContain('episodes[0].scenes[0].characters[1]: character "zed" is not declared in characters');
    expect(problems.some((p) => p.startsWith('episodes[0].scenes[1].outline: '))).toBe(true);
  });

  it('rejects duplicate ids, a speaker who is not in the scene, and ids with path separators', () => {
    const document = validDocument();
    document.characters.push({ id: 'ana', name: 'Ana again', description: 'twin' });
    document.episodes[0]!.scenes[1]!.dialogue = [{ character: 'ben', line: 'Who is there?' }];
    document.episodes[0]!.scenes[0]!.id = '../s01';
    const problems = problemsOf(document);
    expect(problems.some((p) => p.startsWith('characters[2].id: duplicate character id "ana"'))).toBe(true);
    expect(problems).toContain('episodes[0].scenes[1].dialogue[0].character: character "ben" speaks but is not in this scene\'s characters');
    expect(problems.some((p) => p.startsWith('episodes[0].scenes[0].id: '))).toBe(true);
  });

  it('enforces the limits: lines, a line length and the file size', () => {
    const tooManyLines = validDocument();
    tooManyLines.episodes[0]!.scenes[0]!.dialogue = Array.from({ length: 41 }, () => ({ character: 'ana', line: 'Hello.' }));
    expect(problemsOf(tooManyLines)).toContain('episodes[0].scenes[0].dialogue: at most 40 dialogue lines a scene');

    const longLine = validDocument();
    longLine.episodes[0]!.scenes[0]!.dialogue = [{ character: 'ana', line: 'x'.repeat(501) }];
    expect(problemsOf(longLine)).toContain('episodes[0].scenes[0].dialogue[0].line: line must be at most 500 characters');

    const huge = Buffer.alloc(1024 * 1024 + 1, 0x61);
    expect(() => parseManifest(huge)).toThrow(/1 MiB/);
  });

  it('rejects an empty file, a binary file, invalid UTF-8 and an alias bomb with a file-level reason', () => {
    expect(() => parseManifest(Buffer.alloc(0))).toThrow(/empty/);
    expect(() => parseManifest(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]))).toThrow(/binary/);
    expect(() => parseManifest(Buffer.from([0x76, 0x3a, 0x20, 0xc3, 0x28]))).toThrow(/UTF-8/);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [i, name] of ['b', 'c', 'd', 'e', 'f', 'g'].entries()) {
      const previous = i === 0 ? 'a' : ['b', 'c', 'd', 'e', 'f'][i - 1];
      bomb.push(`${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(', ')}]`);
    }
    expect(() => parseManifest(bomb.join('\n'))).toThrow(/alias/i);
  });

  it('a mutated manifest is either valid or rejected with path-named problems, never anything else', () => {
    const base = validDocument();
    const paths: (string | number)[][] = [];
    const collect = (node: unknown, path: (string | number)[]) => {
      paths.push(path);
      if (Array.isArray(node)) node.forEach((child, i) => collect(child, [...path, i]));
      else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) collect(v, [...path, k]);
    };
    collect(base, []);
    const mutation = fc.record({
      path: fc.constantFrom(...paths.filter((p) => p.length > 0)),
      value: fc.oneof(fc.anything(), fc.string(), fc.integer(), fc.constant(undefined), fc.constant('../etc'), fc.constant(null)),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (mutations, asYaml) => {
        const document = structuredClone(base) as Record<string | number, unknown>;
        for (const { path, value } of mutations) {
          let node: Record<string | number, unknown> = document;
          for (const part of path.slice(0, -1)) {
            const next = node?.[part];
            if (!next || typeof next !== 'object') return;
            node = next as Record<string | number, unknown>;
          }
          node[path.at(-1)!] = value;
        }
        let text: string;
        try {
          text = asYaml ? stringify(document) : JSON.stringify(document);
        } catch {
          return;
        }
        try {
          parseManifest(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ManifestInvalid);
          const problems = (error as ManifestInvalid).problems;
          expect(problems.length).toBeGreaterThan(0);
          for (const problem of problems) {
            expect(problem.path).toMatch(PROBLEM_PATH);
            expect(problem.reason.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
