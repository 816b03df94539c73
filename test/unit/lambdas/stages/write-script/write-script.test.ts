import { describe, expect, it } from 'vitest';
import { OfflineScriptWriter } from '../../../../../lambdas/adapters/providers/offline/offline-script-writer.js';
import type { BoundProviders } from '../../../../../lambdas/core/contracts/bound-providers.js';
import { ProviderThrottled } from '../../../../../lambdas/core/contracts/errors.js';
import type { SceneScriptRequest, TextModel } from '../../../../../lambdas/core/contracts/ports.js';
import type { StoredScript } from '../../../../../lambdas/core/domain/scene-artifacts.js';
import type { ManifestInput } from '../../../../../lambdas/core/manifest/schema.js';
import { writeScript } from '../../../../../lambdas/stages/write-script/write-script.js';
import { unitManifest } from '../../../../support/mocked-stage-deps.js';
import { type StageWorld, stageWorld } from '../../../../support/stage-world.js';

const cast = [
  { id: 'ana', name: 'Ana', description: 'red hair' },
  { id: 'ben', name: 'Ben', description: 'bald' },
];
const scenes = ['s01', 's02', 's03'].map((id, index) => ({
  id,
  location: 'Harbour',
  characters: ['ana', 'ben'],
  outline: ['Ana waits for the ferry.', 'Ben arrives late.', 'They walk home.'][index]!,
}));
const part = { productionId: 'unit-series', episodeId: 'ep01', sceneIds: ['s01', 's02', 's03'] };
const scriptKey = (sceneId: string) => `productions/unit-series/scenes/ep01/${sceneId}/script.json`;

/**
 * The offline script writer, seen: every request it is sent, by scene. A scene in `invalid` is answered
 * with a line by a character who is not in it; one in `throttled` is refused as a throttling provider does.
 */
function watchedWriter(options: { invalid?: string[]; throttled?: string[] } = {}) {
  const offline = new OfflineScriptWriter();
  const requests: SceneScriptRequest[] = [];
  const port: TextModel = {
    writeListing: (request) => offline.writeListing(request),
    writeScene: async (request) => {
      requests.push(request);
      if (options.throttled?.includes(request.scene.sceneId)) throw new ProviderThrottled('slow down', 5);
      const written = await offline.writeScene(request);
      if (!options.invalid?.includes(request.scene.sceneId)) return written;
      return { ...written, result: { lines: [{ character: 'zed', line: 'Who let me in here?' }] } };
    },
  };
  return { port, requests };
}

async function episode(
  writer: TextModel,
  overrides: Partial<ManifestInput> = {},
  bound: Pick<BoundProviders['text'], 'provider' | 'model'> = { provider: 'offline', model: 'phrasebook-v1' },
) {
  const world = await stageWorld(
    unitManifest({ characters: cast, episodes: [{ id: 'ep01', title: 'One', scenes }], ...overrides }),
    { providers: { text: { port: writer, ...bound } } },
  );
  await world.ensureScenes();
  return world;
}

const script = (world: StageWorld, sceneId: string) => world.json<StoredScript>(scriptKey(sceneId));
const row = (world: StageWorld, sceneId: string) => world.productions.getScene('unit-series', 'ep01', sceneId);

