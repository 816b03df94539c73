import { rm } from 'node:fs/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { CostRow } from '../../lambdas/core/domain/ledger.js';
import { produce } from '../../local/commands/produce.js';
import { LocalRuntime } from '../../local/runtime/index.js';
import {
  readCallLog,
  readInjectedFaults,
  stores,
  TEST_PRICES,
  TWO_SCENES,
  workspace,
} from './support/pipeline-harness.js';

type Workspace = Awaited<ReturnType<typeof workspace>>;

const PRODUCTION_ID = 'two-scene-check';

const environment = (ws: Workspace) => ({
  DRAMAFORGE_FAULTS: 'throttle=0.1,error=0.05,timeout=0.03,malformed=0.02,seed=11',
  DRAMAFORGE_PRICE_OVERRIDES: JSON.stringify(TEST_PRICES),
  DRAMAFORGE_PROVIDER_CALL_LOG: ws.callLog,
});

/** Each test's own data, calls and outputs, so no test reads what another left behind. */
async function ownWorkspace(): Promise<Workspace> {
  const ws = await workspace('faults');
  onTestFinished(() => rm(ws.dir, { recursive: true, force: true }));
  return ws;
}

function produceUnderFaults(ws: Workspace, manifestPath: string) {
  return produce({
    manifestPath,
    outDir: ws.outDir,
    dataDir: ws.dataDir,
    environment: environment(ws),
    retryDelayMs: 5,
  });
}

/** The production's ledger rows and record as the stores hold them after a run. */
async function storedProduction(ws: Workspace) {
  const runtime = await LocalRuntime.start({ dataDir: ws.dataDir, environment: environment(ws) });
  try {
    const { ledger, productions } = stores(runtime);
    return { rows: await ledger.listCosts(PRODUCTION_ID), production: await productions.getProduction(PRODUCTION_ID) };
  } finally {
    await runtime.stop();
  }
}

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
    // Prepare
    const ws = await ownWorkspace();

    // Act
    const result = await produceUnderFaults(ws, TWO_SCENES);

    // Assess
    expect(result.reason).toBeUndefined();
    expect(result.report!.episodes[0]!.scenes.map((s) => s.status)).toEqual(['COMPLETE', 'COMPLETE']);
    const calls = await readCallLog(ws.callLog);
    const distinctCalls = new Set(calls.map((c) => c.idempotencyKey));
    expect(
      (await readInjectedFaults(ws.callLog)).length,
      'some calls were retried after an injected fault',
    ).toBeGreaterThan(0);
    const { rows, production } = await storedProduction(ws);
    expect(rows.map((r) => r.idempotencyKey).sort()).toEqual([...distinctCalls].sort());
    expect(rows.filter((r) => r.status !== 'SETTLED')).toEqual([]);
    const expected = rows.reduce((sum, row) => sum + priceOf(row), 0);
    expect(expected).toBeGreaterThan(0);
    for (const row of rows) expect(row.usd).toBeCloseTo(priceOf(row), 8);
    expect(production.spentUsd).toBeCloseTo(expected, 6);
    expect(production.reservedUsd).toBeCloseTo(0, 8);
    expect(result.report!.cost.totalUsd).toBeCloseTo(expected, 6);
  });

  it('a new execution of the same content reuses every result: no provider call, no spend', async () => {
    // Prepare: the same content already produced once, under the same faults
    const ws = await ownWorkspace();
    const first = await produceUnderFaults(ws, TWO_SCENES);
    expect(first.ok, first.reason).toBe(true);
    const callsBefore = (await readCallLog(ws.callLog)).length;
    const spentBefore = (await storedProduction(ws)).production.spentUsd;
    const renamed = await ws.manifest(TWO_SCENES, 'same-content-new-name.yaml');

    // Act
    const result = await produceUnderFaults(ws, renamed);

    // Assess
    expect(result.reused).toBe(false);
    expect(result.ok, result.reason).toBe(true);
    expect(result.report!.status).toBe('COMPLETE');
    expect((await readCallLog(ws.callLog)).length).toBe(callsBefore);
    const spent = (await storedProduction(ws)).production.spentUsd;
    expect(spent - spentBefore).toBe(0);
    expect(result.report!.cost.totalUsd).toBeCloseTo(spent, 8);
  });
});
