import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinScenes } from '../../../../../lambdas/adapters/media/episode-assembly.js';
import { buildDialogueStem } from '../../../../../lambdas/adapters/media/episode-audio.js';
import { ffprobePath, probeMedia, runFfmpeg } from '../../../../../lambdas/adapters/media/ffmpeg.js';
import {
  encodeScene,
  type ScenePicture,
  sceneFrameCount,
  sceneFrameCounts,
} from '../../../../../lambdas/adapters/media/scene-encode.js';
import { buildSceneVoiceTrack } from '../../../../../lambdas/adapters/media/voice-track.js';
import { CameraMotionVideoModel } from '../../../../../lambdas/adapters/providers/offline/camera-motion-video-model.js';
import { resolveSubtitleStyle } from '../../../../../lambdas/core/text/subtitle-style.js';
import { type SubtitleCue, subtitlePages } from '../../../../../lambdas/core/text/subtitles.js';
import { changedFraction, lumaAt, scratchDir, testPattern, tone } from '../../../../support/media-fixtures.js';

const WIDTH = 180;
const HEIGHT = 320;
const FPS = 12;

describe('sceneFrameCounts', () => {
  it('rounds each scene on its own, so a scene can be encoded before the others are known', () => {
    // Act
    const counts = sceneFrameCounts([1.04, 1.04, 1.04], 12);

    // Assess
    expect(counts).toEqual([12, 12, 12]);
    expect(counts[1]).toBe(sceneFrameCount(1.04, 12));
  });
});