describe('Write script', () => {
  it('keeps dialogue the manifest gives, verbatim, and asks no model for it', async () => {
    // Prepare
    const writer = watchedWriter();
    const dialogue = [
      { character: 'ana', line: 'You came back.' },
      { character: 'ben', line: 'I never really left.' },
    ];
    const world = await episode(writer.port, {
      episodes: [{ id: 'ep01', title: 'One', scenes: [{ ...scenes[0]!, dialogue }] }],
    });

    // Act
    await writeScript({ productionId: 'unit-series', episodeId: 'ep01', sceneId: 's01' }, world.deps);

    // Assess
    expect(script(world, 's01')).toEqual({ source: 'manifest', lines: dialogue });
    expect(writer.requests).toEqual([]);
    expect(await world.ledger.listCosts('unit-series')).toEqual([]);
    expect((await row(world, 's01')).status).toBe('SCRIPT');
  });

  it("writes a part's scenes in order, each seeing the lines written before it, each call settled in the ledger", async () => {
    // Prepare
    const writer = watchedWriter();
    const world = await episode(writer.port);

    // Act
    await writeScript(part, world.deps);

    // Assess
    expect(writer.requests.map((request) => request.scene.sceneId)).toEqual(['s01', 's02', 's03']);
    expect(writer.requests[0]!.episode).toBeUndefined();
    expect(writer.requests[2]!.episode!.spokenBefore).toEqual([
      { sceneId: 's01', lines: script(world, 's01').lines },
      { sceneId: 's02', lines: script(world, 's02').lines },
    ]);
    for (const sceneId of part.sceneIds) {
      const written = script(world, sceneId);
      expect(written.source).toBe('model');
      expect(written.lines.length).toBeGreaterThan(0);
      expect(written.lines.filter((line) => !['ana', 'ben'].includes(line.character))).toEqual([]);
    }
    const costs = await world.ledger.listCosts('unit-series');
    expect(costs.map((cost) => [cost.stage, cost.status, cost.sceneId]).sort()).toEqual([
      ['script', 'SETTLED', 's01'],
      ['script', 'SETTLED', 's02'],
      ['script', 'SETTLED', 's03'],
    ]);
  });

  it('writes a part again from the cache: the model is not asked twice', async () => {
    // Prepare
    const writer = watchedWriter();
    const world = await episode(writer.port);
    await writeScript(part, world.deps);
    const first = part.sceneIds.map((sceneId) => script(world, sceneId));

    // Act
    await writeScript(part, world.deps);

    // Assess
    expect(writer.requests).toHaveLength(3);
    expect(part.sceneIds.map((sceneId) => script(world, sceneId))).toEqual(first);
    expect(await world.ledger.listCosts('unit-series')).toHaveLength(3);
  });

  it('in a part, records a scene whose answer is invalid as FAILED at SCRIPT and goes on to the next', async () => {
    // Prepare
    const writer = watchedWriter({ invalid: ['s02'] });
    const world = await episode(writer.port);

    // Act
    await writeScript(part, world.deps);

    // Assess
    const failed = await row(world, 's02');
    expect([failed.status, failed.failedStage, failed.failure?.error]).toEqual([
      'FAILED',
      'SCRIPT',
      'ProviderOutputInvalid',
    ]);
    expect(failed.failure?.cause).toMatch(/wrote ep01\/s02 invalidly/);
    expect(world.objects.has(scriptKey('s02'))).toBe(false);
    expect(script(world, 's03').source).toBe('model');
    expect((await row(world, 's03')).status).toBe('SCRIPT');
  });

  it('alone, throws the invalid answer as ProviderOutputInvalid to the state machine', async () => {
    // Prepare
    const writer = watchedWriter({ invalid: ['s01'] });
    const world = await episode(writer.port);

    // Act
    const attempt = writeScript({ productionId: 'unit-series', episodeId: 'ep01', sceneId: 's01' }, world.deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ProviderOutputInvalid' });
    expect((await row(world, 's01')).status).toBe('SCRIPT');
  });

  it('in a part, records a scene the budget cannot hold as BUDGET_EXCEEDED, buying nothing', async () => {
    // Prepare: gpt-4.1 holds $0.072 for a script call; the budget has $0.05
    const writer = watchedWriter();
    const world = await episode(writer.port, { budgetUsd: 0.05 }, { provider: 'openai-compatible', model: 'gpt-4.1' });

    // Act
    await writeScript(part, world.deps);

    // Assess
    const rows = await Promise.all(part.sceneIds.map((sceneId) => row(world, sceneId)));
    expect(rows.map((scene) => [scene.status, scene.failedStage, scene.failure?.error])).toEqual([
      ['BUDGET_EXCEEDED', 'SCRIPT', 'BudgetExceeded'],
      ['BUDGET_EXCEEDED', 'SCRIPT', 'BudgetExceeded'],
      ['BUDGET_EXCEEDED', 'SCRIPT', 'BudgetExceeded'],
    ]);
    expect(writer.requests).toEqual([]);
    expect(await world.ledger.listCosts('unit-series')).toEqual([]);
  });

  it('throws a throttled call out of the part, so the Task retries it, and gives its hold back', async () => {
    // Prepare
    const writer = watchedWriter({ throttled: ['s02'] });
    const world = await episode(writer.port);

    // Act
    const attempt = writeScript(part, world.deps);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ProviderThrottled);
    expect(writer.requests.map((request) => request.scene.sceneId)).toEqual(['s01', 's02']);
    expect(world.objects.has(scriptKey('s03'))).toBe(false);
    expect((await row(world, 's02')).status).toBe('SCRIPT');
    const costs = await world.ledger.listCosts('unit-series');
    expect(costs.map((cost) => [cost.sceneId, cost.status]).sort()).toEqual([
      ['s01', 'SETTLED'],
      ['s02', 'RELEASED'],
    ]);
    expect((await world.productions.getProduction('unit-series')).reservedUsd).toBe(0);
  });
});
