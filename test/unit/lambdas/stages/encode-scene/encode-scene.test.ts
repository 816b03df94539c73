import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { probeMedia } from '../../../../../lambdas/adapters/media/ffmpeg.js';
import { sha256 } from '../../../../../lambdas/core/domain/content-hash.js';
import type { StoredVoiceCues } from '../../../../../lambdas/core/domain/scene-artifacts.js';
import { encodeSceneStage } from '../../../../../lambdas/stages/encode-scene/encode-scene.js';
import { changedFraction, lumaAt, scratchDir, testPattern } from '../../../../support/media-fixtures.js';
import { meetingManifest } from '../../../../support/mocked-stage-deps.js';
import { stageWorld } from '../../../../support/stage-world.js';

const scene = { productionId: 'unit-series', episodeId: 'ep01', sceneId: 's01' };
const root = 'productions/unit-series/scenes/ep01/s01';
const keys = {
  cameraMove: `${root}/camera-move.json`,
  video: `${root}/scene-video.mp4`,
};
const WIDTH = 180;
const HEIGHT = 320;
const FPS = 12;
/** 37 characters: two lines in the portrait feed preset (28 a line), one in broadcast (42). */
const LONG_LINE = 'I kept every letter you never sent me.';
/** 2.46 s: 29.52 frames at 12 fps, so the scene is 30 frames long. */
const cues: StoredVoiceCues = {
  durationSeconds: 2.46,
  cues: [
    { index: 0, characterId: 'ana', speaker: 'Ana', text: 'You came back.', startSeconds: 0.2, endSeconds: 0.9 },
    { index: 1, characterId: 'ben', speaker: 'Ben', text: LONG_LINE, startSeconds: 1.25, endSeconds: 2.1 },
  ],
};

const manifestWith = (subtitles?: { preset: 'broadcast' }) =>
  meetingManifest({
    format: { aspectRatio: '9:16', width: WIDTH, height: HEIGHT, fps: FPS },
    ...(subtitles && { subtitles }),
  });

/** A scene whose video stage left the offline camera move over its keyframe, and whose voice timed it. */
async function movedScene(voiceCues: StoredVoiceCues = cues, subtitles?: { preset: 'broadcast' }) {
  const keyframe = await testPattern(WIDTH, HEIGHT);
  const world = await stageWorld(manifestWith(subtitles), {
    objects: [
      [`${root}/voice-cues.json`, Buffer.from(JSON.stringify(voiceCues))],
      [`${root}/keyframe.png`, keyframe],
      [
        keys.cameraMove,
        Buffer.from(JSON.stringify({ move: 'zoom-in', frameCount: 30, keyframeSha256: sha256(keyframe) })),
      ],
    ],
  });
  await world.ensureScenes();
  await world.productions.updateScene(scene, { assets: { clip: keys.cameraMove } });
  return world;
}

async function sceneVideoFile(world: Awaited<ReturnType<typeof movedScene>>, name: string) {
  const { dir, cleanup } = await scratchDir();
  onTestFinished(cleanup);
  const file = path.join(dir, `${name}.mp4`);
  await writeFile(file, world.objects.get(keys.video)!);
  return file;
}

