import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ManifestInvalid } from '../../../../../lambdas/core/contracts/errors.js';
import { parseDevelopedManifest, parseManifest } from '../../../../../lambdas/core/manifest/parse.js';
import { videoCandidates } from '../../../../../lambdas/core/manifest/queries.js';
import { validateManifest } from '../../../../../lambdas/core/manifest/validate.js';

const SEGMENT = String.raw`(?:\[\d+\]|\.[A-Za-z_$][\w$-]*|\["(?:[^"\\]|\\.)*"\])`;
const PROBLEM_PATH = new RegExp(
  String.raw`^(?:\(file\)|\(root\)|\(line \d+, column \d+\)|(?:[A-Za-z_$][\w$-]*|\["(?:[^"\\]|\\.)*"\])${SEGMENT}*)$`,
);

const exampleUrl = (name: string) => new URL(`../../../../../examples/${name}`, import.meta.url);

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
          {
            id: 's01',
            location: 'Harbour, dawn',
            characters: ['ana', 'ben'],
            outline: 'They meet.',
            dialogue: [{ character: 'ana', line: 'Hi.' }],
          },
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

/** What parsing a text ends in: the manifest, or the error it threw. */
function outcomeOf(text: string): { accepted: true } | { accepted: false; error: unknown } {
  try {
    parseManifest(text);
    return { accepted: true };
  } catch (error) {
    return { accepted: false, error };
  }
}

