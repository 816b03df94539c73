import { describe, expect, it } from 'vitest';
import { OfflineEpisodeDeveloper } from '../../../../../lambdas/adapters/providers/offline/offline-episode-developer.js';
import type { EpisodeDeveloper, EpisodeDevelopmentRequest } from '../../../../../lambdas/core/contracts/ports.js';
import type {
  DevelopmentFailureRecord,
  DevelopmentRecord,
} from '../../../../../lambdas/core/domain/development-record.js';
import type { SeriesManifest } from '../../../../../lambdas/core/manifest/schema.js';
import { validateManifest } from '../../../../../lambdas/core/manifest/validate.js';
import { developEpisode } from '../../../../../lambdas/stages/develop-episode/develop-episode.js';
import { type StageWorld, stageWorld } from '../../../../support/stage-world.js';

const characters = [
  { id: 'ana', name: 'Ana', description: '30, short red hair, green coat' },
  { id: 'ben', name: 'Ben', description: 'bald, grey beard' },
];
const handWritten = {
  id: 'ep01',
  title: 'One',
  scenes: [
    { id: 's01', location: 'Harbour', characters: ['ana'], outline: 'Ana waits for the ferry.' },
    { id: 's02', location: 'Harbour', characters: ['ana', 'ben'], outline: 'Ben arrives late.' },
  ],
};
const synopsis = (id: string, sceneCount: number) => ({
  id,
  title: `Episode ${id}`,
  synopsis: 'Ana and Ben search the harbour for the letter her mother hid before the storm.',
  sceneCount,
});
const manifestKey = 'productions/unit-series/manifest.json';
const recordKey = (episodeId: string) => `productions/unit-series/development/${episodeId}.json`;

const bible = (episodes: unknown[]) =>
  validateManifest({
    version: 1,
    production: 'unit-series',
    title: 'Unit',
    language: 'en-US',
    budgetUsd: 1,
    characters,
    episodes,
  });

/** The offline developer, seen: every part it is asked for. `invalid` answers that part with a card for a stranger. */
function watchedDeveloper(options: { invalid?: number } = {}) {
  const offline = new OfflineEpisodeDeveloper();
  const requests: EpisodeDevelopmentRequest[] = [];
  const port: EpisodeDeveloper = {
    developPart: async (request) => {
      requests.push(request);
      const developed = await offline.developPart(request);
      if (options.invalid !== request.part.index) return developed;
      const [first, ...rest] = developed.result.scenes;
      return { ...developed, result: { ...developed.result, scenes: [{ ...first!, characters: ['zed'] }, ...rest] } };
    },
  };
  return { port, requests };
}

async function series(episodes: unknown[], developer: EpisodeDeveloper) {
  return stageWorld(bible(episodes), {
    providers: { development: { port: developer, provider: 'offline', model: 'phrasebook-v1' } },
  });
}

const storedManifest = (world: StageWorld) => world.json<SeriesManifest>(manifestKey);