describe('Encode scene', () => {
  it("encodes the camera move as the scene's frames of the manifest's format, without sound, and names it on the row", async () => {
    // Prepare
    const world = await movedScene();

    // Act
    const result = await encodeSceneStage(scene, world.deps);

    // Assess
    expect(result).toEqual({ encoded: true });
    const probe = await probeMedia(await sceneVideoFile(world, 'moved'));
    expect(probe.streams.map((stream) => stream.codecType)).toEqual(['video']);
    expect(probe.streams[0]).toMatchObject({
      codecName: 'h264',
      pixelFormat: 'yuv420p',
      width: WIDTH,
      height: HEIGHT,
      fps: FPS,
      frameCount: 30,
    });
    const row = await world.productions.getScene('unit-series', 'ep01', 's01');
    expect(row.status).toBe('ENCODING');
    expect(row.assets).toEqual({
      clip: keys.cameraMove,
      srt: `${root}/subtitles.srt`,
      vtt: `${root}/subtitles.vtt`,
      video: keys.video,
    });
  });

  it("writes SRT and VTT timed by the voice track's cues", async () => {
    // Prepare
    const world = await movedScene();

    // Act
    await encodeSceneStage(scene, world.deps);

    // Assess
    const srt = world.objects.get(`${root}/subtitles.srt`)!.toString('utf8');
    const vtt = world.objects.get(`${root}/subtitles.vtt`)!.toString('utf8');
    const blocks = srtBlocks(srt);
    expect(blocks.map((block) => block.slice(0, 2))).toEqual([
      ['1', '00:00:00,200 --> 00:00:00,900'],
      ['2', '00:00:01,250 --> 00:00:02,100'],
    ]);
    expect(blocks[0]!.slice(2)).toEqual(['You came back.']);
    expect(vtt.startsWith('WEBVTT')).toBe(true);
    expect(vtt).toContain('00:00:01.250 --> 00:00:02.100');
    expect(vtt).toContain('<v Ana>You came back.</v>');
  });

  it("breaks a long line as the manifest's subtitle style does: two lines in the feed preset, one in broadcast", async () => {
    // Prepare
    const feed = await movedScene();
    const broadcast = await movedScene(cues, { preset: 'broadcast' });

    // Act
    await encodeSceneStage(scene, feed.deps);
    await encodeSceneStage(scene, broadcast.deps);

    // Assess
    const shown = (world: typeof feed) =>
      srtBlocks(world.objects.get(`${root}/subtitles.srt`)!.toString('utf8'))[1]!.slice(2);
    const inFeed = shown(feed);
    expect(inFeed).toHaveLength(2);
    expect(inFeed.filter((line) => line.length > 28)).toEqual([]);
    expect(inFeed.join(' ')).toBe(LONG_LINE);
    expect(shown(broadcast)).toEqual([LONG_LINE]);
  });

  it("burns the scene's cues into the lower third only while they are on", async () => {
    // Prepare
    const subtitled = await movedScene();
    const bare = await movedScene({ durationSeconds: cues.durationSeconds, cues: [] });

    // Act
    await encodeSceneStage(scene, subtitled.deps);
    await encodeSceneStage(scene, bare.deps);

    // Assess
    const [withCue, withoutCue] = [await sceneVideoFile(subtitled, 'subtitled'), await sceneVideoFile(bare, 'bare')];
    const lowerThird = [Math.floor((HEIGHT * 2) / 3), HEIGHT] as const;
    const on = changedFraction(
      await lumaAt(withCue, 0.5, WIDTH, HEIGHT),
      await lumaAt(withoutCue, 0.5, WIDTH, HEIGHT),
      ...lowerThird,
      WIDTH,
    );
    const off = changedFraction(
      await lumaAt(withCue, 1.1, WIDTH, HEIGHT),
      await lumaAt(withoutCue, 1.1, WIDTH, HEIGHT),
      ...lowerThird,
      WIDTH,
    );
    expect(on).toBeGreaterThan(0.005);
    expect(off).toBeLessThan(0.001);
  });

  it('keeps the video of an unchanged scene, and encodes it again when its subtitle style changes', async () => {
    // Prepare
    const world = await movedScene();
    await encodeSceneStage(scene, world.deps);

    // Act
    const unchanged = await encodeSceneStage(scene, world.deps);
    world.objects.set(
      'productions/unit-series/manifest.json',
      Buffer.from(JSON.stringify(manifestWith({ preset: 'broadcast' }))),
    );
    const restyled = await encodeSceneStage(scene, world.deps);

    // Assess
    expect(unchanged).toEqual({ encoded: false });
    expect(restyled).toEqual({ encoded: true });
  });

  it('fails with AssetMissing when the voice stage left no cues, having written no subtitles', async () => {
    // Prepare
    const world = await stageWorld(manifestWith());
    await world.ensureScenes();
    await world.productions.updateScene(scene, { assets: { clip: keys.cameraMove } });

    // Act
    const attempt = encodeSceneStage(scene, world.deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'AssetMissing',
      message: expect.stringContaining('voice-cues.json'),
    });
    expect([...world.objects.keys()].filter((key) => key.startsWith(root))).toEqual([]);
  });

  it('fails with AssetMissing when the scene has no clip, having encoded nothing', async () => {
    // Prepare
    const world = await stageWorld(manifestWith(), {
      objects: [[`${root}/voice-cues.json`, Buffer.from(JSON.stringify(cues))]],
    });
    await world.ensureScenes();

    // Act
    const attempt = encodeSceneStage(scene, world.deps);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'AssetMissing', message: expect.stringContaining('clip.mp4') });
    expect(world.objects.has(keys.video)).toBe(false);
  });
});

/** An SRT file's blocks: index, timing and the lines shown. */
const srtBlocks = (srt: string) =>
  srt
    .trim()
    .split(/\r?\n\r?\n/)
    .map((block) => block.split(/\r?\n/));
