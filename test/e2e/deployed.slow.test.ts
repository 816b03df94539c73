import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it, onTestFinished } from 'vitest';
import { executionNameFor } from '../../lambdas/core/workflow/execution-name.js';
import type { ProductionReport } from '../../lambdas/stages/finalize-production/production-report.js';
import { produce } from '../../local/commands/produce.js';
import { reviewLocally } from '../../local/commands/review.js';
import { stackNameOf } from '../../local/runtime/index.js';
import { startStudio } from '../../local/studio/studio.js';
import { devAssemblyForThisFile } from '../support/dev-assembly.js';
import { FakeOpenAiServer } from '../support/fake-openai-server.js';
import { waitFor } from '../support/wait-for.js';
import { TWO_SCENES, workspace } from './support/pipeline-harness.js';

const TWO_SCENES_OPENAI = path.join(path.dirname(TWO_SCENES), 'two-scenes-openai.yaml');

const devAssembly = devAssemblyForThisFile();

const deliverables = async (dir: string) => (await readdir(dir)).sort();

describe('produce --deployed: every function from the assembly, each in its sandbox', () => {
  it('delivers a lip-synced manifest with a review gate as the sources do: waits for approval, then the same files, the same subtitles, every scene complete', async () => {
    // Prepare
    const ws = await workspace('deployed');
    const manifestPath = await ws.manifest(TWO_SCENES, 'lip-sync.yaml', (text) =>
      text.replace('budgetUsd: 1\n', 'budgetUsd: 1\nlipSync: { mode: fast }\nreview: { before: delivery }\n'),
    );
    const functionLogs: string[] = [];
    const deployedFunctions = {
      cdkOut: devAssembly.cdkOut(),
      stackName: stackNameOf('dev'),
      onFunctionLog: (functionName: string) => functionLogs.push(functionName),
    };
    const source = { outDir: path.join(ws.dir, 'source-out'), dataDir: path.join(ws.dir, 'source-data') };
    const inSandboxes = {
      outDir: path.join(ws.dir, 'deployed-out'),
      dataDir: path.join(ws.dir, 'deployed-data'),
      deployed: deployedFunctions,
    };

    // Act
    const sourceAtGate = await produce({ manifestPath, ...source });
    const fromSources = await reviewLocally({ productionId: 'two-scene-check', decision: 'APPROVED', ...source });
    const deployedAtGate = await produce({ manifestPath, ...inSandboxes });
    const deployed = await reviewLocally({ productionId: 'two-scene-check', decision: 'APPROVED', ...inSandboxes });

    // Assess
    expect([sourceAtGate.report?.status, deployedAtGate.report?.status]).toEqual([
      'AWAITING_APPROVAL',
      'AWAITING_APPROVAL',
    ]);
    expect([fromSources.ok, fromSources.reason]).toEqual([true, undefined]);
    expect([deployed.ok, deployed.reason]).toEqual([true, undefined]);
    const sourceDir = fromSources.outputDir!;
    const deployedDir = deployed.outputDir!;
    expect(await deliverables(deployedDir)).toEqual(await deliverables(sourceDir));
    expect(await readFile(path.join(deployedDir, 'ep01.srt'), 'utf8')).toBe(
      await readFile(path.join(sourceDir, 'ep01.srt'), 'utf8'),
    );
    const report = JSON.parse(await readFile(path.join(deployedDir, 'report.json'), 'utf8')) as ProductionReport;
    expect(report.status).toBe('COMPLETE');
    expect(report.episodes.flatMap((episode) => episode.scenes.map((scene) => scene.status))).toEqual([
      'COMPLETE',
      'COMPLETE',
    ]);
    // The functions that wrote their logs ran in the sandboxes, under the names CloudFormation would give them.
    expect(functionLogs.length).toBeGreaterThan(0);
    expect(functionLogs.filter((name) => !name.startsWith(`${stackNameOf('dev')}-`))).toEqual([]);
    // Each function that ran cold-started once at least, and a warm sandbox served the rest.
    const runs = Object.values(report.functions ?? {}).filter((run) => run.invocations > 0);
    expect(runs.length).toBeGreaterThan(5);
    expect(runs.filter((run) => !(run.coldStarts >= 1 && run.coldStarts <= run.invocations))).toEqual([]);
    expect(
      runs.filter((run) => run.coldStarts < run.invocations),
      `no function was warm for a second invocation: ${JSON.stringify(runs)}`,
    ).not.toEqual([]);
    const sourceReport = JSON.parse(await readFile(path.join(sourceDir, 'report.json'), 'utf8')) as ProductionReport;
    expect(sourceReport.functions).toBeUndefined();
    await rm(ws.dir, { recursive: true, force: true });
  });

  it("behind a studio: an upload reaches the trigger function in its sandbox, whose StartExecution goes through the studio's edge, and the production completes", async () => {
    // Prepare
    const ws = await workspace('deployed-studio');
    onTestFinished(() => rm(ws.dir, { recursive: true, force: true }));
    const studio = await startStudio({
      dataDir: ws.dataDir,
      port: 0,
      deployed: { cdkOut: devAssembly.cdkOut(), stackName: stackNameOf('dev') },
    });
    onTestFinished(() => studio.stop());
    const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'not-a-real-secret' };
    const s3 = new S3Client({ endpoint: studio.endpoint, region: 'us-east-1', credentials, forcePathStyle: true });
    const sfn = new SFNClient({ endpoint: studio.endpoint, region: 'us-east-1', credentials });

    // Act
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: studio.bucket,
        Key: 'manifests/two-scenes.yaml',
        Body: await readFile(TWO_SCENES),
      }),
    );
    const executionArn = `${studio.stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionNameFor('manifests/two-scenes.yaml', put.ETag!)}`;
    const ended = await waitFor(
      'the production to end',
      async () => {
        const described = await sfn.send(new DescribeExecutionCommand({ executionArn })).catch(() => undefined);
        return described && described.status !== 'RUNNING' && described;
      },
      { timeoutMs: 600_000, intervalMs: 500 },
    );
    const report = JSON.parse(
      await (
        await s3.send(new GetObjectCommand({ Bucket: studio.bucket, Key: 'productions/two-scene-check/report.json' }))
      ).Body!.transformToString(),
    ) as ProductionReport;

    // Assess
    expect([ended.status, ended.error]).toEqual(['SUCCEEDED', undefined]);
    expect(report.status).toBe('COMPLETE');
    const runs = studio.runtime.functionStatistics;
    const trigger = Object.entries(runs).find(([name]) => name.includes('StartProductionFunction'));
    expect(trigger?.[1].invocations).toBe(1);
  });

  it('runs the openai-compatible profile against a gateway, its key read from the local Secrets Manager where produce put it', async () => {
    // Prepare
    const ws = await workspace('deployed-openai');
    onTestFinished(() => rm(ws.dir, { recursive: true, force: true }));
    const server = await new FakeOpenAiServer().start();
    onTestFinished(() => server.stop());

    // Act
    const result = await produce({
      manifestPath: TWO_SCENES_OPENAI,
      profile: 'openai-compatible',
      outDir: ws.outDir,
      dataDir: ws.dataDir,
      deployed: {
        cdkOut: devAssembly.cdkOut(),
        stackName: stackNameOf('dev'),
        providerSecret: JSON.stringify({ apiKey: 'test-key', baseUrl: server.baseUrl }),
      },
    });

    // Assess
    expect([result.ok, result.reason]).toEqual([true, undefined]);
    expect(result.report?.status).toBe('COMPLETE');
    const posts = server.requests.filter((request) => request.method === 'POST');
    expect(posts.length).toBeGreaterThan(0);
    // The fake gateway answers 401 to any other key: every call carried the one from the secret.
    expect(posts.filter((request) => request.headers.authorization !== 'Bearer test-key')).toEqual([]);
  });
});
