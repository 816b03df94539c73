import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendTaskFailureCommand, SendTaskSuccessCommand, TaskTimedOut } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ProviderThrottled } from '../../../../../lambdas/core/contracts/errors.js';
import type { ClipRequest, VideoModel } from '../../../../../lambdas/core/contracts/ports.js';
import { processVideoJob } from '../../../../../lambdas/stages/video-worker/video-worker.js';
import { mockedStageDeps, unitManifest } from '../../../../support/mocked-stage-deps.js';

const manifest = unitManifest({
  format: { aspectRatio: '9:16', width: 180, height: 320, fps: 10 },
  characters: [{ id: 'ana', name: 'Ana', description: 'red hair' }],
  episodes: [
    {
      id: 'ep01',
      title: 'One',
      scenes: [{ id: 's01', location: 'Harbour', characters: ['ana'], outline: 'Ana waits.' }],
    },
  ],
});
const scene = 'productions/unit-series/scenes/ep01/s01';

function record(body: unknown, receiveCount = 1): SQSRecord {
  return {
    messageId: 'm1',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: String(receiveCount) },
  } as SQSRecord;
}

const job = { productionId: 'unit-series', episodeId: 'ep01', sceneId: 's01', taskToken: 'token-1' };
/** A worker rendering with `port`; the test's own mocks. */
function withVideoModel(port: VideoModel) {
  const mocks = mockedStageDeps({
    objects: new Map([
      ['productions/unit-series/manifest.json', Buffer.from(JSON.stringify(manifest))],
      [`${scene}/keyframe.png`, Buffer.from('png-bytes')],
      [`${scene}/voice-cues.json`, Buffer.from(JSON.stringify({ durationSeconds: 3.5, cues: [] }))],
    ]),
    providers: { video: { port, provider: 'offline', model: 'camera-motion-v1' } },
  });
  onTestFinished(() => {
    mocks.s3Mock.reset();
    mocks.dynamoMock.reset();
    mocks.sfnMock.reset();
  });
  mocks.dynamoMock.on(GetCommand).resolves({});
  mocks.dynamoMock.on(UpdateCommand).resolves({});
  mocks.dynamoMock.on(PutCommand).resolves({});
  return mocks;
}

/** A model that renders any clip without failing. */
const rendering = (mp4: Buffer): VideoModel => ({
  renderClip: async () => ({ result: { mp4 }, usage: {}, provider: 'offline', model: 'camera-motion-v1' }),
});

