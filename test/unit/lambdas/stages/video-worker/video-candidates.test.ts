import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AssetStore } from '../../../../../lambdas/adapters/aws/asset-store.js';
import { BudgetLedger } from '../../../../../lambdas/adapters/aws/budget-ledger.js';
import { ProductionStore } from '../../../../../lambdas/adapters/aws/production-store.js';
import { renderCameraMoveClip } from '../../../../../lambdas/adapters/media/camera-move.js';
import { runFfmpeg, withTempDir } from '../../../../../lambdas/adapters/media/ffmpeg.js';
import { CameraMotionVideoModel } from '../../../../../lambdas/adapters/providers/offline/camera-motion-video-model.js';
import { StoryboardImageModel } from '../../../../../lambdas/adapters/providers/offline/offline-image-model.js';
import { PixelConsistencyScorer } from '../../../../../lambdas/adapters/providers/offline/pixel-consistency.js';
import type { BoundProviders } from '../../../../../lambdas/core/contracts/bound-providers.js';
import { BudgetExceeded } from '../../../../../lambdas/core/contracts/errors.js';
import { assetKeys } from '../../../../../lambdas/core/contracts/keys.js';
import type { ClipRequest, RenderedImage, VideoModel } from '../../../../../lambdas/core/contracts/ports.js';
import type { Manifest } from '../../../../../lambdas/core/manifest/schema.js';
import { estimateUsd } from '../../../../../lambdas/core/pricing/estimates.js';
import { billedVideoSeconds } from '../../../../../lambdas/core/pricing/pricing.js';
import { putRenderedImage } from '../../../../../lambdas/pipeline/codecs.js';
import { sceneContext } from '../../../../../lambdas/pipeline/scene-context.js';
import { buildProductionReport } from '../../../../../lambdas/stages/finalize-production/production-report.js';
import { renderSceneClip, type VideoWorkerDeps } from '../../../../../lambdas/stages/video-worker/video-worker.js';
import { startLocalTable } from '../../../../support/local-table.js';
import { unitManifest } from '../../../../support/mocked-stage-deps.js';

const SECONDS = 3;
const ref = { productionId: 'unit-series', episodeId: 'ep01', sceneId: 's01' };
const ana = { id: 'ana', name: 'Ana', description: 'a young woman with long red hair in a yellow dress' };
const bruno = { id: 'bruno', name: 'Bruno', description: 'a tall old man with a grey beard in a dark green coat' };

function candidatesManifest(budgetUsd: number): Manifest {
  return unitManifest({
    budgetUsd,
    format: { aspectRatio: '9:16', width: 270, height: 480, fps: 10 },
    video: { candidates: 3 },
    characters: [ana, bruno],
    episodes: [
      {
        id: 'ep01',
        title: 'One',
        scenes: [{ id: 's01', location: 'Harbour, morning', characters: ['ana'], outline: 'Ana waits.' }],
      },
    ],
  });
}

/** A still picture held for the clip's length: nothing moves. */
function stillClip(png: Buffer): Promise<Buffer> {
  return withTempDir(async (dir) => {
    const still = path.join(dir, 'still.png');
    const output = path.join(dir, 'still.mp4');
    await writeFile(still, png);
    await runFfmpeg([
      ...['-loop', '1', '-i', still, '-t', String(SECONDS), '-r', '10'],
      ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-an', '-y', output],
    ]);
    return readFile(output);
  });
}

/** A camera move over `image`: a clip that moves. */
function movingClip(image: RenderedImage): Promise<Buffer> {
  return withTempDir(async (dir) => {
    const still = path.join(dir, 'still.png');
    await writeFile(still, image.png);
    return renderCameraMoveClip(
      { still },
      { move: 'zoom-in', width: image.width, height: image.height, fps: 10, frameCount: SECONDS * 10 },
    );
  });
}

/**
 * A production over a local table and an in-memory bucket, its scene's keyframe and Ana's reference
 * sheet drawn by the offline painter, and a video model handing out `clips` in the order it is asked.
 */
