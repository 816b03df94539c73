import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeMedia } from '../../../../../../lambdas/adapters/media/ffmpeg.js';
import { encodeScene, sceneFrameCount } from '../../../../../../lambdas/adapters/media/scene-encode.js';
import {
  CameraMotionVideoModel,
  cameraMoveForSeed,
} from '../../../../../../lambdas/adapters/providers/offline/camera-motion-video-model.js';
import { ProviderRejected } from '../../../../../../lambdas/core/contracts/errors.js';
import { CAMERA_MOVES, type ClipRequest } from '../../../../../../lambdas/core/contracts/ports.js';
import { sha256 } from '../../../../../../lambdas/core/domain/content-hash.js';
import { resolveSubtitleStyle } from '../../../../../../lambdas/core/text/subtitle-style.js';
import { lumaAt, meanAbsoluteDifference, scratchDir, testPattern } from '../../../../../support/media-fixtures.js';

describe('CameraMotionVideoModel', () => {
  const model = new CameraMotionVideoModel();
  let dir: string;
  let cleanup: () => Promise<void>;
  let keyframePng: Buffer;
  beforeAll(async () => {
    ({ dir, cleanup } = await scratchDir());
    keyframePng = await testPattern(180, 320);
  });
  afterAll(() => cleanup());

  function request(overrides: Partial<ClipRequest>): ClipRequest {
    return {
      keyframePng,
      width: 180,
      height: 320,
      fps: 12,
      durationSeconds: 2,
      seed: 0,
      prompt: 'a station at night',
      ...overrides,
    };
  }

  /** The clip the model plans, rendered as the episode's encode renders it: one scene, with no cues. */
  async function render(name: string, overrides: Partial<ClipRequest>): Promise<string> {
    const clip = request(overrides);
    const { result } = await model.renderClip(clip);
    const keyframeFile = path.join(dir, `${name}.png`);
    const outputFile = path.join(dir, `${name}.mp4`);
    await writeFile(keyframeFile, clip.keyframePng);
    await encodeScene({
      picture: { cameraMove: { keyframeFile, move: result.cameraMove.move } },
      frameCount: sceneFrameCount(clip.durationSeconds, clip.fps),
      subtitlePages: [],
      subtitleLook: resolveSubtitleStyle(undefined, { width: clip.width, height: clip.height }),
      language: 'vi-VN',
      width: clip.width,
      height: clip.height,
      fps: clip.fps,
      outputFile,
    });
    return outputFile;
  }

  it.each([
    { durationSeconds: 2, fps: 12, frames: 24 },
    { durationSeconds: 2.37, fps: 12, frames: 28 },
    { durationSeconds: 1.5, fps: 15, frames: 23 },
  ])(
    'plans $durationSeconds s at $fps fps as $frames frames, which the episode encodes as exactly that much H.264',
    async ({ durationSeconds, fps, frames }) => {
      // Act
      const { result } = await model.renderClip(request({ durationSeconds, fps }));
      const file = await render(`clip-${durationSeconds}-${fps}`, { durationSeconds, fps });

      // Assess
      expect(result.cameraMove.frameCount).toBe(frames);
      const video = (await probeMedia(file)).streams.find((s) => s.codecType === 'video');
      expect(video).toMatchObject({
        codecName: 'h264',
        pixelFormat: 'yuv420p',
        width: 180,
        height: 320,
        fps,
        frameCount: frames,
      });
      expect(video?.durationSeconds).toBeCloseTo(frames / fps, 3);
    },
  );

  it('reports the planned seconds as usage, for free and offline, and names the keyframe the move is over', async () => {
    // Act
    const metered = await model.renderClip(request({ durationSeconds: 2.37, fps: 12 }));

    // Assess
    expect(metered).toMatchObject({ provider: 'offline', model: 'camera-motion-v1', usage: { videoSeconds: 28 / 12 } });
    expect(metered.result.cameraMove.keyframeSha256).toBe(sha256(keyframePng));
  });

  it('fills the frame from a keyframe of another aspect ratio', async () => {
    // Prepare
    const square = await testPattern(200, 200);

    // Act
    const file = await render('square', { keyframePng: square, width: 240, height: 136 });

    // Assess
    expect((await probeMedia(file)).streams.find((s) => s.codecType === 'video')).toMatchObject({
      width: 240,
      height: 136,
    });
  });

  it('picks every camera move for some seed, and the same move for the same seed', () => {
    // Act
    const moves = new Set(Array.from({ length: 64 }, (_, seed) => cameraMoveForSeed(seed)));
    const once = cameraMoveForSeed(1234);
    const again = cameraMoveForSeed(1234);

    // Assess
    expect([...moves].sort()).toEqual([...CAMERA_MOVES].sort());
    expect(once).toBe(again);
  });

  it.each([0, 3])(
    'moves the camera (seed %i): first and last frames differ, consecutive frames barely',
    async (seed) => {
      // Act
      const file = await render(`motion-${seed}`, { durationSeconds: 2, fps: 12, seed });

      // Assess
      const first = await lumaAt(file, 0, 180, 320);
      const second = await lumaAt(file, 1 / 12, 180, 320);
      const last = await lumaAt(file, 23 / 12, 180, 320);
      const overall = meanAbsoluteDifference(first, last, 0, 320, 180);
      const step = meanAbsoluteDifference(first, second, 0, 320, 180);
      expect(overall).toBeGreaterThan(5);
      expect(step).toBeLessThan(overall / 4);
    },
  );

  it('rejects sizes yuv420p cannot hold and clips shorter than a frame', async () => {
    // Act
    const renderOddWidth = () => model.renderClip(request({ width: 181 }));
    const renderUnderAFrame = () => model.renderClip(request({ durationSeconds: 0.01 }));

    // Assess
    await expect(renderOddWidth()).rejects.toThrow(ProviderRejected);
    await expect(renderUnderAFrame()).rejects.toThrow(ProviderRejected);
  });
});
