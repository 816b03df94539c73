import { describe, expect, it } from 'vitest';
import type { BoundProviders } from '../../../../../lambdas/core/contracts/bound-providers.js';
import { ProviderRejected, ProviderTimeout } from '../../../../../lambdas/core/contracts/errors.js';
import type {
  AsyncLipSyncModel,
  LipSyncJobStatus,
  LipSyncModel,
  LipSyncRequest,
} from '../../../../../lambdas/core/contracts/ports.js';
import { sha256 } from '../../../../../lambdas/core/domain/content-hash.js';
import type { StoredVoiceCues } from '../../../../../lambdas/core/domain/scene-artifacts.js';
import type { ManifestInput } from '../../../../../lambdas/core/manifest/schema.js';
import { costUsd } from '../../../../../lambdas/core/pricing/pricing.js';
import { syncLips } from '../../../../../lambdas/stages/sync-lips/sync-lips.js';
import { testPattern } from '../../../../support/media-fixtures.js';
import { meetingManifest } from '../../../../support/mocked-stage-deps.js';
import { type StageWorld, stageWorld } from '../../../../support/stage-world.js';

const scene = { productionId: 'unit-series', episodeId: 'ep01', sceneId: 's01' };
const root = 'productions/unit-series/scenes/ep01/s01';
const keys = {
  clip: `${root}/clip.mp4`,
  cameraMove: `${root}/camera-move.json`,
  synced: `${root}/clip-synced.mp4`,
  syncInput: `${root}/clip-for-lip-sync.mp4`,
};
const cues: StoredVoiceCues = {
  durationSeconds: 4.2,
  cues: [
    { index: 0, characterId: 'ana', speaker: 'Ana', text: 'You came back.', startSeconds: 0.4, endSeconds: 1.6 },
    { index: 1, characterId: 'ben', speaker: 'Ben', text: 'I never left.', startSeconds: 2, endSeconds: 3.8 },
  ],
};
const media = {
  clip: Buffer.from('provider-clip-mp4'),
  voice: Buffer.from('voice-track-wav'),
  keyframe: Buffer.from('keyframe-png'),
};
const LIP_SYNC = { provider: 'openai-compatible', model: 'lipsync-2' };
const syncedUsage = { lipSyncSeconds: 5 };

/** A synchronous lip-sync model that answers every request with a synced clip, or refuses as told. */
function syncModel(refuse?: Error) {
  const requests: LipSyncRequest[] = [];
  const port: LipSyncModel = {
    syncLips: async (request) => {
      requests.push(request);
      if (refuse) throw refuse;
      return { result: { mp4: Buffer.from('synced-mp4') }, usage: syncedUsage, ...LIP_SYNC };
    },
  };
  return { port, requests };
}

/** A lip-sync job that answers `running` to its first `runningPolls` polls, then the synced clip. */
function jobModel(runningPolls: number) {
  const started: string[] = [];
  const polled: string[] = [];
  const port: AsyncLipSyncModel = {
    pollIntervalSeconds: 1,
    startSync: async () => {
      started.push('job');
      return { jobId: `job-${started.length}` };
    },
    pollSync: async (jobId): Promise<LipSyncJobStatus> => {
      polled.push(jobId);
      if (polled.length <= runningPolls) return { state: 'running' };
      return {
        state: 'succeeded',
        synced: { result: { mp4: Buffer.from('synced-by-job') }, usage: syncedUsage, ...LIP_SYNC },
      };
    },
  };
  return { port, started, polled };
}

/** A scene whose video stage left `clip` on its row, its voice track timed by `voiceCues`. */
async function voicedScene(
  lipSync: NonNullable<BoundProviders['lipSync']>['port'] | undefined,
  options: { overrides?: Partial<ManifestInput>; clip?: string; voiceCues?: StoredVoiceCues } = {},
) {
  const world = await stageWorld(
    meetingManifest({
      lipSync: { mode: 'fast' },
      format: { aspectRatio: '9:16', width: 180, height: 320, fps: 10 },
      ...options.overrides,
    }),
    {
      providers: lipSync ? { lipSync: { port: lipSync, ...LIP_SYNC } } : {},
      objects: [
        [`${root}/voice-cues.json`, Buffer.from(JSON.stringify(options.voiceCues ?? cues))],
        [keys.clip, media.clip],
        [`${root}/voice.wav`, media.voice],
        [`${root}/keyframe.png`, media.keyframe],
      ],
    },
  );
  await world.ensureScenes();
  await world.productions.updateScene(scene, { status: 'VIDEO', assets: { clip: options.clip ?? keys.clip } });
  return world;
}

const clipOnRow = async (world: StageWorld) =>
  (await world.productions.getScene('unit-series', 'ep01', 's01')).assets?.clip;

