import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runFfmpeg, withTempDir } from '../../../../../../lambdas/adapters/media/ffmpeg.js';
import { wavFromPcm } from '../../../../../../lambdas/adapters/media/voice-track.js';
import { SyncSoLipSyncModel } from '../../../../../../lambdas/adapters/providers/sync-so/sync-so-lip-sync-model.js';
import {
  DEFAULT_GUARD_SETTINGS,
  ProviderGuard,
} from '../../../../../../lambdas/composition/resilience/provider-guard.js';
import { ProviderRejected, ProviderThrottled } from '../../../../../../lambdas/core/contracts/errors.js';
import type { LipSyncRequest } from '../../../../../../lambdas/core/contracts/ports.js';

const quickGuard = () =>
  new ProviderGuard(
    'sync-so',
    { take: async () => undefined },
    { ...DEFAULT_GUARD_SETTINGS, initialBackoffMs: 5, maxBackoffMs: 20, maxRetryAfterMs: 10, attemptTimeoutMs: 30_000 },
  );

const clip = () =>
  withTempDir(async (dir) => {
    const file = path.join(dir, 'clip.mp4');
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      'color=c=gray:s=90x160:r=10:d=2',
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

/** sync.so's /v2/generate as its reference documents it: x-api-key, a generation by id, PENDING then COMPLETED with outputUrl. */
async function fakeSyncSo(output: Buffer, answers: { status: number; body: unknown }[] = []) {
  const received: { method: string; url: string; key?: string; body?: Record<string, unknown> }[] = [];
  let polls = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({
        method: request.method!,
        url: request.url!,
        key: request.headers['x-api-key'] as string | undefined,
        body: text ? JSON.parse(text) : undefined,
      });
      const reply = (status: number, body: unknown) => {
        response.writeHead(status, {
          'content-type': 'application/json',
          ...(status === 429 && { 'retry-after': '30' }),
        });
        response.end(JSON.stringify(body));
      };
      const scripted = answers.shift();
      if (scripted) return reply(scripted.status, scripted.body);
      if (request.url === '/output.mp4') {
        response.writeHead(200, { 'content-type': 'video/mp4' });
        return response.end(output);
      }
      if (request.method === 'POST' && request.url === '/v2/generate')
        return reply(201, { id: 'gen_1', status: 'PENDING', outputUrl: null, error: null });
      polls++;
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return reply(
        200,
        polls > 1
          ? { id: 'gen_1', status: 'COMPLETED', outputUrl: `${base}/output.mp4`, outputDuration: 2, error: null }
          : { id: 'gen_1', status: 'PROCESSING', outputUrl: null },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

async function request(): Promise<LipSyncRequest> {
  return {
    video: await clip(),
    audio: wavFromPcm(Buffer.alloc(48_000 * 2 * 2), 48_000),
    videoKey: 'productions/p/scenes/ep01/s01/clip-for-lip-sync.mp4',
    audioKey: 'productions/p/scenes/ep01/s01/voice.wav',
    language: 'vi-VN',
    syncMode: 'fast',
    width: 90,
    height: 160,
    fps: 10,
    durationSeconds: 2,
    speech: [{ characterId: 'lan', startSeconds: 0.3, endSeconds: 1.6 }],
    shot: {
      keyframePng: Buffer.alloc(0),
      keyframe: {
        scene: { episodeId: 'ep01', sceneId: 's01', index: 0, location: 'x', outline: 'y', characters: [] },
        width: 90,
        height: 160,
        seed: 1,
      },
    },
  };
}

const shared = async (key: string) => `https://bucket.example/${key}?X-Amz-Signature=abc`;

describe('sync.so lip-sync against a fake of its API', () => {
  it('sends the clip and the voice by presigned URL with the key, polls the generation, and bills its output duration', async () => {
    // Prepare
    const input = await request();
    const api = await fakeSyncSo(input.video);
    const model = new SyncSoLipSyncModel(
      { baseUrl: api.baseUrl, apiKey: 'sk-test', timeoutMs: 30_000 },
      quickGuard(),
      'lipsync-2',
      1,
      shared,
    );

    // Act
    const { jobId } = await model.startSync(input);
    const first = await model.pollSync(jobId, input);
    const second = await model.pollSync(jobId, input);

    // Assess
    expect(api.received[0]).toEqual({
      method: 'POST',
      url: '/v2/generate',
      key: 'sk-test',
      body: {
        model: 'lipsync-2',
        input: [
          { type: 'video', url: await shared(input.videoKey) },
          { type: 'audio', url: await shared(input.audioKey) },
        ],
        options: { sync_mode: 'cut_off', output_format: 'mp4' },
      },
    });
    expect(jobId).toBe('gen_1');
    expect(first).toEqual({ state: 'running' });
    expect(second).toMatchObject({
      state: 'succeeded',
      synced: { provider: 'sync-so', model: 'lipsync-2', usage: { lipSyncSeconds: 2 } },
    });
  });

  it('names a 429 ProviderThrottled and a failed generation ProviderRejected', async () => {
    // Prepare
    const input = await request();
    const api = await fakeSyncSo(input.video, [
      { status: 429, body: { message: 'rate limited' } },
      { status: 200, body: { id: 'gen_1', status: 'FAILED', outputUrl: null, error: 'no face detected' } },
    ]);
    const model = new SyncSoLipSyncModel(
      { baseUrl: api.baseUrl, apiKey: 'sk-test', timeoutMs: 30_000 },
      quickGuard(),
      'lipsync-2-pro',
      1,
      shared,
    );

    // Act
    const throttled = await model.startSync(input).catch((error: unknown) => error);
    const failed = await model.pollSync('gen_1', input).catch((error: unknown) => error);

    // Assess
    expect(throttled).toBeInstanceOf(ProviderThrottled);
    expect(failed).toBeInstanceOf(ProviderRejected);
    expect((failed as Error).message).toContain('no face detected');
  });
});
