import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describe, expect, it, onTestFinished } from 'vitest';
import { LocalRuntime, lambdaContext } from '../../local/runtime/index.js';
import { readCallLog, stores, TEST_PRICES, TWO_SCENES, workspace } from './support/pipeline-harness.js';

type Workspace = Awaited<ReturnType<typeof workspace>>;

const scene = { productionId: 'two-scene-check', episodeId: 'ep01', sceneId: 's02' };

/** The test's own data and call log, so no test reads what another left behind. */
async function ownWorkspace(): Promise<Workspace> {
  const ws = await workspace('redelivery');
  onTestFinished(() => rm(ws.dir, { recursive: true, force: true }));
  return ws;
}

/** A runtime holding everything the video stage needs, made by the real handlers, without starting an execution. */
async function readyForVideo(ws: Workspace): Promise<LocalRuntime> {
  const runtime = await LocalRuntime.start({
    dataDir: ws.dataDir,
    environment: { DRAMAFORGE_PRICE_OVERRIDES: JSON.stringify(TEST_PRICES), DRAMAFORGE_PROVIDER_CALL_LOG: ws.callLog },
  });
  onTestFinished(() => runtime.stop());
  const key = 'incoming/two-scenes.yaml';
  await runtime.s3.send(
    new PutObjectCommand({ Bucket: runtime.names.bucket, Key: key, Body: await readFile(TWO_SCENES) }),
  );
  await runtime.invokeFunction('validate-manifest', { bucket: runtime.names.bucket, key, executionName: 'redelivery' });
  await runtime.invokeFunction('plan-production', { productionId: scene.productionId, executionName: 'redelivery' });
  await runtime.invokeFunction('cast-character', { productionId: scene.productionId, characterId: 'ben' });
  for (const stage of ['write-script', 'render-keyframes', 'synthesize-voice'])
    await runtime.invokeFunction(stage, scene);
  return runtime;
}

describe('the video worker under at-least-once delivery', () => {
  it('a message delivered twice renders one clip, records one charge and reports once', async () => {
    // Prepare
    const ws = await ownWorkspace();
    const runtime = await readyForVideo(ws);
    const { token, outcome } = runtime.taskTokens.mint();
    const record = {
      messageId: 'message-1',
      receiptHandle: 'receipt-1',
      body: JSON.stringify({ ...scene, taskToken: token }),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:video',
      awsRegion: 'us-east-1',
    };
    const redelivered = {
      ...record,
      receiptHandle: 'receipt-2',
      attributes: { ...record.attributes, ApproximateReceiveCount: '2' },
    };
    const { handler } = (await import(pathToFileURL(path.resolve('lambdas/stages/video-worker/handler.ts')).href)) as {
      handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
    };

    // Act: the same message, delivered twice
    const first = await handler({ Records: [record] }, lambdaContext('dramaforge-video-worker', 60));
    const second = await handler({ Records: [redelivered] }, lambdaContext('dramaforge-video-worker', 60));

    // Assess
    expect(first.batchItemFailures).toEqual([]);
    expect(second.batchItemFailures).toEqual([]);
    expect(await outcome).toMatchObject({ clipKey: 'productions/two-scene-check/scenes/ep01/s02/camera-move.json' });
    expect(runtime.taskTokens.reports.filter((r) => r.token === token)).toHaveLength(1);
    expect((await readCallLog(ws.callLog)).filter((c) => c.stage === 'video')).toHaveLength(1);
    const videoRows = (await stores(runtime).ledger.listCosts(scene.productionId)).filter((r) => r.stage === 'video');
    expect(videoRows).toHaveLength(1);
    expect(videoRows[0]!.status).toBe('SETTLED');
    expect(videoRows[0]!.usd).toBeGreaterThan(0);
  });
});
