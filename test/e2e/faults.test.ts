import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CostRow } from '../../lambdas/adapters/aws/budget-ledger.js';
import { LocalRuntime } from '../../local/runtime.js';
import { produce } from '../../local/produce.js';
import { TEST_PRICES, TWO_SCENES, readCallLog, stores, workspace } from './support/pipeline-harness.js';

let ws: Awaited<ReturnType<typeof workspace>>;
let spentAfterFirstRun: number;
const environment = () => ({
  DRAMAFORGE_FAULTS: 'throttle=0.1,error=0.05,timeout=0.03,malformed=0.02,seed=11',
  DRAMAFORGE_PRICE_OVERRIDES: JSON.stringify(TEST_PRICES),
  DRAMAFORGE_PROVIDER_CALL_LOG: ws.callLog,
});

beforeAll(async () => {
  ws = await workspace('faults');
});

afterAll(async () => {
  await rm(ws.dir, { recursive: true, force: true });
});

function priceOf(row: CostRow): number {
  const price = TEST_PRICES[`offline/${row.model}` as keyof typeof TEST_PRICES] as Record<string, number> | undefined;
  const units = (row.units ?? {}) as Record<string, number>;
  return (
    (units.inputTokens ?? 0) * (price?.perInputToken ?? 0) +
    (units.outputTokens ?? 0) * (price?.perOutputToken ?? 0) +
    (units.images ?? 0) * (price?.perImage ?? 0) +
    (units.videoSeconds ?? 0) * (price?.perVideoSecond ?? 0) +
    (units.speechCharacters ?? 0) * (price?.perSpeechCharacter ?? 0)
  );
}

describe('under injected provider faults', () => {
  it('completes every scene, charging each call once and exactly what its usage costs', async () => {
    const result = await produce({ manifestPath: TWO_SCENES, outDir: ws.outDir, dataDir: ws.dataDir, environment: environment(), retryDelayMs: 5 });
    expect(result.reason).toBeUndefined();
    expect(result.report!.episodes[0]!.scenes.map((s) => s.status)).toEqual(['COMPLETE', 'COMPLETE']);

    const calls = await readCallLog(ws.callLog);
    const distinctCalls = new Set(calls.map((c) => c.idempotencyKey));
    expect(calls.length, 'some calls were retried after an injected fault').toBeGreaterThan(distinctCalls.size);

    const runtime = await LocalRuntime.start({ dataDir: ws.dataDir, environment: environment() });
    try {
      const { ledger, productions } = stores(runtime);
      const rows = await ledger.listCosts('two-scene-check');
      expect(rows.map((r) => r.idempotencyKey).sort()).toEqual([...distinctCalls].sort());
      expect(rows.every((r) => r.status === 'SETTLED')).toBe(true);
      const expected = rows.reduce((sum, row) => sum + priceOf(row), 0);
      expect(expected).toBeGreaterThan(0);
      for (const row of rows) expect(row.usd).toBeCloseTo(priceOf(row), 8);
      const meta = await productions.getProduction('two-scene-check');
      expect(meta.spentUsd).toBeCloseTo(expected, 6);
      spentAfterFirstRun = meta.spentUsd;
      expect(meta.reservedUsd).toBeCloseTo(0, 8);
      expect(result.report!.cost.totalUsd).toBeCloseTo(expected, 6);
    } finally {
      await runtime.stop();
    }
  });

  it('a new execution of the same content reuses every result: no provider call, no spend', async () => {
    const before = (await readCallLog(ws.callLog)).length;
    const renamed = await ws.manifest(TWO_SCENES, 'same-content-new-name.yaml');
    const result = await produce({ manifestPath: renamed, outDir: ws.outDir, dataDir: ws.dataDir, environment: environment(), retryDelayMs: 5 });
    expect(result.reused).toBe(false);
    expect(result.ok, result.reason).toBe(true);
    expect(result.report!.status).toBe('COMPLETE');
    expect((await readCallLog(ws.callLog)).length).toBe(before);

    const runtime = await LocalRuntime.start({ dataDir: ws.dataDir, environment: environment() });
    try {
      const spent = (await stores(runtime).productions.getProduction('two-scene-check')).spentUsd;
      expect(spent - spentAfterFirstRun).toBe(0);
      expect(result.report!.cost.totalUsd).toBeCloseTo(spent, 8);
    } finally {
      await runtime.stop();
    }
  });
});
