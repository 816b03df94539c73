import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, HeadObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { AssetStore } from '../../../../../lambdas/adapters/aws/asset-store.js';
import { runFfmpeg, withTempDir } from '../../../../../lambdas/adapters/media/ffmpeg.js';
import { VOICE_SAMPLE_RATE, wavFromPcm } from '../../../../../lambdas/adapters/media/voice-track.js';
import { assetKeys } from '../../../../../lambdas/core/contracts/keys.js';
import type { LipSyncModel, LipSyncRequest } from '../../../../../lambdas/core/contracts/ports.js';
import type { SceneRecord } from '../../../../../lambdas/core/domain/production-model.js';
import { resyncLips } from '../../../../../lambdas/stages/dub-episode/lip-resync.js';
import { ledgerAndBucket } from '../../../../support/ledger-and-bucket.js';
import { mockedStageDeps, unitManifest } from '../../../../support/mocked-stage-deps.js';

const FPS = 12;
const manifest = unitManifest({
  format: { aspectRatio: '9:16', width: 64, height: 112, fps: FPS },
  lipSync: { mode: 'fast' },
  characters: [{ id: 'mai', name: 'Mai', description: 'a deckhand' }],
  episodes: [
    {
      id: 'ep01',
      title: 'Stowaway',
      scenes: [{ id: 's01', location: 'Ferry deck', characters: ['mai'], outline: 'Mai finds a stowaway.' }],
    },
  ],
});
const ref = { productionId: manifest.production, episodeId: 'ep01', sceneId: 's01' };
const synced = { sceneId: 's01', assets: { clip: assetKeys.syncedClip(ref) } } as unknown as SceneRecord;
/** The dub's scene: two seconds of the master, its last frame held half a second more for the Thai voice. */
const voiced = {
  sceneId: 's01',
  durationSeconds: 2.5,
  holdSeconds: 0.5,
  cues: [{ startSeconds: 0.3, endSeconds: 2.4, text: 'คุณเป็นใคร', speaker: 'Mai', characterId: 'mai' }],
};
const thaiVoice = wavFromPcm(Buffer.alloc(Math.round(2.5 * VOICE_SAMPLE_RATE) * 2, 1));

/** A bucket that keeps what it is given, and answers HEAD for what it holds. */
function bucket() {
  const objects = new Map<string, Buffer>();
  const s3 = new S3Client({ region: 'us-east-1' });
  const s3Mock = mockClient(s3);
  const missing = (key: string) => new NoSuchKey({ message: `no ${key}`, $metadata: { httpStatusCode: 404 } });
  s3Mock.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const body = objects.get(input.Key);
    if (!body) throw missing(input.Key);
    return { Body: { transformToByteArray: async () => new Uint8Array(body) } };
  });
  s3Mock.on(HeadObjectCommand).callsFake((input: { Key: string }) => {
    if (!objects.has(input.Key)) throw missing(input.Key);
    return { ETag: '"e"' };
  });
  s3Mock.on(PutObjectCommand).callsFake((input: { Key: string; Body: Buffer }) => {
    objects.set(input.Key, Buffer.from(input.Body));
    return {};
  });
  return { assets: new AssetStore(s3, 'bucket'), objects };
}

async function testClip(seconds: number): Promise<Buffer> {
  return withTempDir(async (dir) => {
    const file = path.join(dir, 'clip.mp4');
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      `testsrc2=s=64x112:r=${FPS}:d=${seconds}`,
      '-pix_fmt',
      'yuv420p',
      '-y',
      file,
    ]);
    return readFile(file);
  });
}

describe("a dub's lip re-sync", () => {
  it("syncs a lip-synced scene's clip to the dub's voice once, as long as the held scene, and buys nothing the second time", async () => {
    // Prepare
    const { ledger, productions } = await ledgerAndBucket(5);
    await productions.openProduction({
      productionId: manifest.production,
      title: manifest.title,
      language: manifest.language,
      budgetUsd: 5,
      manifestKey: 'manifests/unit-series.yaml',
      executionName: 'e',
    });
    const { assets, objects } = bucket();
    objects.set(assetKeys.clip(ref), await testClip(2));
    objects.set(`${assetKeys.keyframe(ref)}.png`, Buffer.from('keyframe'));
    const asked: LipSyncRequest[] = [];
    const port: LipSyncModel = {
      syncLips: async (request) => {
        asked.push(request);
        return {
          result: { mp4: Buffer.from('synced to the Thai voice') },
          usage: { lipSyncSeconds: request.durationSeconds },
          provider: 'sync-so',
          model: 'lipsync-2',
        };
      },
    };
    const deps = { ...mockedStageDeps().deps, assets, ledger };
    const input = {
      manifest,
      lipSync: { port, provider: 'sync-so', model: 'lipsync-2' },
      language: 'th-TH',
      ref,
      record: synced,
      voiced,
      voiceWav: thaiVoice,
    };

    // Act
    const first = await resyncLips(deps, input);
    const second = await resyncLips(deps, input);
    const unsynced = await resyncLips(deps, { ...input, record: { ...synced, assets: { clip: assetKeys.clip(ref) } } });

    // Assess
    expect(asked).toHaveLength(1);
    const [request] = asked;
    expect(request!.audio.equals(thaiVoice)).toBe(true);
    expect(request).toMatchObject({
      language: 'th-TH',
      syncMode: 'fast',
      durationSeconds: 2.5,
      videoKey: assetKeys.dubSyncInput(ref, 'th-TH'),
      audioKey: assetKeys.dubVoice(ref, 'th-TH'),
      speech: [{ characterId: 'mai', startSeconds: 0.3, endSeconds: 2.4 }],
    });
    expect(request!.video.equals(objects.get(assetKeys.clip(ref))!), "the master's clip, held").toBe(false);
    expect(first).toEqual({ clipKey: assetKeys.dubSyncedClip(ref, 'th-TH'), usd: expect.any(Number) });
    expect(first!.usd).toBeGreaterThan(0);
    expect(second).toEqual({ clipKey: assetKeys.dubSyncedClip(ref, 'th-TH'), usd: 0 });
    expect(objects.get(assetKeys.dubSyncedClip(ref, 'th-TH'))?.toString()).toBe('synced to the Thai voice');
    expect(unsynced, 'a scene the master did not sync keeps its clip').toBeUndefined();
    const rows = (await ledger.listCosts(manifest.production)).filter((row) => row.stage === 'lip-sync');
    expect(rows.map((row) => [row.sceneId, row.status])).toEqual([['s01', 'SETTLED']]);
  });
});
