import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { costUsd } from '../../lambdas/core/pricing.js';
import type { ProductionReport } from '../../lambdas/stages/finalize-production/production-report.js';
import { cliArguments } from '../support/cli.js';
import { FakeOpenAiServer } from '../support/fake-openai-server.js';
import { waitFor } from '../support/wait-for.js';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const manifest = fileURLToPath(new URL('./fixtures/four-scenes-one-episode.yaml', import.meta.url));
const PRODUCTION = 'four-scene-jobs';

/** A gateway of the run's own that ignores Idempotency-Key, and the run's own data and outputs. */
async function ownGateway() {
  const server = await new FakeOpenAiServer().start();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-jobs-'));
  onTestFinished(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });
  return { server, dataDir: path.join(dir, 'data'), outDir: path.join(dir, 'out') };
}

type Gateway = Awaited<ReturnType<typeof ownGateway>>;

function startProduce({ server, dataDir, outDir }: Gateway) {
  const child = spawn(process.execPath, cliArguments('produce', manifest, '--profile', 'openai-compatible', '--out', outDir, '--data', dataDir), {
    cwd: repositoryRoot,
    env: { ...process.env, DRAMAFORGE_OPENAI_BASE_URL: server.baseUrl, DRAMAFORGE_OPENAI_API_KEY: 'test-key', DRAMAFORGE_VIDEO_POLL_SECONDS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  onTestFinished(() => void child.kill('SIGKILL'));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, output })),
  );
  return { child, exited };
}

async function report({ outDir }: Gateway): Promise<ProductionReport> {
  return JSON.parse(await readFile(path.join(outDir, PRODUCTION, 'report.json'), 'utf8')) as ProductionReport;
}

const videoJobsPosted = ({ server }: Gateway) => server.requestsTo('POST /v1/videos').length;
const billedUsd = ({ server }: Gateway) => server.billed.reduce((sum, answer) => sum + costUsd('openai-compatible', answer.model, answer.usage), 0);

describe('a provider job is bought once, across crashes and redeliveries', () => {
  it('a produce killed with SIGKILL while two clips render, then run again, posts as many video jobs as a clean run and its ledger equals the clean run and the bill', async () => {
    // Prepare: a clean run, and beside it a run killed once its last two jobs were accepted and polled (still rendering)
    const clean = await ownGateway();
    const killed = await ownGateway();
    killed.server.holdVideosAfter(2);
    const cleanRun = startProduce(clean).exited;
    const first = startProduce(killed);
    await waitFor('two held video jobs to be polled', () => killed.server.videoJobs.filter((job) => job.held && job.polls > 0).length === 2, { timeoutMs: 180_000 });
    first.child.kill('SIGKILL');
    const death = await first.exited;
    expect(death.signal, death.output).toBe('SIGKILL');
    expect(videoJobsPosted(killed), 'the kill came after all four jobs were accepted').toBe(4);
    killed.server.releaseVideos();

    // Act
    const [cleanExit, resumed] = await Promise.all([cleanRun, startProduce(killed).exited]);

    // Assess
    expect(cleanExit.code, cleanExit.output).toBe(0);
    expect(resumed.code, resumed.output).toBe(0);
    const [cleanReport, resumedReport] = [await report(clean), await report(killed)];
    expect(resumedReport.status).toBe('COMPLETE');
    expect(videoJobsPosted(clean)).toBe(4);
    expect(videoJobsPosted(killed)).toBe(videoJobsPosted(clean));
    expect(resumedReport.cost.totalUsd).toBeCloseTo(cleanReport.cost.totalUsd, 6);
    expect(resumedReport.cost.byModel).toEqual(cleanReport.cost.byModel);
    expect(resumedReport.cost.totalUsd).toBeCloseTo(billedUsd(killed), 6);
  });
});