describe('video worker', () => {
  it('renders a clip as long as the voice track and reports success on the task token', async () => {
    // Prepare
    const requests: ClipRequest[] = [];
    const mocks = withVideoModel({
      renderClip: async (request) => {
        requests.push(request);
        return {
          result: { mp4: Buffer.from('mp4') },
          usage: { videoSeconds: 3.5 },
          provider: 'offline',
          model: 'camera-motion-v1',
        };
      },
    });

    // Act
    await processVideoJob(record(job), mocks.deps);

    // Assess
    expect(requests[0]).toMatchObject({ durationSeconds: 3.5, width: 180, height: 320, fps: 10 });
    expect(mocks.s3Mock).toHaveReceivedCommandWith(PutObjectCommand, { Key: `${scene}/clip.mp4` });
    expect(mocks.sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-1' });
    expect(JSON.parse(mocks.sfnMock.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input.output!)).toEqual({
      clipKey: `${scene}/clip.mp4`,
      durationSeconds: 3.5,
    });
  });

  it('keeps a camera move as its plan, not as frames, and names it on the scene and the task token', async () => {
    // Prepare
    const cameraMove = { move: 'pan-left' as const, frameCount: 35, keyframeSha256: 'abc' };
    const mocks = withVideoModel({
      renderClip: async () => ({
        result: { cameraMove },
        usage: { videoSeconds: 3.5 },
        provider: 'offline',
        model: 'camera-motion-v1',
      }),
    });

    // Act
    await processVideoJob(record(job), mocks.deps);

    // Assess
    const stored = mocks.s3Mock
      .commandCalls(PutObjectCommand)
      .find((call) => call.args[0].input.Key === `${scene}/camera-move.json`);
    expect(JSON.parse(String(stored?.args[0].input.Body))).toEqual(cameraMove);
    expect(mocks.s3Mock).not.toHaveReceivedCommandWith(PutObjectCommand, { Key: `${scene}/clip.mp4` });
    const sceneUpdate = mocks.dynamoMock
      .commandCalls(UpdateCommand)
      .find((call) => JSON.stringify(call.args[0].input).includes('camera-move.json'));
    expect(sceneUpdate).toBeDefined();
    expect(JSON.parse(mocks.sfnMock.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input.output!)).toEqual({
      clipKey: `${scene}/camera-move.json`,
      durationSeconds: 3.5,
    });
  });

  it('reports a provider error under its own name, so the state machine retries it', async () => {
    // Prepare
    const mocks = withVideoModel({
      renderClip: async () => {
        throw new ProviderThrottled('slow down', 2);
      },
    });

    // Act
    await processVideoJob(record(job), mocks.deps);

    // Assess
    expect(mocks.sfnMock).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: 'token-1',
      error: 'ProviderThrottled',
      cause: 'slow down',
    });
    expect(mocks.sfnMock).not.toHaveReceivedCommand(SendTaskSuccessCommand);
    expect(mocks.s3Mock).not.toHaveReceivedCommandWith(PutObjectCommand, { Key: `${scene}/clip.mp4` });
  });

  it('throws a message that is not JSON back to the queue without reporting', async () => {
    // Prepare
    const mocks = withVideoModel(rendering(Buffer.alloc(0)));

    // Act
    const attempt = processVideoJob(record('{not json'), mocks.deps);

    // Assess
    await expect(attempt).rejects.toThrow();
    expect(mocks.sfnMock.calls()).toHaveLength(0);
  });

  it("throws a message whose scene id would escape the production's keys back to the queue without reporting", async () => {
    // Prepare
    const mocks = withVideoModel(rendering(Buffer.alloc(0)));

    // Act
    const attempt = processVideoJob(record({ ...job, sceneId: '../x' }), mocks.deps);

    // Assess
    await expect(attempt).rejects.toThrow();
    expect(mocks.sfnMock.calls()).toHaveLength(0);
  });

  it('drops the report when the waiting task has already timed out', async () => {
    // Prepare
    const mocks = withVideoModel(rendering(Buffer.from('x')));
    mocks.sfnMock.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'gone', $metadata: {} }));

    // Act
    const attempt = processVideoJob(record(job), mocks.deps);

    // Assess
    await expect(attempt).resolves.toBeUndefined();
  });

  it('on the last receive before the DLQ, marks the scene FAILED with the reason and fails the waiting task', async () => {
    // Prepare
    const mocks = withVideoModel(rendering(Buffer.from('x')));
    mocks.sfnMock
      .on(SendTaskSuccessCommand)
      .rejects(Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' }));

    // Act
    const attempt = processVideoJob(record(job, 3), mocks.deps);

    // Assess
    await expect(attempt).rejects.toThrow(/ECONNREFUSED/);
    const failed = mocks.dynamoMock
      .commandCalls(UpdateCommand)
      .map((call) => call.args[0].input.ExpressionAttributeValues ?? {})
      .find((values) => values[':status'] === 'FAILED');
    expect(failed?.[':failedStage']).toBe('VIDEO');
    expect(failed?.[':failure']).toMatchObject({
      error: 'VideoJobPoisoned',
      cause: expect.stringMatching(/after 3 receives: Error: connect ECONNREFUSED/),
    });
    expect(mocks.sfnMock).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: 'token-1',
      error: 'VideoJobPoisoned',
    });
  });

  it('leaves the scene alone on an earlier receive, so SQS can retry', async () => {
    // Prepare
    const mocks = withVideoModel(rendering(Buffer.from('x')));
    mocks.sfnMock.on(SendTaskSuccessCommand).rejects(new Error('connect ECONNREFUSED'));

    // Act
    const attempt = processVideoJob(record(job, 1), mocks.deps);

    // Assess
    await expect(attempt).rejects.toThrow();
    const statuses = mocks.dynamoMock
      .commandCalls(UpdateCommand)
      .map((call) => call.args[0].input.ExpressionAttributeValues?.[':status']);
    expect(statuses).not.toContain('FAILED');
    expect(mocks.sfnMock).not.toHaveReceivedCommand(SendTaskFailureCommand);
  });
});