describe('encodeScene and joinScenes', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let scenes: ScenePicture[];
  let audioFile: string;
  const durations = [1.3, 0.95, 1.45];

  beforeAll(async () => {
    ({ dir, cleanup } = await scratchDir());
    const model = new CameraMotionVideoModel();
    const keyframePng = await testPattern(WIDTH, HEIGHT);
    const keyframeFile = path.join(dir, 'keyframe.png');
    await writeFile(keyframeFile, keyframePng);
    scenes = [];
    const voiceFiles: string[] = [];
    for (const [index, durationSeconds] of durations.entries()) {
      let picture: ScenePicture;
      if (index === 1) {
        // Another provider's clip: wrong size, other frame rate, and shorter than its scene.
        const clipFile = path.join(dir, `clip-${index}.mp4`);
        await runFfmpeg([
          '-f',
          'lavfi',
          '-i',
          'testsrc=s=320x240:r=25:d=0.6',
          '-c:v',
          'libx264',
          '-pix_fmt',
          'yuv420p',
          '-y',
          clipFile,
        ]);
        picture = { clipFile };
      } else {
        const { result } = await model.renderClip({
          keyframePng,
          width: WIDTH,
          height: HEIGHT,
          fps: FPS,
          durationSeconds,
          seed: index,
          prompt: '',
        });
        picture = { cameraMove: { keyframeFile, move: result.cameraMove.move } };
      }
      const voice = await buildSceneVoiceTrack(
        [
          {
            characterId: 'lan',
            text: 'x',
            audio: await tone({ seconds: 0.5, frequency: 300 + 100 * index, sampleRate: 24_000, format: 'wav' }),
          },
        ],
        { leadInSeconds: 0.1, minimumSeconds: 0 },
      );
      const voiceFile = path.join(dir, `voice-${index}.wav`);
      await writeFile(voiceFile, voice.wav);
      scenes.push(picture);
      voiceFiles.push(voiceFile);
    }
    // The dialogue alone: the mix with a music bed is episode-audio.test.ts's subject.
    audioFile = path.join(dir, 'dialogue.wav');
    await buildDialogueStem({
      voiceFiles,
      frameCounts: sceneFrameCounts(durations, FPS),
      fps: FPS,
      outputFile: audioFile,
    });
  });
  afterAll(() => cleanup());

  /**
   * Encodes each prepared scene with its own cues (from the scene's start) into `<name>.<n>.mp4`,
   * then joins them into `<name>.mp4`; what the join reported comes back with the files.
   */
  async function assemble(name: string, cuesByScene: SubtitleCue[][], language: string) {
    const frameCounts = sceneFrameCounts(durations, FPS);
    const sceneFiles: string[] = [];
    for (const [index, picture] of scenes.entries()) {
      const sceneFile = path.join(dir, `${name}.${index}.mp4`);
      await encodeScene({
        picture,
        frameCount: frameCounts[index]!,
        subtitlePages: subtitlePages(cuesByScene[index] ?? []),
        subtitleLook: resolveSubtitleStyle(undefined, { width: WIDTH, height: HEIGHT }),
        language,
        width: WIDTH,
        height: HEIGHT,
        fps: FPS,
        outputFile: sceneFile,
      });
      sceneFiles.push(sceneFile);
    }
    const outputFile = path.join(dir, `${name}.mp4`);
    const fractions: number[] = [];
    const joined = await joinScenes({
      sceneFiles,
      frameCounts,
      audioFile,
      fps: FPS,
      outputFile,
      onProgress: (fraction) => fractions.push(fraction),
    });
    return { file: outputFile, sceneFiles, frameCount: joined.frameCount, fractions };
  }

  /** Every assembly covers all the scenes' frames and reports its progress through to the end. */
  function expectWholeEpisode(assembly: Awaited<ReturnType<typeof assemble>>) {
    expect(assembly.frameCount).toBe(16 + 11 + 17);
    expect(assembly.fractions[assembly.fractions.length - 1]).toBe(1);
  }

  it('encodes H.264 + AAC at the episode format, exactly as long as its scenes', async () => {
    // Act
    const assembly = await assemble(
      'plain',
      [[{ startSeconds: 0.2, endSeconds: 1.2, text: 'Anh Minh! Em về rồi!' }]],
      'vi-VN',
    );

    // Assess
    expectWholeEpisode(assembly);
    const probe = await probeMedia(assembly.file);
    const video = probe.streams.find((s) => s.codecType === 'video');
    const audio = probe.streams.find((s) => s.codecType === 'audio');
    expect(video).toMatchObject({ codecName: 'h264', pixelFormat: 'yuv420p', width: WIDTH, height: HEIGHT, fps: FPS });
    expect(audio).toMatchObject({ codecName: 'aac', sampleRate: 48_000 });
    const expectedSeconds = (16 + 11 + 17) / FPS;
    expect(video?.frameCount).toBe(16 + 11 + 17);
    expect(Math.abs((video?.durationSeconds ?? 0) - expectedSeconds)).toBeLessThanOrEqual(1 / FPS);
    expect(Math.abs((audio?.durationSeconds ?? 0) - expectedSeconds)).toBeLessThanOrEqual(1 / FPS);
    expect(Math.abs((probe.durationSeconds ?? 0) - expectedSeconds)).toBeLessThanOrEqual(1 / FPS);
  });

  it("fits a provider's clip as delivered to cover the frame, with no bars, in the same encode", async () => {
    // Act
    const assembly = await assemble('fitted', [], 'vi-VN');

    // Assess: the second scene (1.3 s to 2.25 s) is the 320x240 landscape clip; letterboxing would leave the top rows black.
    const frame = await lumaAt(assembly.file, 1.6, WIDTH, HEIGHT);
    const topRows = frame.subarray(0, WIDTH * 40);
    const meanLuma = topRows.reduce((sum, value) => sum + value, 0) / topRows.length;
    expect(meanLuma).toBeGreaterThan(40);
  });

  it('keeps each scene in its slot: the voice of a scene sounds inside that scene', async () => {
    // Act
    const assembly = await assemble('slots', [], 'vi-VN');

    // Assess
    expectWholeEpisode(assembly);
    // The second scene starts at 1.3 s with 0.1 s of lead-in and a 0.5 s tone; the tail after it is silent.
    const loud = await volumeDb(assembly.file, 1.45, 0.3);
    const quiet = await volumeDb(assembly.file, 2.0, 0.2);
    expect(loud).toBeGreaterThan(-30);
    expect(quiet).toBeLessThan(-60);
  });

  it('burns Vietnamese and Chinese subtitles into the lower third only while they are on', async () => {
    // Prepare: the third scene starts at frame 27 (2.25 s), so its cue is on screen from 2.4 s to 3.2 s.
    const vietnamese = { startSeconds: 0.5, endSeconds: 1.2, text: 'Anh Minh! Em về rồi! Ắt hẳn' };
    const chinese = { startSeconds: 0.15, endSeconds: 0.95, text: '你好，我回来了！' };
    const lowerThird = [Math.floor((HEIGHT * 2) / 3), HEIGHT] as const;
    const upperPart = [0, Math.floor(HEIGHT / 2)] as const;

    // Act
    const withCues = await assemble('subtitled', [[vietnamese], [], [chinese]], 'zh-CN');
    const withoutCues = await assemble('bare', [], 'zh-CN');

    // Assess
    expectWholeEpisode(withCues);
    expectWholeEpisode(withoutCues);
    for (const at of [0.8, 2.8]) {
      const subtitled = await lumaAt(withCues.file, at, WIDTH, HEIGHT);
      const bare = await lumaAt(withoutCues.file, at, WIDTH, HEIGHT);
      expect(changedFraction(subtitled, bare, ...lowerThird, WIDTH)).toBeGreaterThan(0.005);
      expect(changedFraction(subtitled, bare, ...upperPart, WIDTH)).toBeLessThan(0.001);
    }
    const between = changedFraction(
      await lumaAt(withCues.file, 1.8, WIDTH, HEIGHT),
      await lumaAt(withoutCues.file, 1.8, WIDTH, HEIGHT),
      ...lowerThird,
      WIDTH,
    );
    expect(between).toBeLessThan(0.001);
  });

  it('joins the scenes without encoding them again: each frame decodes as its scene encoded it, each scene from a keyframe', async () => {
    // Act
    const assembly = await assemble('copied', [[{ startSeconds: 0.2, endSeconds: 1.2, text: 'Em về rồi' }]], 'vi-VN');

    // Assess
    const sceneFrames = (await Promise.all(assembly.sceneFiles.map(decodedFrameHashes))).flat();
    expect(await decodedFrameHashes(assembly.file)).toEqual(sceneFrames);
    expect(await keyframeIndexes(assembly.file)).toEqual(expect.arrayContaining([0, 16, 27]));
  });

  it('rejects a scene shorter than a frame, and a join without scenes', async () => {
    // Prepare
    const scene = {
      picture: { clipFile: 'a' },
      subtitlePages: [],
      subtitleLook: resolveSubtitleStyle(undefined, { width: WIDTH, height: HEIGHT }),
      language: 'vi-VN',
      width: WIDTH,
      height: HEIGHT,
      fps: FPS,
      outputFile: path.join(dir, 'x.mp4'),
    };

    // Act
    const encodeUnderAFrame = () => encodeScene({ ...scene, frameCount: sceneFrameCount(0.01, FPS) });
    const joinNoScenes = () =>
      joinScenes({ sceneFiles: [], frameCounts: [], audioFile: audioFile, fps: FPS, outputFile: scene.outputFile });

    // Assess
    await expect(encodeUnderAFrame()).rejects.toThrow(RangeError);
    await expect(joinNoScenes()).rejects.toThrow(RangeError);
  });
});