async function candidateWorld(
  budgetUsd: number,
  clips: (keyframes: { ana: RenderedImage; bruno: RenderedImage }) => Promise<Buffer[]>,
  /** Another video model in place of the one handing out `clips`. */
  cameraMotion?: CameraMotionVideoModel,
) {
  const manifest = candidatesManifest(budgetUsd);
  const table = await startLocalTable();
  onTestFinished(() => table.stop());
  const objects = new Map<string, Buffer>();
  const s3 = new S3Client({ region: 'us-east-1' });
  const s3Mock = mockClient(s3);
  onTestFinished(() => s3Mock.restore());
  s3Mock.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const body = objects.get(input.Key);
    if (!body) throw new NoSuchKey({ message: `no ${input.Key}`, $metadata: { httpStatusCode: 404 } });
    return { Body: { transformToByteArray: async () => new Uint8Array(body) } };
  });
  s3Mock.on(PutObjectCommand).callsFake((input: { Key: string; Body: Buffer | string }) => {
    objects.set(input.Key, Buffer.from(input.Body));
    return {};
  });
  const assets = new AssetStore(s3, 'bucket');
  const productions = new ProductionStore(table.dynamo, table.tableName);
  const ledger = new BudgetLedger(table.dynamo, table.tableName);
  await productions.openProduction({
    productionId: manifest.production,
    title: manifest.title,
    language: manifest.language,
    budgetUsd,
    manifestKey: 'manifests/unit.yaml',
    executionName: 'e',
  });
  await productions.ensureScene({ ...ref, index: 0 });

  const painter = new StoryboardImageModel();
  const brief = sceneContext(manifest, ref).brief;
  const keyframeOf = async (character: typeof ana) =>
    (
      await painter.drawKeyframe({
        scene: { ...brief, characters: [character] },
        width: 270,
        height: 480,
        seed: 1,
        references: {},
      })
    ).result;
  const keyframes = { ana: await keyframeOf(ana), bruno: await keyframeOf(bruno) };
  const sheet = (await painter.drawReferenceSheet({ character: ana, seed: 1 })).result;
  await putRenderedImage(assets, assetKeys.keyframe(ref), keyframes.ana);
  await putRenderedImage(assets, assetKeys.referenceSheet(manifest.production, 'ana'), sheet);
  await assets.putJson(assetKeys.voiceCues(ref), { durationSeconds: SECONDS, cues: [] });

  const delivered = await clips(keyframes);
  const requests: ClipRequest[] = [];
  const video: VideoModel = {
    renderClip: async (request) => {
      requests.push(request);
      return {
        result: { mp4: delivered[requests.length - 1]! },
        usage: { videoSeconds: billedVideoSeconds('openai-compatible', 'sora-2', SECONDS) },
        provider: 'openai-compatible',
        model: 'sora-2',
      };
    },
  };
  const providers = {
    video: cameraMotion
      ? { port: cameraMotion, provider: 'offline', model: 'camera-motion-v1' }
      : { port: video, provider: 'openai-compatible', model: 'sora-2' },
    consistency: { port: new PixelConsistencyScorer(), provider: 'offline', model: 'pixel-similarity-v1' },
  } as Partial<BoundProviders> as BoundProviders;
  const deps: VideoWorkerDeps = {
    clients: {
      s3,
      dynamo: table.dynamo,
      sfn: new SFNClient({ region: 'us-east-1' }),
      sqs: new SQSClient({ region: 'us-east-1' }),
    },
    assets,
    productions,
    ledger,
    logger: new Logger({ serviceName: 'unit', logLevel: 'CRITICAL' }),
    tableName: table.tableName,
    settings: { sceneMaxConcurrency: 3, episodeMaxConcurrency: 1, keyframeMaxAttempts: 3, videoMaxReceiveCount: 3 },
    providers: async () => providers,
    profileProblems: () => [],
    loadManifest: async () => manifest,
  };
  const clipEstimateUsd = estimateUsd(providers.video, {
    videoSeconds: billedVideoSeconds('openai-compatible', 'sora-2', SECONDS),
  });
  return { manifest, deps, objects, requests, delivered, productions, ledger, clipEstimateUsd };
}