describe('Sync lips', () => {
  it("syncs the provider's clip to the voice track, keeps it apart, and names it as the scene's clip", async () => {
    // Prepare
    const model = syncModel();
    const world = await voicedScene(model.port);

    // Act
    await syncLips(scene, world.deps);

    // Assess
    expect(model.requests).toHaveLength(1);
    const [request] = model.requests;
    expect([request!.video, request!.audio, request!.shot.keyframePng]).toEqual([
      media.clip,
      media.voice,
      media.keyframe,
    ]);
    expect([request!.syncMode, request!.videoKey, request!.durationSeconds]).toEqual(['fast', keys.clip, 4.2]);
    expect(request!.speech).toEqual([
      { characterId: 'ana', startSeconds: 0.4, endSeconds: 1.6 },
      { characterId: 'ben', startSeconds: 2, endSeconds: 3.8 },
    ]);
    expect(world.objects.get(keys.synced)!.toString()).toBe('synced-mp4');
    expect(world.objects.get(keys.clip)).toEqual(media.clip);
    expect(await clipOnRow(world)).toBe(keys.synced);
    const costs = await world.ledger.listCosts('unit-series');
    expect(costs.map((cost) => [cost.stage, cost.status, cost.sceneId, cost.usd])).toEqual([
      ['lip-sync', 'SETTLED', 's01', costUsd(LIP_SYNC.provider, LIP_SYNC.model, syncedUsage)],
    ]);
  });

  it('run again after a sync, syncs the clip it came from and finds the result cached', async () => {
    // Prepare
    const model = syncModel();
    const world = await voicedScene(model.port);
    await syncLips(scene, world.deps);

    // Act
    await syncLips(scene, world.deps);

    // Assess
    expect(model.requests).toHaveLength(1);
    expect(await clipOnRow(world)).toBe(keys.synced);
    expect(await world.ledger.listCosts('unit-series')).toHaveLength(1);
  });

  it("renders the offline model's camera move losslessly for the sync, keeps that input, and syncs it again from the cache", async () => {
    // Prepare
    const model = syncModel();
    const world = await voicedScene(model.port, { clip: keys.cameraMove });
    const keyframe = await testPattern(180, 320);
    world.objects.delete(keys.clip);
    world.objects.set(`${root}/keyframe.png`, keyframe);
    world.objects.set(
      keys.cameraMove,
      Buffer.from(JSON.stringify({ move: 'pan-left', frameCount: 20, keyframeSha256: sha256(keyframe) })),
    );

    // Act
    await syncLips(scene, world.deps);
    await syncLips(scene, world.deps);

    // Assess
    expect(model.requests).toHaveLength(1);
    const [request] = model.requests;
    expect([request!.videoKey, request!.shot.cameraMove]).toEqual([keys.syncInput, 'pan-left']);
    expect(request!.video.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(world.objects.get(keys.syncInput)).toEqual(request!.video);
    expect(await clipOnRow(world)).toBe(keys.synced);
  });

  it('buys nothing, and names the clip the video stage left, without lip-sync, without lines or for a natively voiced clip', async () => {
    // Prepare
    const model = syncModel();
    const unsynced = await voicedScene(model.port, { overrides: { lipSync: undefined }, clip: keys.cameraMove });
    const silent = await voicedScene(model.port, { voiceCues: { durationSeconds: 3, cues: [] } });
    const native = await voicedScene(model.port, { voiceCues: { ...cues, native: 'measured' } });

    // Act
    for (const world of [unsynced, silent, native]) await syncLips(scene, world.deps);

    // Assess
    expect(model.requests).toEqual([]);
    expect(await clipOnRow(unsynced)).toBe(keys.cameraMove);
    expect(await clipOnRow(silent)).toBe(keys.clip);
    expect(await clipOnRow(native)).toBe(keys.clip);
    for (const world of [unsynced, silent, native]) {
      expect(world.objects.has(keys.synced)).toBe(false);
      expect(await world.ledger.listCosts('unit-series')).toEqual([]);
      expect((await world.productions.getScene('unit-series', 'ep01', 's01')).status).toBe('LIP_SYNC');
    }
  });

  it('throws a refused sync to the state machine, gives its hold back and leaves the clip as it was', async () => {
    // Prepare
    const model = syncModel(new ProviderRejected('the clip shows no face'));
    const world = await voicedScene(model.port);

    // Act
    const attempt = syncLips(scene, world.deps);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ProviderRejected);
    expect(await clipOnRow(world)).toBe(keys.clip);
    expect(world.objects.has(keys.synced)).toBe(false);
    const costs = await world.ledger.listCosts('unit-series');
    expect(costs.map((cost) => cost.status)).toEqual(['RELEASED']);
    expect((await world.productions.getProduction('unit-series')).reservedUsd).toBe(0);
  });

  it("fails with ProviderTimeout when a job outlasts the invocation's polls, and the retry polls the same job", async () => {
    // Prepare: two polls an invocation; the job runs through three
    const model = jobModel(3);
    const world = await voicedScene(model.port);
    const options = { pollBudgetSeconds: 2, sleep: async () => undefined };

    // Act
    const first = await syncLips(scene, world.deps, options).catch((error: unknown) => error);
    const unconfirmed = (await world.ledger.listCosts('unit-series')).map((cost) => cost.status);
    await syncLips(scene, world.deps, options);

    // Assess
    expect(first).toBeInstanceOf(ProviderTimeout);
    expect(unconfirmed).toEqual(['UNCONFIRMED']);
    expect(model.started).toHaveLength(1);
    expect(model.polled).toEqual(['job-1', 'job-1', 'job-1', 'job-1']);
    expect(world.objects.get(keys.synced)!.toString()).toBe('synced-by-job');
    expect(await clipOnRow(world)).toBe(keys.synced);
    const costs = await world.ledger.listCosts('unit-series');
    expect(costs.map((cost) => [cost.stage, cost.status])).toEqual([['lip-sync', 'SETTLED']]);
  });
});
