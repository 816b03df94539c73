import { describe, expect, it } from 'vitest';
import { episodeExecutionName } from '../../../../../lambdas/core/workflow/execution-name.js';
import { planProduction } from '../../../../../lambdas/stages/plan-production/plan-production.js';
import { unitManifest } from '../../../../support/mocked-stage-deps.js';
import { stageWorld } from '../../../../support/stage-world.js';

const cast = [
  { id: 'ana', name: 'Ana', description: 'red hair' },
  { id: 'ben', name: 'Ben', description: 'bald' },
];
const episodes = [
  {
    id: 'ep01',
    title: 'One',
    scenes: [
      { id: 's01', location: 'Harbour', characters: ['ana'], outline: 'Ana waits.' },
      { id: 's02', location: 'Harbour', characters: ['ana', 'ben'], outline: 'Ben arrives.' },
    ],
  },
  { id: 'ep02', title: 'Two', scenes: [{ id: 's01', location: 'Market', characters: ['ben'], outline: 'Ben sells.' }] },
];

describe('Plan production', () => {
  it("opens a PENDING row for every scene, at its place in its episode, and keeps a worked scene's history", async () => {
    // Prepare
    const world = await stageWorld(unitManifest({ characters: cast, episodes }));
    await world.productions.ensureScene({ productionId: 'unit-series', episodeId: 'ep01', sceneId: 's02', index: 1 });
    await world.productions.updateScene(
      { productionId: 'unit-series', episodeId: 'ep01', sceneId: 's02' },
      { status: 'FAILED', assets: { keyframe: 'productions/unit-series/scenes/ep01/s02/keyframe.png' } },
    );

    // Act
    await planProduction({ productionId: 'unit-series', executionName: 'run-1' }, world.deps);

    // Assess
    const rows = await world.productions.listScenes('unit-series');
    expect(rows.map((row) => [row.episodeId, row.sceneId, row.index, row.status]).sort()).toEqual([
      ['ep01', 's01', 0, 'PENDING'],
      ['ep01', 's02', 1, 'PENDING'],
      ['ep02', 's01', 0, 'PENDING'],
    ]);
    const worked = rows.find((row) => row.episodeId === 'ep01' && row.sceneId === 's02')!;
    expect(worked.assets).toEqual({ keyframe: 'productions/unit-series/scenes/ep01/s02/keyframe.png' });
  });

  it('answers the characters, the settings and each episode with its own child execution names', async () => {
    // Prepare
    const world = await stageWorld(unitManifest({ characters: cast, episodes }));

    // Act
    const plan = await planProduction({ productionId: 'unit-series', executionName: 'run-1' }, world.deps);

    // Assess
    expect(plan.productionId).toBe('unit-series');
    expect(plan.characterIds).toEqual(['ana', 'ben']);
    expect([plan.sceneMaxConcurrency, plan.episodeMaxConcurrency]).toEqual([
      world.deps.settings.sceneMaxConcurrency,
      world.deps.settings.episodeMaxConcurrency,
    ]);
    expect(plan.episodes).toEqual([
      {
        episodeId: 'ep01',
        executionName: episodeExecutionName('run-1', 'ep01'),
        finalExecutionName: episodeExecutionName('run-1-final', 'ep01'),
      },
      {
        episodeId: 'ep02',
        executionName: episodeExecutionName('run-1', 'ep02'),
        finalExecutionName: episodeExecutionName('run-1-final', 'ep02'),
      },
    ]);
    expect(new Set(plan.episodes.flatMap((e) => [e.executionName, e.finalExecutionName])).size).toBe(4);
    // Scene ids stay out of the production's state: each episode's execution reads its own.
    expect(JSON.stringify(plan)).not.toContain('s02');
  });

  it('makes the episodes as an animatic first only when the review stands before video', async () => {
    // Prepare
    const plans = [];
    for (const review of [undefined, { before: 'video' as const }, { before: 'delivery' as const }]) {
      const world = await stageWorld(unitManifest({ characters: cast, episodes, ...(review && { review }) }));

      // Act
      plans.push(await planProduction({ productionId: 'unit-series', executionName: 'run-1' }, world.deps));
    }

    // Assess
    expect(plans.map((plan) => [plan.review, plan.firstCut])).toEqual([
      ['none', 'final'],
      ['video', 'animatic'],
      ['delivery', 'final'],
    ]);
  });

  it('fails with AssetMissing when the production has no stored manifest, and opens no row', async () => {
    // Prepare
    const world = await stageWorld(unitManifest({ characters: cast, episodes }));

    // Act
    const attempt = planProduction({ productionId: 'other-series', executionName: 'run-1' }, world.deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'AssetMissing' });
    expect(await world.productions.listScenes('other-series')).toEqual([]);
  });
});
