import { execFile } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ProductionReport } from '../../lambdas/stages/finalize-production/production-report.js';
import { produce } from '../../local/commands/produce.js';
import { LocalRuntime } from '../../local/runtime/index.js';
import { cliArguments } from '../support/cli.js';
import { FakeOpenAiServer } from '../support/fake-openai-server.js';
import { stores, TEST_PRICES, TWO_SCENES, workspace } from './support/pipeline-harness.js';

const run = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const OPENAI_MANIFEST = fileURLToPath(new URL('./fixtures/two-scenes-openai.yaml', import.meta.url));

async function ownWorkspace() {
  const ws = await workspace('causes');
  onTestFinished(() => rm(ws.dir, { recursive: true, force: true }));
  return ws;
}

/** Every file under `dir`, read as text: where a secret must not be. */
async function everyFileText(dir: string): Promise<string> {
  const files = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const texts = await Promise.all(
    files.filter((file) => file.isFile()).map((file) => readFile(path.join(file.parentPath, file.name), 'latin1')),
  );
  return texts.join('\n');
}

describe('a failed production says why in one line, and report.json says it as data', () => {
  it('a wrong API key: the reference sheet stage names the provider, its 401 and code, and the variable to check, and never the key', async () => {
    // Prepare: a gateway that takes only `test-key`
    const server = await new FakeOpenAiServer().start();
    onTestFinished(() => server.stop());
    const ws = await ownWorkspace();
    const wrongKey = 'sk-wrong-0123456789abcdef';

    // Act
    const result = await run(
      process.execPath,
      cliArguments(
        'produce',
        OPENAI_MANIFEST,
        '--profile',
        'openai-compatible',
        '--out',
        ws.outDir,
        '--data',
        ws.dataDir,
      ),
      {
        cwd: repositoryRoot,
        env: { ...process.env, DRAMAFORGE_OPENAI_BASE_URL: server.baseUrl, DRAMAFORGE_OPENAI_API_KEY: wrongKey },
      },
    ).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

    // Assess
    expect(result.code).toBe(1);
    const lastLine = result.stderr.trimEnd().split('\n').at(-1)!;
    expect(lastLine).toMatch(
      /^produce failed: ReferenceSheetFailed: character (ana|ben) reference-sheet: openai-compatible answered 401 invalid_api_key: Incorrect API key provided: \[redacted\]\. .* \(check OPENAI_API_KEY .*\)$/,
    );
    const report = JSON.parse(
      await readFile(path.join(ws.outDir, 'two-scene-openai', 'report.json'), 'utf8'),
    ) as ProductionReport;
    expect(report.status).toBe('FAILED');
    expect(report.failure?.error).toBe('ReferenceSheetFailed');
    expect(report.cause).toMatchObject({
      kind: 'provider',
      provider: 'openai-compatible',
      status: 401,
      code: 'invalid_api_key',
      stage: 'reference-sheet',
    });
    const secret = wrongKey.slice(3, -4);
    expect(`${result.stdout}${result.stderr}`).not.toContain(secret);
    expect(await everyFileText(ws.outDir)).not.toContain(secret);
    expect(await everyFileText(path.join(ws.dataDir, 'executions'))).not.toContain(secret);
  });

  it("a budget too small for the characters: stopped at the budget before the reference sheets, and the report's spend is the ledger's", async () => {
    // Prepare: each drawing reserves $0.04 and the budget holds one, so a second sheet is refused while the first may still be drawing
    const ws = await ownWorkspace();
    const manifestPath = await ws.manifest(TWO_SCENES, 'small-budget.yaml', (text) =>
      text.replace(/^budgetUsd: .*$/m, 'budgetUsd: 0.06'),
    );
    const environment = { DRAMAFORGE_PRICE_OVERRIDES: JSON.stringify(TEST_PRICES) };

    // Act
    const result = await produce({
      manifestPath,
      outDir: ws.outDir,
      dataDir: ws.dataDir,
      environment,
      retryDelayMs: 5,
    });

    // Assess
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(
      /^stopped at the budget: \$0\.0[04] spent(, \$0\.04 held by calls in flight,)? of \$0\.06 before the reference sheets \(character (ana|ben)'s call needs up to \$0\.0400\); not delivered: ep01\/s01, ep01\/s02$/,
    );
    const report = result.report!;
    expect(report.status).toBe('BUDGET_EXCEEDED');
    expect(report.cause).toMatchObject({ kind: 'budget', budgetUsd: 0.06, neededUsd: 0.04, stage: 'reference-sheet' });
    const runtime = await LocalRuntime.start({ dataDir: ws.dataDir, environment });
    const costs = await stores(runtime)
      .ledger.listCosts(report.production)
      .finally(() => runtime.stop());
    const total = (status: string) =>
      costs
        .filter((row) => row.status === status)
        .reduce((sum, row) => sum + (status === 'SETTLED' ? row.usd : row.estimateUsd), 0);
    expect(report.cost.confirmedUsd).toBeCloseTo(total('SETTLED'), 8);
    expect(report.cost.unconfirmedUsd).toBeCloseTo(total('UNCONFIRMED'), 8);
    expect(report.cost.confirmedUsd).toBeCloseTo(0.04, 8);
    expect(costs.filter((row) => row.status === 'RESERVED')).toEqual([]);
  });

  it('a broken YAML file: rejected with one line that names the line and column and quotes the line', async () => {
    // Prepare: the title's closing quote taken away
    const ws = await ownWorkspace();
    const manifestPath = await ws.manifest(TWO_SCENES, 'broken.yaml', (text) =>
      text.replace(/^title: "(.*)"$/m, 'title: "$1'),
    );
    const lines = (await readFile(manifestPath, 'utf8')).split('\n');
    const titleLine = lines.findIndex((line) => line.startsWith('title: '));

    // Act
    const result = await produce({ manifestPath, outDir: ws.outDir, dataDir: ws.dataDir });

    // Assess
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      { path: `(line ${titleLine + 1}, column 8)`, reason: `Missing closing "quote, in: ${lines[titleLine]}` },
    ]);
  });
});