describe('video candidates', () => {
  it('of three, one frozen and one off-model, keeps the remaining one and says why of each', {
    timeout: 60_000,
  }, async () => {
    // Prepare: candidate 1 holds Ana's keyframe still, candidate 2 moves over Bruno where Ana should be, candidate 3 moves over Ana
    const world = await candidateWorld(10, async (keyframes) => [
      await stillClip(keyframes.ana.png),
      await movingClip(keyframes.bruno),
      await movingClip(keyframes.ana),
    ]);

    // Act
    const progress = await renderSceneClip(ref, world.deps);

    // Assess: the third clip is the scene's clip, and each candidate's reason names what it was judged on
    expect(progress).toEqual({ state: 'done', output: { clipKey: assetKeys.clip(ref), durationSeconds: SECONDS } });
    expect(world.objects.get(assetKeys.clip(ref))?.equals(world.delivered[2]!)).toBe(true);
    const record = await world.productions.getScene(ref.productionId, ref.episodeId, ref.sceneId);
    // Every candidate's clip, kept or passed over, is under its own key with the frame it was scored on.
    for (const [index, delivered] of world.delivered.entries()) {
      const keys = { clip: assetKeys.candidateClip(ref, index + 1), frame: assetKeys.candidateFrame(ref, index + 1) };
      expect(record.videoCandidates![index]).toMatchObject(keys);
      expect(world.objects.get(keys.clip)?.equals(delivered)).toBe(true);
      expect(world.objects.get(keys.frame)?.subarray(1, 4).toString('latin1')).toBe('PNG');
    }
    const judged = record.videoCandidates!.map((c) => ({ candidate: c.candidate, kept: c.kept, reason: c.reason }));
    expect(judged).toEqual([
      {
        candidate: 1,
        kept: false,
        reason: expect.stringMatching(/^passed over: frozen-frames: frozen picture 0\.00-/),
      },
      {
        candidate: 2,
        kept: false,
        reason: expect.stringMatching(/^passed over: consistency 0\.\d+ for ana is below 0\.58$/),
      },
      { candidate: 3, kept: true, reason: expect.stringMatching(/^kept: passed the picture checks/) },
    ]);
    expect(record.videoCandidates!.map((c) => c.motion)).toEqual([0, 1, 1]);

    // Assess: the report shows every candidate's scores and what it cost
    const report = buildProductionReport({
      manifest: world.manifest,
      meta: await world.productions.getProduction(ref.productionId),
      scenes: [record],
      costs: await world.ledger.listCosts(ref.productionId),
      episodes: new Map(),
    });
    const shown = report.episodes[0]!.scenes[0]!.video!;
    expect(shown.candidates.map((c) => ({ candidate: c.candidate, kept: c.kept, costUsd: c.costUsd }))).toEqual([
      { candidate: 1, kept: false, costUsd: 0.4 },
      { candidate: 2, kept: false, costUsd: 0.4 },
      { candidate: 3, kept: true, costUsd: 0.4 },
    ]);
    expect(shown.candidates[2]).toMatchObject({
      consistency: { ana: expect.any(Number) },
      checks: [
        { name: 'black-frames', passed: true },
        { name: 'frozen-frames', passed: true },
      ],
    });
    expect(report.cost.byStage.video).toBe(1.2);
  });

  it('with a budget too small for every candidate, buys none and stops at the cap', { timeout: 60_000 }, async () => {
    // Prepare: room for two and a half clips' holds, three asked for
    const probe = await candidateWorld(10, async () => []);
    const world = await candidateWorld(probe.clipEstimateUsd * 2.5, async (keyframes) => [
      await movingClip(keyframes.ana),
      await movingClip(keyframes.ana),
      await movingClip(keyframes.ana),
    ]);

    // Act
    const attempt = renderSceneClip(ref, world.deps);

    // Assess: refused before any clip was asked for, and nothing is left held or spent
    await expect(attempt).rejects.toBeInstanceOf(BudgetExceeded);
    expect(world.requests).toEqual([]);
    const meta = await world.productions.getProduction(ref.productionId);
    expect({ spent: meta.spentUsd, reserved: meta.reservedUsd, unconfirmed: meta.unconfirmedUsd }).toEqual({
      spent: 0,
      reserved: 0,
      unconfirmed: 0,
    });
  });

  it('scores the offline camera moves over an on-model keyframe: every move passes, and the kept one is stored as its plan', {
    timeout: 60_000,
  }, async () => {
    // Prepare: the offline model's camera moves over Ana's keyframe, three of them
    const world = await candidateWorld(10, async () => [], new CameraMotionVideoModel());

    // Act
    const progress = await renderSceneClip(ref, world.deps);

    // Assess: every move holds Ana above the threshold on every sampled frame's mean, and the kept one is stored as its plan
    expect(progress).toMatchObject({ state: 'done', output: { clipKey: assetKeys.cameraMove(ref) } });
    const record = await world.productions.getScene(ref.productionId, ref.episodeId, ref.sceneId);
    expect(record.videoCandidates!.map((c) => ({ candidate: c.candidate, reason: c.reason.split(':')[0] }))).toEqual([
      { candidate: 1, reason: expect.stringMatching(/^(kept|passed over)$/) },
      { candidate: 2, reason: expect.stringMatching(/^(kept|passed over)$/) },
      { candidate: 3, reason: expect.stringMatching(/^(kept|passed over)$/) },
    ]);
    expect(record.videoCandidates!.filter((c) => c.consistency.ana! < 0.58)).toEqual([]);
    expect(record.videoCandidates!.filter((c) => c.checks.some((check) => !check.passed))).toEqual([]);
  });
});