describe('manifest v1', () => {
  it('accepts both examples and fills in the default format and profile', async () => {
    // Prepare
    const tetFile = await readFile(exampleUrl('tet-homecoming.yaml'));
    const zhFile = await readFile(exampleUrl('spring-festival-reunion.yaml'));
    const minimalDocument = validDocument();

    // Act
    const tet = parseDevelopedManifest(tetFile);
    const zh = parseManifest(zhFile);
    const minimal = validateManifest(minimalDocument);

    // Assess
    expect(tet.language).toBe('vi-VN');
    expect(tet.characters).toHaveLength(2);
    expect(tet.episodes[0]!.scenes).toHaveLength(6);
    expect(tet.episodes[0]!.scenes.filter((s) => s.dialogue)).not.toEqual([]);
    expect(tet.episodes[0]!.scenes.filter((s) => !s.dialogue)).not.toEqual([]);
    expect(zh.language).toBe('zh-CN');
    expect(zh.characters).toHaveLength(3);
    expect(zh.episodes).toHaveLength(2);
    expect(minimal.format).toEqual({ aspectRatio: '9:16', width: 1080, height: 1920, fps: 30 });
    expect(minimal.providers.profile).toBe('offline');
  });

  it('accepts JSON as well as YAML', () => {
    // Prepare
    const json = JSON.stringify(validDocument());

    // Act
    const manifest = parseManifest(json);

    // Assess
    expect(manifest.production).toBe('unit-check');
  });

  it('names the path of an unknown key, a wrong type and an undeclared character', () => {
    // Prepare
    const document = validDocument() as Record<string, unknown>;
    document.colour = 'red';
    (document.episodes as { scenes: Record<string, unknown>[] }[])[0]!.scenes[0]!.characters = ['ana', 'zed'];
    (document.episodes as { scenes: Record<string, unknown>[] }[])[0]!.scenes[1]!.outline = 42;

    // Act
    const problems = problemsOf(document);

    // Assess
    expect(problems).toContain('colour: unknown key');
    expect(problems).toContain('episodes[0].scenes[0].characters[1]: character "zed" is not declared in characters');
    expect(problems).toContainEqual(expect.stringMatching(/^episodes\[0\]\.scenes\[1\]\.outline: /));
  });

  it('takes a priority from 1 to 10, 5 when it is left out, and names anything else', () => {
    // Prepare
    const withPriority = (priority: unknown) => ({ ...validDocument(), priority });

    // Act
    const defaulted = validateManifest(validDocument());
    const highest = validateManifest(withPriority(10));

    // Assess
    expect(defaulted.priority).toBe(5);
    expect(highest.priority).toBe(10);
    expect(problemsOf(withPriority(0))).toEqual(['priority: priority must be from 1 to 10']);
    expect(problemsOf(withPriority(11))).toEqual(['priority: priority must be from 1 to 10']);
    expect(problemsOf(withPriority(2.5))).toEqual(['priority: priority must be a whole number from 1 to 10']);
  });

  it('takes video candidates from 1 to 4 for the manifest or a scene, the scene over the manifest, one when neither says', () => {
    // Prepare
    const document = validDocument();
    const withCandidates = {
      ...document,
      video: { candidates: 3 },
      episodes: [
        {
          ...document.episodes[0]!,
          scenes: [{ ...document.episodes[0]!.scenes[0]!, video: { candidates: 2 } }, document.episodes[0]!.scenes[1]!],
        },
      ],
    };
    const withCount = (candidates: unknown) => ({ ...validDocument(), video: { candidates } });

    // Act
    const plain = validateManifest(validDocument());
    const chosen = validateManifest(withCandidates);

    // Assess
    expect(videoCandidates(plain, plain.episodes[0]!.scenes![0]!)).toBe(1);
    expect(chosen.episodes[0]!.scenes!.map((scene) => videoCandidates(chosen, scene))).toEqual([2, 3]);
    expect(problemsOf(withCount(0))).toEqual(['video.candidates: video.candidates must be from 1 to 4']);
    expect(problemsOf(withCount(5))).toEqual(['video.candidates: video.candidates must be from 1 to 4']);
    expect(problemsOf(withCount(1.5))).toEqual([
      'video.candidates: video.candidates must be a whole number from 1 to 4',
    ]);
  });

  it('rejects duplicate ids, a speaker who is not in the scene, and ids with path separators', () => {
    // Prepare
    const document = validDocument();
    document.characters.push({ id: 'ana', name: 'Ana again', description: 'twin' });
    document.episodes[0]!.scenes[1]!.dialogue = [{ character: 'ben', line: 'Who is there?' }];
    document.episodes[0]!.scenes[0]!.id = '../s01';

    // Act
    const problems = problemsOf(document);

    // Assess
    expect(problems).toContainEqual(expect.stringMatching(/^characters\[2\]\.id: duplicate character id "ana"/));
    expect(problems).toContain(
      'episodes[0].scenes[1].dialogue[0].character: character "ben" speaks but is not in this scene\'s characters',
    );
    expect(problems).toContainEqual(expect.stringMatching(/^episodes\[0\]\.scenes\[0\]\.id: /));
  });

  it('enforces the limits: lines, a line length and the file size', () => {
    // Prepare
    const tooManyLines = validDocument();
    tooManyLines.episodes[0]!.scenes[0]!.dialogue = Array.from({ length: 41 }, () => ({
      character: 'ana',
      line: 'Hello.',
    }));
    const longLine = validDocument();
    longLine.episodes[0]!.scenes[0]!.dialogue = [{ character: 'ana', line: 'x'.repeat(501) }];
    const huge = Buffer.alloc(1024 * 1024 + 1, 0x61);

    // Act
    const tooManyLinesProblems = problemsOf(tooManyLines);
    const longLineProblems = problemsOf(longLine);
    const parseHuge = () => parseManifest(huge);

    // Assess
    expect(tooManyLinesProblems).toContain('episodes[0].scenes[0].dialogue: at most 40 dialogue lines a scene');
    expect(longLineProblems).toContain('episodes[0].scenes[0].dialogue[0].line: line must be at most 500 characters');
    expect(parseHuge).toThrow(/1 MiB/);
  });

  it('rejects an empty file, a binary file, invalid UTF-8 and an alias bomb with a file-level reason', () => {
    // Prepare
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [i, name] of ['b', 'c', 'd', 'e', 'f', 'g'].entries()) {
      const previous = i === 0 ? 'a' : ['b', 'c', 'd', 'e', 'f'][i - 1];
      bomb.push(`${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(', ')}]`);
    }

    // Act
    const parseEmpty = () => parseManifest(Buffer.alloc(0));
    const parseBinary = () => parseManifest(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    const parseInvalidUtf8 = () => parseManifest(Buffer.from([0x76, 0x3a, 0x20, 0xc3, 0x28]));
    const parseBomb = () => parseManifest(bomb.join('\n'));

    // Assess
    expect(parseEmpty).toThrow(/empty/);
    expect(parseBinary).toThrow(/binary/);
    expect(parseInvalidUtf8).toThrow(/UTF-8/);
    expect(parseBomb).toThrow(/alias/i);
  });

  it('names a YAML syntax error by line and column and quotes the line, at the quote that was never closed', async () => {
    // Prepare: the example with one title's closing quote taken away, and with one line indented wrongly
    const example = (await readFile(exampleUrl('tet-homecoming.yaml'), 'utf8')).split('\n');
    const titleLine = example.findIndex((line) => /^title: ".*"$/.test(line));
    const unclosed = example.map((line, index) => (index === titleLine ? line.replace(/"$/, '') : line)).join('\n');
    const misindented = ['production: misindented', 'title: Misindented', '  language: vi-VN'].join('\n');

    // Act
    const problemsOf = (text: string) => {
      try {
        parseManifest(text);
        return [];
      } catch (error) {
        return (error as ManifestInvalid).problems;
      }
    };

    // Assess
    expect(titleLine).toBeGreaterThanOrEqual(0);
    expect(problemsOf(unclosed)).toEqual([
      {
        path: `(line ${titleLine + 1}, column 8)`,
        reason: `Missing closing "quote, in: ${example[titleLine]!.replace(/"$/, '')}`,
      },
    ]);
    const [first] = problemsOf(misindented);
    expect(first?.path).toMatch(/^\(line [23], column \d+\)$/);
    expect(first?.reason).toMatch(/, in: (title: Misindented|language: vi-VN)$/);
  });

  it('a mutated manifest is either valid or rejected with path-named problems, never anything else', () => {
    // Prepare: a valid document, and up to four mutations at any path inside it
    const base = validDocument();
    const paths: (string | number)[][] = [];
    const collect = (node: unknown, path: (string | number)[]) => {
      paths.push(path);
      if (Array.isArray(node)) for (const [i, child] of node.entries()) collect(child, [...path, i]);
      else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) collect(v, [...path, k]);
    };
    collect(base, []);
    const mutation = fc.record({
      path: fc.constantFrom(...paths.filter((p) => p.length > 0)),
      value: fc.oneof(
        fc.anything(),
        fc.string(),
        fc.integer(),
        fc.constant(undefined),
        fc.constant('../etc'),
        fc.constant(null),
      ),
    });
    /** The document with the mutations applied, as YAML or JSON; undefined when a mutation has no place to go or the document cannot be written. */
    const mutatedText = (
      mutations: { path: (string | number)[]; value: unknown }[],
      asYaml: boolean,
    ): string | undefined => {
      const document = structuredClone(base) as Record<string | number, unknown>;
      for (const { path, value } of mutations) {
        let node: Record<string | number, unknown> = document;
        for (const part of path.slice(0, -1)) {
          const next = node?.[part];
          if (!next || typeof next !== 'object') return undefined;
          node = next as Record<string | number, unknown>;
        }
        node[path.at(-1)!] = value;
      }
      try {
        return asYaml ? stringify(document) : JSON.stringify(document);
      } catch {
        return undefined;
      }
    };

    // For each of 1000 generated cases:
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (mutations, asYaml) => {
        // Prepare
        const text = mutatedText(mutations, asYaml);
        if (text === undefined) return;

        // Act
        const outcome = outcomeOf(text);

        // Assess
        if (outcome.accepted) return;
        expect(outcome.error).toBeInstanceOf(ManifestInvalid);
        const problems = (outcome.error as ManifestInvalid).problems;
        expect(problems.length).toBeGreaterThan(0);
        for (const problem of problems) {
          expect(problem.path).toMatch(PROBLEM_PATH);
          expect(problem.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