describe('Develop episode', () => {
  it('leaves an episode written by hand as it is, buying nothing', async () => {
    // Prepare
    const developer = watchedDeveloper();
    const world = await series([handWritten], developer.port);

    // Act
    const answer = await developEpisode({ productionId: 'unit-series', episodeId: 'ep01' }, world.deps);

    // Assess
    expect(answer).toEqual({ episodeId: 'ep01', sceneCount: 2, developed: false });
    expect(developer.requests).toEqual([]);
    expect(world.objects.has(recordKey('ep01'))).toBe(false);
    expect(await world.ledger.listCosts('unit-series')).toEqual([]);
  });

  it("writes a synopsis's scene cards part by part, each part seeing the cards before it, into the record and the manifest", async () => {
    // Prepare: eight scenes are two parts, of six and two
    const developer = watchedDeveloper();
    const world = await series([synopsis('ep01', 8)], developer.port);

    // Act
    const answer = await developEpisode({ productionId: 'unit-series', episodeId: 'ep01' }, world.deps);

    // Assess
    expect(answer).toEqual({ episodeId: 'ep01', sceneCount: 8, developed: true });
    expect(developer.requests.map((request) => request.part)).toEqual([
      { index: 0, count: 2, sceneIds: ['s01', 's02', 's03', 's04', 's05', 's06'] },
      { index: 1, count: 2, sceneIds: ['s07', 's08'] },
    ]);
    const record = world.json<DevelopmentRecord>(recordKey('ep01'));
    expect(developer.requests[0]!.previousCards).toEqual([]);
    expect(developer.requests[1]!.previousCards).toEqual(record.scenes.slice(0, 6));
    expect(record.scenes.map((card) => card.id)).toEqual(['s01', 's02', 's03', 's04', 's05', 's06', 's07', 's08']);
    expect([record.parts, record.sceneCount, record.developedBy]).toEqual([
      2,
      8,
      { provider: 'offline', model: 'phrasebook-v1' },
    ]);
    expect(record.summary.length).toBeGreaterThan(0);
    const developed = storedManifest(world).episodes[0]!;
    expect(developed.synopsis).toBe(synopsis('ep01', 8).synopsis);
    expect(developed.scenes!.map((scene) => [scene.id, scene.outline])).toEqual(
      record.scenes.map((card) => [card.id, card.outline]),
    );
    const costs = await world.ledger.listCosts('unit-series');
    expect(costs.map((cost) => [cost.stage, cost.status])).toEqual([
      ['development', 'SETTLED'],
      ['development', 'SETTLED'],
    ]);
  });

  it('tells a later episode the story so far: the summary an earlier developed one left, the outlines of one written by hand', async () => {
    // Prepare
    const developer = watchedDeveloper();
    const world = await series([handWritten, synopsis('ep02', 2), synopsis('ep03', 2)], developer.port);

    // Act
    await developEpisode({ productionId: 'unit-series', episodeId: 'ep02' }, world.deps);
    await developEpisode({ productionId: 'unit-series', episodeId: 'ep03' }, world.deps);

    // Assess
    const ep02 = world.json<DevelopmentRecord>(recordKey('ep02'));
    const third = developer.requests.find((request) => request.episode.id === 'ep03')!;
    expect(third.storySoFar).toEqual([
      { episodeId: 'ep01', title: 'One', summary: 'Ana waits for the ferry. Ben arrives late.' },
      { episodeId: 'ep02', title: 'Episode ep02', summary: ep02.summary },
    ]);
  });

  it('refuses an invalid part as ProviderOutputInvalid, leaving the failure in the record and the manifest as it was', async () => {
    // Prepare
    const developer = watchedDeveloper({ invalid: 0 });
    const world = await series([synopsis('ep01', 3)], developer.port);
    const before = world.objects.get(manifestKey)!;

    // Act
    const attempt = developEpisode({ productionId: 'unit-series', episodeId: 'ep01' }, world.deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'ProviderOutputInvalid',
      message: expect.stringContaining('developed ep01 part 1 invalidly'),
    });
    const record = world.json<DevelopmentFailureRecord>(recordKey('ep01'));
    expect(record.episodeId).toBe('ep01');
    expect(record.failure.error).toBe('ProviderOutputInvalid');
    expect(world.objects.get(manifestKey)!.equals(before)).toBe(true);
  });

  it('fails with AssetMissing when an earlier episode to develop has no cards yet, recording why', async () => {
    // Prepare
    const developer = watchedDeveloper();
    const world = await series([synopsis('ep01', 2), synopsis('ep02', 2)], developer.port);

    // Act
    const attempt = developEpisode({ productionId: 'unit-series', episodeId: 'ep02' }, world.deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'AssetMissing',
      message: expect.stringContaining('episode ep01'),
    });
    expect(developer.requests).toEqual([]);
    expect(world.json<DevelopmentFailureRecord>(recordKey('ep02')).failure.error).toBe('AssetMissing');
  });
});
