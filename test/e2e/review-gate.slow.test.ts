import { execFile } from 'node:child_process';
import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ProductionMeta } from '../../lambdas/core/domain/production-model.js';
import { executionNameFor } from '../../lambdas/core/workflow/execution-name.js';
import type { ProductionReport } from '../../lambdas/stages/finalize-production/production-report.js';
import { type ExecutionRecord, LocalRuntime } from '../../local/runtime/index.js';
import { cliArguments } from '../support/cli.js';
import { FakeOpenAiServer } from '../support/fake-openai-server.js';
import { waitFor } from '../support/wait-for.js';
import { readCallLog, stores, TWO_SCENES, workspace } from './support/pipeline-harness.js';

const run = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const TWO_SCENES_OPENAI = fileURLToPath(new URL('./fixtures/two-scenes-openai.yaml', import.meta.url));
const PRODUCTION = 'two-scene-openai';

type Workspace = Awaited<ReturnType<typeof workspace>>;

async function ownWorkspace(): Promise<Workspace> {
  const ws = await workspace('review');
  onTestFinished(() => rm(ws.dir, { recursive: true, force: true }));
  return ws;
}

/** The CLI in a process of its own, as a producer runs it: a paused production must outlive it. */
async function dramaforge(ws: Workspace, server: FakeOpenAiServer | undefined, ...args: string[]) {
  const env = {
    ...process.env,
    DRAMAFORGE_PROVIDER_CALL_LOG: ws.callLog,
    DRAMAFORGE_VIDEO_POLL_SECONDS: '1',
    ...server?.profileEnvironment,
  };
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      cliArguments(...args, '--out', ws.outDir, '--data', ws.dataDir),
      { cwd: repositoryRoot, timeout: 240_000, env },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const reportOf = async (ws: Workspace, production: string) =>
  JSON.parse(await readFile(path.join(ws.outDir, production, 'report.json'), 'utf8')) as ProductionReport;

/** The manifest under the openai-compatible profile, reviewed before video. */
const reviewedBeforeVideo = (ws: Workspace) =>
  ws.manifest(TWO_SCENES_OPENAI, 'reviewed.yaml', (text) =>
    text.replace(
      'budgetUsd: 10\n',
      'budgetUsd: 10\nproviders: { profile: openai-compatible }\nreview: { before: video }\n',
    ),
  );

describe('the approval gate before paid video', () => {
  it('pauses with the animatic delivered and nothing spent on video, and on approval buys the video and nothing it bought before', async () => {
    // Prepare
    const ws = await ownWorkspace();
    const server = await FakeOpenAiServer.ownedByTest();
    const manifest = await reviewedBeforeVideo(ws);

    // Act
    const produced = await dramaforge(ws, server, 'produce', manifest);
    const awaiting = await reportOf(ws, PRODUCTION);
    const boughtBeforeApproval = await readCallLog(ws.callLog);
    const requestsBeforeApproval = server.requests.length;
    const approved = await dramaforge(ws, server, 'approve', PRODUCTION, '--notes', 'Ship it');
    const boughtAfterApproval = (await readCallLog(ws.callLog)).slice(boughtBeforeApproval.length);
    const report = await reportOf(ws, PRODUCTION);

    // Assess
    expect(produced.code, produced.stderr).toBe(0);
    expect(produced.stdout).toMatch(/^AWAITING_APPROVAL/);
    expect(awaiting.status).toBe('AWAITING_APPROVAL');
    expect(awaiting.review).toMatchObject({ before: 'video' });
    await expect(stat(path.join(ws.outDir, PRODUCTION, 'animatic', 'ep01.mp4'))).resolves.toBeTruthy();
    await expect(stat(path.join(ws.outDir, PRODUCTION, 'ep01.mp4'))).resolves.toBeTruthy();
    expect(boughtBeforeApproval.length).toBeGreaterThan(0);
    expect(boughtBeforeApproval.filter((call) => call.stage === 'video' && call.provider !== 'offline')).toEqual([]);
    expect(
      server.requests.slice(0, requestsBeforeApproval).filter((request) => request.path.startsWith('/v1/videos')),
    ).toEqual([]);
    expect(awaiting.cost.byStage.video ?? 0).toBe(0);

    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toMatch(/^COMPLETE/);
    expect(report.status).toBe('COMPLETE');
    expect(report.review).toMatchObject({ before: 'video', decision: 'APPROVED', notes: 'Ship it' });
    expect(boughtAfterApproval.map((call) => `${call.stage} ${call.provider}`)).toEqual([
      'video openai-compatible',
      'video openai-compatible',
    ]);
    expect(server.requestsTo('POST /v1/videos')).toHaveLength(2);
    expect(report.cost.byStage.video).toBeGreaterThan(0);
    const keys = [...boughtBeforeApproval, ...boughtAfterApproval].map((call) => call.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
  }, 600_000);

  it('ends REJECTED on a rejection, with the notes in the report and nothing spent on video', async () => {
    // Prepare
    const ws = await ownWorkspace();
    const server = await FakeOpenAiServer.ownedByTest();
    const manifest = await reviewedBeforeVideo(ws);
    const produced = await dramaforge(ws, server, 'produce', manifest);

    // Act
    const rejected = await dramaforge(ws, server, 'reject', PRODUCTION, '--notes', 'Ben reads too old; recast him');
    const report = await reportOf(ws, PRODUCTION);

    // Assess
    expect(produced.code, produced.stderr).toBe(0);
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(rejected.stdout).toMatch(/^REJECTED/);
    expect(report.status).toBe('REJECTED');
    expect(report.review).toMatchObject({ decision: 'REJECTED', notes: 'Ben reads too old; recast him' });
    expect(server.requests.filter((request) => request.path.startsWith('/v1/videos'))).toEqual([]);
    expect(
      (await readCallLog(ws.callLog)).filter((call) => call.stage === 'video' && call.provider !== 'offline'),
    ).toEqual([]);
    const again = await dramaforge(ws, server, 'approve', PRODUCTION);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('approve refused');
  }, 600_000);
});

describe('the approval gate before delivery', () => {
  it("waits with the finished cut, made with the manifest's own video, and delivers it once approved", async () => {
    // Prepare
    const ws = await ownWorkspace();
    const manifest = await ws.manifest(TWO_SCENES, 'reviewed-cut.yaml', (text) =>
      text.replace('budgetUsd: 1\n', 'budgetUsd: 1\nreview: { before: delivery }\n'),
    );

    // Act
    const produced = await dramaforge(ws, undefined, 'produce', manifest);
    const awaiting = await reportOf(ws, 'two-scene-check');
    const madeBeforeApproval = await readCallLog(ws.callLog);
    const approved = await dramaforge(ws, undefined, 'approve', 'two-scene-check');
    const madeAfterApproval = (await readCallLog(ws.callLog)).slice(madeBeforeApproval.length);

    // Assess
    expect(produced.code, produced.stderr).toBe(0);
    expect(awaiting.status).toBe('AWAITING_APPROVAL');
    expect(awaiting.review).toMatchObject({ before: 'delivery' });
    expect(madeBeforeApproval.filter((call) => call.stage === 'video')).toHaveLength(2);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toMatch(/^COMPLETE/);
    expect((await reportOf(ws, 'two-scene-check')).review).toMatchObject({ before: 'delivery', decision: 'APPROVED' });
    expect(madeAfterApproval).toEqual([]);
  }, 300_000);
});

describe('a review nobody decides', () => {
  it('times out as a clean stop: the waiting execution ends REVIEW_TIMED_OUT, and a late approval is refused', async () => {
    // Prepare
    const ws = await ownWorkspace();
    const manifestPath = await ws.manifest(TWO_SCENES, 'unreviewed.yaml', (text) =>
      text.replace('budgetUsd: 1\n', 'budgetUsd: 1\nreview: { before: video, waitHours: 0.0005 }\n'),
    );
    const runtime = await LocalRuntime.start({ dataDir: ws.dataDir, retryDelayMs: 5 });
    let paused: ExecutionRecord | undefined;
    let ended: ExecutionRecord | undefined;
    let production: ProductionMeta | undefined;
    try {
      const key = 'manifests/unreviewed.yaml';
      const put = await runtime.s3.send(
        new PutObjectCommand({ Bucket: runtime.names.bucket, Key: key, Body: await readFile(manifestPath) }),
      );
      const executionName = executionNameFor(key, put.ETag ?? '');

      // Act
      paused = await runtime.waitForExecution(executionName);
      ended = await waitFor(
        'the production to end once its review expired',
        async () => {
          const execution = await runtime.describeExecution(executionName);
          return execution && !['RUNNING', 'PAUSED'].includes(execution.status) && execution;
        },
        { timeoutMs: 60_000, intervalMs: 100 },
      );
      production = await stores(runtime).productions.getProduction('two-scene-check');
    } finally {
      await runtime.stop();
    }
    const late = await dramaforge(ws, undefined, 'approve', 'two-scene-check');

    // Assess
    expect(paused?.status).toBe('PAUSED');
    expect(paused?.awaiting?.stateName).toBe('Awaiting approval of the animatic');
    expect(ended?.status).toBe('SUCCEEDED');
    expect(production?.status).toBe('REVIEW_TIMED_OUT');
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/approve refused: .*REVIEW_TIMED_OUT|approve refused: .*timed out/);
  }, 300_000);
});
