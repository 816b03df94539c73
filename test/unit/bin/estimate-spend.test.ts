import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BudgetLedger } from '../../../lambdas/adapters/aws/budget-ledger.js';
import { ProductionStore } from '../../../lambdas/adapters/aws/production-store.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startTableEngine } from '../../../local/engines/embedded-engines.js';
import { ensureTable } from '../../../local/engines/resources.js';
import { LOCAL_RESOURCE_NAMES } from '../../../local/runtime/settings.js';
import { cliArguments } from '../../support/cli.js';

const run = promisify(execFile);
const manifest = fileURLToPath(new URL('../../e2e/fixtures/two-scenes.yaml', import.meta.url));

/** A data directory of the test's own whose table holds `two-scene-check` with one settled and one unconfirmed call. */
async function dataWithSpend(): Promise<string> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-estimate-'));
  onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
  const table = await startTableEngine(dataDir);
  const client = new DynamoDBClient({ endpoint: table.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    await ensureTable(client, LOCAL_RESOURCE_NAMES.table);
    const dynamo = DynamoDBDocumentClient.from(client);
    const ledger = new BudgetLedger(dynamo, LOCAL_RESOURCE_NAMES.table);
    const productionId = 'two-scene-check';
    await new ProductionStore(dynamo, LOCAL_RESOURCE_NAMES.table).openProduction({
      productionId,
      title: 't',
      language: 'vi-VN',
      budgetUsd: 2,
      manifestKey: 'manifests/m.yaml',
      executionName: 'e',
    });
    const settled = await ledger.reserve({
      productionId,
      idempotencyKey: 'script#a',
      estimateUsd: 0.5,
      stage: 'script',
    });
    await ledger.settle(settled.reservation, {
      usd: 0.3,
      provider: 'openai-compatible',
      model: 'deepseek-chat',
      units: {},
    });
    const lost = await ledger.reserve({ productionId, idempotencyKey: 'image#b', estimateUsd: 0.5, stage: 'image' });
    await ledger.markUnconfirmed(lost.reservation);
  } finally {
    client.destroy();
    await table.stop();
  }
  return dataDir;
}

describe('dramaforge estimate over a data directory', () => {
  it('prints what the production already spent there, confirmed and unconfirmed apart', async () => {
    // Prepare
    const dataDir = await dataWithSpend();

    // Act
    const { stdout } = await run(process.execPath, cliArguments('estimate', manifest, '--data', dataDir));

    // Assess
    expect(stdout).toContain('spent so far: $0.3000 confirmed, $0.5000 unconfirmed');
    expect(stdout).toContain('$0.2000 of the budget left');
  });

  it('exits 1 with one line saying so when the expected cost is over the budget, and 0 when it fits', async () => {
    // Prepare: the fixture's $1 budget holds the offline profile ($0) and not its two clips at openai-compatible's prices
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-estimate-'));
    onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
    const estimate = (profile: string) =>
      run(process.execPath, cliArguments('estimate', manifest, '--profile', profile, '--data', dataDir)).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );

    // Act
    const [over, fits] = await Promise.all([estimate('openai-compatible'), estimate('offline')]);

    // Assess
    expect(over.code).toBe(1);
    expect(over.stdout).toContain('the expected cost is over the budget');
    expect(over.stderr).toMatch(
      /^estimate: the expected cost \$\d+\.\d{4} is over the budget \$1\.00; raise budgetUsd to at least \$\d+\.00 or the production stops at the budget\n$/,
    );
    expect(fits.code, fits.stderr).toBe(0);
    expect(fits.stdout).toContain('the expected cost fits the budget');
  });
});