/** The MD5 of each decoded picture, in order. */
async function decodedFrameHashes(file: string): Promise<string[]> {
  const { stdout } = await runFfmpeg(['-i', file, '-map', '0:v', '-f', 'framemd5', 'pipe:1']);
  return stdout
    .toString()
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(',').at(-1)!.trim());
}

/** Which frames, counted in presentation order, are keyframes. */
async function keyframeIndexes(file: string): Promise<number[]> {
  const { stdout } = await promisify(execFile)(ffprobePath(), [
    '-v',
    'error',
    '-select_streams',
    'v',
    '-show_entries',
    'packet=pts,flags',
    '-of',
    'csv=p=0',
    file,
  ]);
  const packets = stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [pts, flags] = line.split(',');
      return { pts: Number(pts), key: flags!.startsWith('K') };
    })
    .sort((a, b) => a.pts - b.pts);
  return packets.flatMap((packet, index) => (packet.key ? [index] : []));
}

async function volumeDb(file: string, fromSeconds: number, seconds: number): Promise<number> {
  const { stderrTail } = await runFfmpeg([
    '-loglevel',
    'info',
    '-ss',
    String(fromSeconds),
    '-t',
    String(seconds),
    '-i',
    file,
    '-vn',
    '-af',
    'volumedetect',
    '-f',
    'null',
    '-',
  ]);
  const match = /mean_volume: (-?[\d.]+|-inf) dB/.exec(stderrTail);
  if (!match) throw new Error(`no volumedetect output in: ${stderrTail}`);
  return match[1] === '-inf' ? Number.NEGATIVE_INFINITY : Number(match[1]);
}
