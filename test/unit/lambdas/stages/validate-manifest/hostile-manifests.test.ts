import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { stringify } from 'yaml';
import { ManifestInvalid } from '../../../../../lambdas/core/contracts/errors.js';
import { validateUploadedManifest } from '../../../../../lambdas/stages/validate-manifest/validate-manifest.js';
import { BUCKET, mockedStageDeps } from '../../../../support/mocked-stage-deps.js';

const valid = {
  version: 1,
  production: 'hostile-check',
  title: 'Hostile',
  language: 'vi-VN',
  budgetUsd: 1,
  characters: [{ id: 'lan', name: 'Lan', description: 'red áo dài' }],
  episodes: [
    {
      id: 'ep01',
      title: 'Một',
      scenes: [
        {
          id: 's01',
          location: 'Ga',
          characters: ['lan'],
          outline: 'Lan về.',
          dialogue: [{ character: 'lan', line: 'Em về rồi! 🎉' }],
        },
      ],
    },
  ],
};

const hostileValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '../../etc/passwd',
    'a/b',
    '..',
    '',
    ' ',
    '\u0000',
    'ep01\\s01',
    'x'.repeat(600),
    '漢字',
    '🎬',
    'true',
    '1e999',
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
);

const paths: (string | number)[][] = [
  ['version'],
  ['production'],
  ['title'],
  ['language'],
  ['budgetUsd'],
  ['format'],
  ['seed'],
  ['providers'],
  ['characters'],
  ['characters', 0, 'id'],
  ['characters', 0, 'voice'],
  ['episodes'],
  ['episodes', 0, 'id'],
  ['episodes', 0, 'scenes'],
  ['episodes', 0, 'scenes', 0, 'id'],
  ['episodes', 0, 'scenes', 0, 'characters'],
  ['episodes', 0, 'scenes', 0, 'dialogue'],
  ['episodes', 0, 'scenes', 0, 'dialogue', 0, 'line'],
  ['extra'],
];

const mutatedManifest = fc
  .tuple(fc.array(fc.tuple(fc.constantFrom(...paths), hostileValue), { minLength: 1, maxLength: 5 }), fc.boolean())
  .map(([edits, asJson]) => {
    const document = structuredClone(valid) as Record<string | number, unknown>;
    for (const [path, value] of edits) {
      let node = document as Record<string | number, unknown>;
      for (const part of path.slice(0, -1)) {
        if (!node[part] || typeof node[part] !== 'object')
          node[part] = typeof path[path.indexOf(part) + 1] === 'number' ? [] : {};
        node = node[part] as Record<string | number, unknown>;
      }
      node[path.at(-1)!] = value;
    }
    return Buffer.from(asJson ? JSON.stringify(document) : stringify(document));
  });

const aliasBomb = fc.integer({ min: 3, max: 12 }).map((depth) => {
  const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let level = 1; level <= depth; level++)
    lines.push(`a${level}: &a${level} [${Array.from({ length: 9 }, () => `*a${level - 1}`).join(', ')}]`);
  return Buffer.from(lines.join('\n'));
});

const hostileBytes = fc.oneof(
  mutatedManifest,
  fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ unit: 'binary', maxLength: 2048 }).map((text) => Buffer.from(text)),
  aliasBomb,
  fc.integer({ min: 1, max: 400_000 }).map((depth) => Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`)),
  fc
    .integer({ min: 1, max: 900 })
    .map((depth) =>
      Buffer.from(Array.from({ length: depth }, (_, level) => `${' '.repeat(level)}k${level}:`).join('\n')),
    ),
  fc.constantFrom(
    Buffer.alloc(0),
    Buffer.from([0xff, 0xfe, 0x00]),
    Buffer.from('version: 1\nversion: 1\n'),
    Buffer.alloc(1024 * 1024 + 10, 0x20),
  ),
);

describe('Validate manifest against hostile input', () => {
  it('rejects with path-named problems or accepts, never crashes, and a rejection writes only its record', async () => {
    // One set of clients for every run: building the SDK clients and their mocks cost more than the
    // validation itself, a thousand times over, and made the test's time the machine's load.
    const mocks = mockedStageDeps();
    mocks.dynamoMock.on(QueryCommand).resolves({ Items: [] });
    mocks.dynamoMock.on(GetCommand).resolves({});
    mocks.dynamoMock.on(UpdateCommand).resolves({ Attributes: { budgetUsd: 1, spentUsd: 0 } });
    onTestFinished(() => {
      mocks.s3Mock.restore();
      mocks.dynamoMock.restore();
      mocks.sfnMock.restore();
    });
    await fc.assert(
      fc.asyncProperty(hostileBytes, async (bytes) => {
        // Prepare
        mocks.objects.clear();
        mocks.objects.set('manifests/hostile.yaml', bytes);
        mocks.s3Mock.resetHistory();
        mocks.dynamoMock.resetHistory();

        // Act
        const outcome = await validateUploadedManifest(
          { bucket: BUCKET, key: 'manifests/hostile.yaml', executionName: 'hostile' },
          mocks.deps,
        ).then(
          () => ({ accepted: true as const }),
          (error: unknown) => ({ accepted: false as const, error }),
        );

        // Assess
        const written = mocks.s3Mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key);
        if (outcome.accepted) {
          expect(written).toEqual(['productions/hostile-check/manifest.json']);
        } else {
          expect(outcome.error).toBeInstanceOf(ManifestInvalid);
          const problems = (outcome.error as ManifestInvalid).problems;
          expect(problems.length).toBeGreaterThan(0);
          for (const problem of problems) {
            expect(problem.path.length).toBeGreaterThan(0);
            expect(problem.reason.length).toBeGreaterThan(0);
          }
          expect(written).toEqual(['manifests/hostile.yaml.errors.json']);
          expect(mocks.dynamoMock.calls()).toHaveLength(0);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
