import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeMedia, runFfmpeg, withTempDir } from '../../../../../../lambdas/adapters/media/ffmpeg.js';
import { wavFromPcm } from '../../../../../../lambdas/adapters/media/voice-track.js';
import { OpenAiConnection } from '../../../../../../lambdas/adapters/providers/openai-compatible/connection.js';
import { OpenAiLipSyncModel } from '../../../../../../lambdas/adapters/providers/openai-compatible/lip-sync-model.js';
import {
  DEFAULT_GUARD_SETTINGS,
  ProviderGuard,
} from '../../../../../../lambdas/composition/resilience/provider-guard.js';
import { ProviderRejected, ProviderThrottled } from '../../../../../../lambdas/core/contracts/errors.js';
import type { LipSyncRequest } from '../../../../../../lambdas/core/contracts/ports.js';
import { costUsd } from '../../../../../../lambdas/core/pricing/pricing.js';
import { FakeOpenAiServer, scripted } from '../../../../../support/fake-openai-server.js';

const noRateLimit = { take: async () => undefined };
const quickGuard = () =>
  new ProviderGuard('openai-compatible', noRateLimit, {
    ...DEFAULT_GUARD_SETTINGS,
    initialBackoffMs: 5,
    maxBackoffMs: 20,
    maxRetryAfterMs: 10,
    attemptTimeoutMs: 30_000,
  });

async function silentClip(seconds: number): Promise<Buffer> {
  return withTempDir(async (dir) => {
    const file = path.join(dir, 'clip.mp4');
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      `color=c=gray:s=90x160:r=10:d=${seconds}`,
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-y',
      file,
    ]);
    return readFile(file);
  });
}

async function lipSyncRequest(): Promise<LipSyncRequest> {
  const seconds = 2.5;
  return {
    video: await silentClip(seconds),
    audio: wavFromPcm(Buffer.alloc(48_000 * 2 * seconds), 48_000),
    videoKey: 'productions/p/scenes/ep01/s01/clip.mp4',
    audioKey: 'productions/p/scenes/ep01/s01/voice.wav',
    language: 'vi-VN',
    syncMode: 'high_precision',
    width: 90,
    height: 160,
    fps: 10,
    durationSeconds: seconds,
    speech: [{ characterId: 'lan', startSeconds: 0.4, endSeconds: 2 }],
    shot: {
      keyframePng: Buffer.alloc(0),
      keyframe: {
        scene: { episodeId: 'ep01', sceneId: 's01', index: 0, location: 'x', outline: 'y', characters: [] },
        width: 90,
        height: 160,
        seed: 1,
      },
      cameraMove: 'zoom-in',
    },
  };
}

describe('openai-compatible lip-sync against the fake gateway', () => {
  it('posts video, audio, language and sync_mode to the configured path, polls the job, and returns the synced clip as delivered', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    server.lipSyncPath = '/v1/gateway/sync-lips';
    const model = new OpenAiLipSyncModel(
      new OpenAiConnection({ baseUrl: server.baseUrl, apiKey: 'test-key', timeoutMs: 30_000 }, quickGuard()),
      'lipsync-2-pro',
      1,
      'gateway/sync-lips',
    );
    const request = await lipSyncRequest();

    // Act
    const { jobId } = await model.startSync(request, { idempotencyKey: 'lip-sync#abc' });
    const first = await model.pollSync(jobId, request);
    const second = await model.pollSync(jobId, request);

    // Assess
    const [sent] = server.requestsTo('POST /v1/gateway/sync-lips');
    const form = sent!.body.toString('latin1');
    expect(form).toMatch(/name="language"\r\n\r\nvi-VN/);
    expect(form).toMatch(/name="sync_mode"\r\n\r\nhigh_precision/);
    expect(form).toMatch(/name="model"\r\n\r\nlipsync-2-pro/);
    expect(form).toContain('name="video"; filename="clip.mp4"');
    expect(form).toContain('name="audio"; filename="voice.wav"');
    expect(sent!.headers['idempotency-key']).toBe('lip-sync#abc:lipsync-2-pro');
    expect(first).toEqual({ state: 'running' });
    expect(second.state).toBe('succeeded');
    const synced = (second as Extract<typeof second, { state: 'succeeded' }>).synced;
    expect(synced.usage).toEqual({ lipSyncSeconds: 2.5 });
    expect(synced).toMatchObject({ provider: 'openai-compatible', model: 'lipsync-2-pro' });
    expect(costUsd(synced.provider, synced.model, synced.usage)).toBeCloseTo(2.5 * 0.067, 6);
    const probe = await withTempDir(async (dir) => {
      const file = path.join(dir, 'synced.mp4');
      await writeFile(file, synced.result.mp4);
      return probeMedia(file);
    });
    // As the gateway delivered it (3 s at 144x256): the episode's one encode fits it to the scene.
    expect(probe.streams.find((stream) => stream.codecType === 'video')).toMatchObject({ width: 144, height: 256 });
    expect(probe.durationSeconds).toBeCloseTo(3, 1);
  });

  it('names a 429 ProviderThrottled and a failed job ProviderRejected', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    const model = new OpenAiLipSyncModel(
      new OpenAiConnection({ baseUrl: server.baseUrl, apiKey: 'test-key', timeoutMs: 30_000 }, quickGuard()),
      'lipsync-2',
      1,
    );
    const request = { ...(await lipSyncRequest()), syncMode: 'fast' as const };
    const { jobId } = await model.startSync(request);
    server.queue(`GET /v1/lipsync/${jobId}`, {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: jobId, status: 'failed', error: { code: 'no_face', message: 'no face found' } }),
    });
    server.queue('POST /v1/lipsync', scripted.rateLimited(30));

    // Act
    const throttled = await model.startSync(request).catch((error: unknown) => error);
    const failed = await model.pollSync(jobId, request).catch((error: unknown) => error);

    // Assess
    expect(throttled).toBeInstanceOf(ProviderThrottled);
    expect(failed).toBeInstanceOf(ProviderRejected);
    expect((failed as Error).message).toContain('no_face');
  });
});
