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

async function ownGateway() {
  const server = await new FakeOpenAiServer().start();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-interrupt-'));
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
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  onTestFinished(() => void child.kill('SIGKILL'));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, stderr: () => stderr };
}

const billedUsd = ({ server }: Gateway) => server.billed.reduce((sum, answer) => sum + costUsd('openai-compatible', answer.model, answer.usage), 0);

describe('a produce run stopped with Ctrl-C', () => {
  it('lets the clips under way finish, ends with one line and code 130, and the same command resumes without buying any clip twice', async () => {
    // Prepare: a run whose last two clips render until the test lets them finish
    const gateway = await ownGateway();
    gateway.server.holdVideosAfter(2);
    const first = startProduce(gateway);
    await waitFor('two held video jobs to be polled', () => gateway.server.videoJobs.filter((job) => job.held && job.polls > 0).length === 2, { timeoutMs: 180_000 });

    // Act: Ctrl-C while both clips render, then let them finish; then the same command again
    first.child.kill('SIGINT');
    await waitFor('produce to say it is stopping', () => first.stderr().includes('stopping: the calls under way finish first'));
    const exitedWhileRendering = first.child.exitCode !== null || first.child.signalCode !== null;
    gateway.server.releaseVideos();
    const stopped = await first.exited;
    const videoJobsBeforeResume = gateway.server.requestsTo('POST /v1/videos').length;
    const second = startProduce(gateway);
    const resumed = await second.exited;

    // Assess
    expect(exitedWhileRendering, first.stderr()).toBe(false);
    expect(stopped, first.stderr()).toEqual({ code: 130, signal: null });
    expect(first.stderr().trimEnd().split('\n').at(-1)).toMatch(/^stopped: the same command resumes it, and buys nothing finished again; it had got to: .*scenes \d\/4 done/);
    expect(videoJobsBeforeResume).toBe(4);
    expect(resumed.code, second.stderr()).toBe(0);
    expect(gateway.server.requestsTo('POST /v1/videos')).toHaveLength(4);
    const report = JSON.parse(await readFile(path.join(gateway.outDir, PRODUCTION, 'report.json'), 'utf8')) as ProductionReport;
    expect(report.status).toBe('COMPLETE');
    expect(report.cost.totalUsd).toBeCloseTo(billedUsd(gateway), 6);
  });
});
