import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductionReport } from '../../lambdas/stages/finalize-production/production-report.js';
import { produce } from '../../local/commands/produce.js';
import { assertSandboxIsolationAvailable, ensureRuntimeInterfaceClient, stackNameOf, synthesizeEnvironment } from '../../local/runtime/index.js';
import { TWO_SCENES, workspace } from './support/pipeline-harness.js';

/** An assembly `npm run synth` already made (CI's), to skip the minutes of synthesizing one here. */
const GIVEN_ASSEMBLY = process.env.DRAMAFORGE_TEST_CDK_OUT;

let cdkOut: string;
let synthesizedHere: string | undefined;

beforeAll(async () => {
  assertSandboxIsolationAvailable();
  await ensureRuntimeInterfaceClient(24, (chunk) => process.stderr.write(chunk));
  if (GIVEN_ASSEMBLY) cdkOut = GIVEN_ASSEMBLY;
  else {
    synthesizedHere = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-deployed-cdk-out-'));
    cdkOut = await synthesizeEnvironment('dev', synthesizedHere);
  }
}, 900_000);

afterAll(async () => {
  if (synthesizedHere) await rm(synthesizedHere, { recursive: true, force: true });
});

const deliverables = async (dir: string) => (await readdir(dir)).sort();

describe('produce --deployed: every function from the assembly, each in its sandbox', () => {
  it('delivers a lip-synced manifest as the sources do: the same files, the same subtitles, every scene complete', async () => {
    // Prepare
    const ws = await workspace('deployed');
    const manifestPath = await ws.manifest(TWO_SCENES, 'lip-sync.yaml', (text) => text.replace('budgetUsd: 1\n', 'budgetUsd: 1\nlipSync: { mode: fast }\n'));
    const functionLogs: string[] = [];

    // Act
    const fromSources = await produce({ manifestPath, outDir: path.join(ws.dir, 'source-out'), dataDir: path.join(ws.dir, 'source-data') });
    const deployed = await produce({
      manifestPath,
      outDir: path.join(ws.dir, 'deployed-out'),
      dataDir: path.join(ws.dir, 'deployed-data'),
      deployed: { cdkOut, stackName: stackNameOf('dev'), onFunctionLog: (functionName) => functionLogs.push(functionName) },
    });

    // Assess
    expect([fromSources.ok, fromSources.reason]).toEqual([true, undefined]);
    expect([deployed.ok, deployed.reason]).toEqual([true, undefined]);
    const sourceDir = fromSources.outputDir!;
    const deployedDir = deployed.outputDir!;
    expect(await deliverables(deployedDir)).toEqual(await deliverables(sourceDir));
    expect(await readFile(path.join(deployedDir, 'ep01.srt'), 'utf8')).toBe(await readFile(path.join(sourceDir, 'ep01.srt'), 'utf8'));
    const report = JSON.parse(await readFile(path.join(deployedDir, 'report.json'), 'utf8')) as ProductionReport;
    expect(report.status).toBe('COMPLETE');
    expect(report.episodes.flatMap((episode) => episode.scenes.map((scene) => scene.status))).toEqual(['COMPLETE', 'COMPLETE']);
    // The functions that wrote their logs ran in the sandboxes, under the names CloudFormation would give them.
    expect(functionLogs.length).toBeGreaterThan(0);
    expect(functionLogs.every((name) => name.startsWith(`${stackNameOf('dev')}-`))).toBe(true);
    // Each function that ran cold-started once at least, and a warm sandbox served the rest.
    const runs = Object.values(report.functions ?? {}).filter((run) => run.invocations > 0);
    expect(runs.length).toBeGreaterThan(5);
    expect(runs.every((run) => run.coldStarts >= 1 && run.coldStarts <= run.invocations)).toBe(true);
    expect(runs.some((run) => run.coldStarts < run.invocations)).toBe(true);
    const sourceReport = JSON.parse(await readFile(path.join(sourceDir, 'report.json'), 'utf8')) as ProductionReport;
    expect(sourceReport.functions).toBeUndefined();
    await rm(ws.dir, { recursive: true, force: true });
  });
});
