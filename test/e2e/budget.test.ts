import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { produce } from '../../local/produce.js';
import { LocalRuntime } from '../../local/runtime.js';
import { TEST_PRICES, stores, workspace } from './support/pipeline-harness.js';

const FOUR_SCENES = fileURLToPath(new URL('./fixtures/four-scenes.yaml', import.meta.url));
const BUDGET = 0.6;
let ws: Awaited<ReturnType<typeof workspace>>;
const environment = () => ({ DRAMAFORGE_PRICE_OVERRIDES: JSON.stringify(TEST_PRICES) });

beforeAll(async () => {
  ws = await workspace('budget');
});

afterAll(async () => {
  await rm(ws.dir, { recursive: true, force: true });
});

describe('a production that runs out of budget', () => {
  it('stops cleanly at BUDGET_EXCEEDED, never spends past the budget, and says what was left undone', async () => {
    const manifestPath = await ws.manifest(FOUR_SCENES, 'tight-budget.yaml', (text) => text.replace('budgetUsd: 2', `budgetUsd: ${BUDGET}`));
    const result = await produce({ manifestPath, outDir: ws.outDir, dataDir: ws.dataDir, environment: environment(), retryDelayMs: 5 });

    expect(result.ok).toBe(false);
    expect(result.report!.status).toBe('BUDGET_EXCEEDED');
    expect(result.reason).toMatch(/^budget exceeded: spent \$[\d.]+ of \$0\.60; not delivered: /);
    const statuses = result.report!.episodes.flatMap((e) => e.scenes.map((s) => s.status));
    expect(statuses).toContain('BUDGET_EXCEEDED');
    expect(result.report!.cost.totalUsd).toBeGreaterThan(0);
    expect(result.report!.cost.totalUsd).toBeLessThanOrEqual(BUDGET);

    const runtime = await LocalRuntime.start({ dataDir: ws.dataDir, environment: environment() });
    try {
      const record = await runtime.executions.read(result.executionName);
      expect(record?.status, 'the Choice state ends the execution in "Stopped at the budget", not a crash').toBe('SUCCEEDED');
      const meta = await stores(runtime).productions.getProduction('four-scene-check');
      expect(meta.status).toBe('BUDGET_EXCEEDED');
      expect(meta.spentUsd).toBeLessThanOrEqual(BUDGET);
      expect(meta.reservedUsd).toBeCloseTo(0, 8);
      const stopped = (await stores(runtime).productions.listScenes('four-scene-check')).filter((s) => s.status === 'BUDGET_EXCEEDED');
      expect(stopped.every((s) => s.failure?.error === 'BudgetExceeded' && s.failedStage !== undefined)).toBe(true);
    } finally {
      await runtime.stop();
    }
  });
});
