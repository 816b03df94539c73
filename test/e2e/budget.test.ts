import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { produce } from '../../local/commands/produce.js';
import { LocalRuntime } from '../../local/runtime/index.js';
import { stores, TEST_PRICES, workspace } from './support/pipeline-harness.js';

type Workspace = Awaited<ReturnType<typeof workspace>>;

const FOUR_SCENES = fileURLToPath(new URL('./fixtures/four-scenes.yaml', import.meta.url));
const BUDGET = 0.6;
const environment = () => ({ DRAMAFORGE_PRICE_OVERRIDES: JSON.stringify(TEST_PRICES) });

/** The test's own data and outputs, so no test reads what another left behind. */
async function ownWorkspace(): Promise<Workspace> {
  const ws = await workspace('budget');
  onTestFinished(() => rm(ws.dir, { recursive: true, force: true }));
  return ws;
}

/** The execution, production and scenes as the stores hold them after a run. */
async function storedRun(ws: Workspace, executionName: string) {
  const runtime = await LocalRuntime.start({ dataDir: ws.dataDir, environment: environment() });
  try {
    const { productions } = stores(runtime);
    return {
      execution: await runtime.describeExecution(executionName),
      production: await productions.getProduction('four-scene-check'),
      scenes: await productions.listScenes('four-scene-check'),
    };
  } finally {
    await runtime.stop();
  }
}

describe('a production that runs out of budget', () => {
  it('stops cleanly at BUDGET_EXCEEDED, never spends past the budget, and says what was left undone', async () => {
    // Prepare
    const ws = await ownWorkspace();
    const manifestPath = await ws.manifest(FOUR_SCENES, 'tight-budget.yaml', (text) =>
      text.replace('budgetUsd: 2', `budgetUsd: ${BUDGET}`),
    );

    // Act
    const result = await produce({
      manifestPath,
      outDir: ws.outDir,
      dataDir: ws.dataDir,
      environment: environment(),
      retryDelayMs: 5,
    });

    // Assess
    expect(result.ok).toBe(false);
    expect(result.report!.status).toBe('BUDGET_EXCEEDED');
    expect(result.reason).toMatch(
      /^stopped at the budget: \$[\d.]+ spent(, \$[\d.]+ held by calls in flight,)? of \$0\.60 before the [a-z -]+ \(ep\d+\/s\d+'s call needs up to \$[\d.]+\); not delivered: /,
    );
    expect(result.report!.cause).toMatchObject({ kind: 'budget', budgetUsd: BUDGET });
    const statuses = result.report!.episodes.flatMap((e) => e.scenes.map((s) => s.status));
    expect(statuses).toContain('BUDGET_EXCEEDED');
    expect(result.report!.cost.totalUsd).toBeGreaterThan(0);
    expect(result.report!.cost.totalUsd).toBeLessThanOrEqual(BUDGET);
    const { execution, production, scenes } = await storedRun(ws, result.executionName);
    expect(execution?.status, 'the Choice state ends the execution in "Stopped at the budget", not a crash').toBe(
      'SUCCEEDED',
    );
    expect(production.status).toBe('BUDGET_EXCEEDED');
    expect(production.spentUsd).toBeLessThanOrEqual(BUDGET);
    expect(production.reservedUsd).toBeCloseTo(0, 8);
    const stopped = scenes.filter((s) => s.status === 'BUDGET_EXCEEDED');
    expect(stopped.filter((s) => !(s.failure?.error === 'BudgetExceeded' && s.failedStage !== undefined))).toEqual([]);
  });
});
