import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { ProductionStore } from '../../../../../lambdas/adapters/aws/production-store.js';
import type { AssemblyProgress } from '../../../../../lambdas/core/domain/production-model.js';
import { assemblyProgress } from '../../../../../lambdas/stages/assemble-episode/assembly-progress.js';
import { assemblingNow, formatProgress } from '../../../../../local/client/progress.js';
import { startLocalTable } from '../../../../support/local-table.js';
import { mockedStageDeps } from '../../../../support/mocked-stage-deps.js';

async function openedProduction() {
  const table = await startLocalTable();
  onTestFinished(() => table.stop());
  const productions = new ProductionStore(table.dynamo, table.tableName);
  await productions.openProduction({
    productionId: 'unit-series',
    title: 'Unit',
    language: 'en-US',
    budgetUsd: 1,
    manifestKey: 'manifests/unit.yaml',
    executionName: 'unit',
  });
  return productions;
}

describe("an episode's assembly reports where it is", () => {
  it("keeps each episode's step and encode percentage apart on the production's row, and the progress line shows them", async () => {
    // Prepare: two episodes assembling at once, one of them encoding
    const productions = await openedProduction();
    const written: [string, Omit<AssemblyProgress, 'at'>][] = [];
    const recording = Object.assign(Object.create(productions) as ProductionStore, {
      recordAssemblyProgress: (productionId: string, episodeId: string, progress: Omit<AssemblyProgress, 'at'>) => {
        written.push([episodeId, progress]);
        return productions.recordAssemblyProgress(productionId, episodeId, progress);
      },
    });
    const deps = { ...mockedStageDeps().deps, productions: recording };
    const first = assemblyProgress(deps, 'unit-series', 'ep01');
    const second = assemblyProgress(deps, 'unit-series', 'ep02');

    // Act
    await Promise.all([first.step('reading the scenes'), second.step('reading the scenes')]);
    await first.step('mixing the sound');
    for (const fraction of [0.03, 0.07, 0.2, 0.42, 0.43]) await first.encoded(fraction);
    const whileEncoding = assemblingNow((await productions.getProduction('unit-series')).assembly);
    await first.step('done');
    const afterwards = assemblingNow((await productions.getProduction('unit-series')).assembly);

    // Assess: a write per step, and per five percent of the encode
    expect(written.filter(([episode]) => episode === 'ep01').map(([, progress]) => progress)).toEqual([
      { step: 'reading the scenes' },
      { step: 'mixing the sound' },
      { step: 'encoding', percent: 3 },
      { step: 'encoding', percent: 20 },
      { step: 'encoding', percent: 42 },
      { step: 'done' },
    ]);
    expect(whileEncoding).toEqual(['ep01: encoding 42%', 'ep02: reading the scenes']);
    expect(afterwards).toEqual(['ep02: reading the scenes']);
    const line = formatProgress({
      elapsedSeconds: 75,
      activeStates: new Map([['Assemble episode', 2]]),
      scenesDone: 6,
      scenesTotal: 6,
      spentUsd: 0,
      unconfirmedUsd: 0,
      budgetUsd: 5,
      assembling: whileEncoding,
    });
    expect(line).toBe(
      '[01:15] scenes 6/6 done | spent $0.0000 of $5.00 | Assemble episode x2 | assembling ep01: encoding 42%, ep02: reading the scenes',
    );
  });

  it('never fails the assembly: a write the table refuses is logged, and a production with no row is refused at once', async () => {
    // Prepare
    const productions = await openedProduction();
    const mocks = mockedStageDeps();
    const warn = vi.spyOn(mocks.deps.logger, 'warn');
    const refusing = Object.assign(Object.create(productions) as ProductionStore, {
      recordAssemblyProgress: () => Promise.reject(new Error('throttled')),
    });
    const progress = assemblyProgress({ ...mocks.deps, productions: refusing }, 'unit-series', 'ep01');

    // Act
    const step = progress.step('mixing the sound');
    const missing = productions.recordAssemblyProgress('no-such-series', 'ep01', { step: 'done' });

    // Assess
    await expect(step).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith('assembly progress not recorded', expect.objectContaining({ episodeId: 'ep01' }));
    await expect(missing).rejects.toThrow('production no-such-series has no record');
  });
});
