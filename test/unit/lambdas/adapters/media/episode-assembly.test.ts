import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assembleEpisode,
  type EpisodeScene,
  type ScenePicture,
  sceneFrameCounts,
} from '../../../../../lambdas/adapters/media/episode-assembly.js';
import { buildDialogueStem } from '../../../../../lambdas/adapters/media/episode-audio.js';
import { probeMedia, runFfmpeg } from '../../../../../lambdas/adapters/media/ffmpeg.js';
import { buildSceneVoiceTrack } from '../../../../../lambdas/adapters/media/voice-track.js';
import { CameraMotionVideoModel } from '../../../../../lambdas/adapters/providers/offline/camera-motion-video-model.js';
import { resolveSubtitleStyle } from '../../../../../lambdas/core/text/subtitle-style.js';
import { type SubtitleCue, subtitlePages } from '../../../../../lambdas/core/text/subtitles.js';
import { changedFraction, lumaAt, scratchDir, testPattern, tone } from '../../../../support/media-fixtures.js';

const WIDTH = 180;
const HEIGHT = 320;
const FPS = 12;

describe('sceneFrameCounts', () => {
  it('cuts scenes on the frame grid of the running total, so rounding never accumulates', () => {
    // Act
    const counts = sceneFrameCounts([1.04, 1.04, 1.04], 12);

    // Assess
    expect(counts.reduce((a, b) => a + b, 0)).toBe(Math.round(3.12 * 12));
    expect(counts).toEqual([12, 13, 12]);
  });
});

describe('assembleEpisode', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let scenes: EpisodeScene[];
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
      scenes.push({ ...picture, durationSeconds });
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

  /** Assembles the prepared scenes with these cues into `<name>.mp4`; what it reported comes back with the file. */
  async function assemble(name: string, cues: SubtitleCue[], language: string) {
    const outputFile = path.join(dir, `${name}.mp4`);
    const fractions: number[] = [];
    const assembled = await assembleEpisode({
      scenes,
      audioFile,
      subtitlePages: subtitlePages(cues),
      subtitleLook: resolveSubtitleStyle(undefined, { width: WIDTH, height: HEIGHT }),
      language,
      width: WIDTH,
      height: HEIGHT,
      fps: FPS,
      outputFile,
      onProgress: (fraction) => fractions.push(fraction),
    });
    return { file: outputFile, frameCount: assembled.frameCount, fractions };
  }

  /** Every assembly covers all the scenes' frames and reports its progress through to the end. */
  function expectWholeEpisode(assembly: Awaited<ReturnType<typeof assemble>>) {
    expect(assembly.frameCount).toBe(Math.round(3.7 * FPS));
    expect(assembly.fractions[assembly.fractions.length - 1]).toBe(1);
  }

  it('encodes H.264 + AAC at the episode format, exactly as long as its scenes', async () => {
    // Act
    const assembly = await assemble(
      'plain',
      [{ startSeconds: 0.2, endSeconds: 3.5, text: 'Anh Minh! Em về rồi!' }],
      'vi-VN',
    );

    // Assess
    expectWholeEpisode(assembly);
    const probe = await probeMedia(assembly.file);
    const video = probe.streams.find((s) => s.codecType === 'video');
    const audio = probe.streams.find((s) => s.codecType === 'audio');
    expect(video).toMatchObject({ codecName: 'h264', pixelFormat: 'yuv420p', width: WIDTH, height: HEIGHT, fps: FPS });
    expect(audio).toMatchObject({ codecName: 'aac', sampleRate: 48_000 });
    const expectedSeconds = durations.reduce((a, b) => a + b, 0);
    expect(video?.frameCount).toBe(Math.round(expectedSeconds * FPS));
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
    // Prepare
    const vietnamese = { startSeconds: 0.5, endSeconds: 1.2, text: 'Anh Minh! Em về rồi! Ắt hẳn' };
    const chinese = { startSeconds: 2.4, endSeconds: 3.2, text: '你好，我回来了！' };
    const lowerThird = [Math.floor((HEIGHT * 2) / 3), HEIGHT] as const;
    const upperPart = [0, Math.floor(HEIGHT / 2)] as const;

    // Act
    const withCues = await assemble('subtitled', [vietnamese, chinese], 'zh-CN');
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

  it('rejects an episode without scenes or with a scene shorter than a frame', async () => {
    // Prepare
    const base = {
      audioFile: path.join(dir, 'none.wav'),
      subtitlePages: [],
      subtitleLook: resolveSubtitleStyle(undefined, { width: WIDTH, height: HEIGHT }),
      language: 'vi-VN',
      width: WIDTH,
      height: HEIGHT,
      fps: FPS,
      outputFile: path.join(dir, 'x.mp4'),
    };

    // Act
    const assembleNoScenes = () => assembleEpisode({ ...base, scenes: [] });
    const assembleUnderAFrame = () => assembleEpisode({ ...base, scenes: [{ clipFile: 'a', durationSeconds: 0.01 }] });

    // Assess
    await expect(assembleNoScenes()).rejects.toThrow(RangeError);
    await expect(assembleUnderAFrame()).rejects.toThrow(RangeError);
  });
});

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
