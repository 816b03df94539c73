import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinScenes } from '../../../../../lambdas/adapters/media/episode-assembly.js';
import {
  buildDialogueStem,
  measureLoudness,
  mixEpisodeAudio,
} from '../../../../../lambdas/adapters/media/episode-audio.js';
import { runFfmpeg } from '../../../../../lambdas/adapters/media/ffmpeg.js';
import { encodeScene, sceneFrameCount } from '../../../../../lambdas/adapters/media/scene-encode.js';
import { ProceduralMusicModel } from '../../../../../lambdas/adapters/providers/offline/procedural-music-model.js';
import { resolveSubtitleStyle } from '../../../../../lambdas/core/text/subtitle-style.js';
import { scratchDir } from '../../../../support/media-fixtures.js';

const FPS = 12;

/** Integrated loudness and true peak of a file's audio, read from ffmpeg's own ebur128 summary (not through the code under test). */
async function ebur128(file: string): Promise<{ integrated: number; truePeak: number }> {
  const { stderrTail } = await runFfmpeg([
    '-loglevel',
    'info',
    '-i',
    file,
    '-vn',
    '-af',
    'ebur128=peak=true',
    '-f',
    'null',
    '-',
  ]);
  const summary = stderrTail.slice(stderrTail.lastIndexOf('Summary:'));
  const integrated = /I:\s+(-?[\d.]+) LUFS/.exec(summary)?.[1];
  const truePeak = /Peak:\s+(-?[\d.]+|-inf) dBFS/.exec(summary)?.[1];
  if (integrated === undefined || truePeak === undefined) throw new Error(`no ebur128 summary in: ${stderrTail}`);
  return {
    integrated: Number(integrated),
    truePeak: truePeak === '-inf' ? Number.NEGATIVE_INFINITY : Number(truePeak),
  };
}

/** Mean level, in dBFS, of the band around `hertz` between two times of a file's audio. */
async function bandLevelDb(file: string, hertz: number, fromSeconds: number, toSeconds: number): Promise<number> {
  const { stderrTail } = await runFfmpeg([
    '-loglevel',
    'info',
    '-ss',
    String(fromSeconds),
    '-t',
    String(toSeconds - fromSeconds),
    '-i',
    file,
    '-af',
    `bandpass=f=${hertz}:width_type=q:w=8,volumedetect`,
    '-f',
    'null',
    '-',
  ]);
  const match = /mean_volume: (-?[\d.]+) dB/.exec(stderrTail);
  if (!match) throw new Error(`no volumedetect output in: ${stderrTail}`);
  return Number(match[1]);
}

/** Speech stand-in: a 220 Hz tone that speaks for the first second of every two, at `amplitude` of full scale. */
async function speakingEverySecond(file: string, seconds: number, amplitude: number): Promise<void> {
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `aevalsrc='${amplitude}*sin(2*PI*220*t)*lt(mod(t,2),1)':s=48000:d=${seconds}`,
    '-ac',
    '2',
    '-c:a',
    'pcm_f32le',
    '-y',
    file,
  ]);
}

describe('the episode mix', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, cleanup } = await scratchDir());
  });
  afterAll(() => cleanup());

  it('ducks the music bed under the dialogue: the bed is at least 6 dB lower while someone speaks', async () => {
    // Prepare: a steady 1 kHz bed, so any change in its level is the ducker's doing.
    const dialogueFile = path.join(dir, 'duck-dialogue.wav');
    const musicFile = path.join(dir, 'steady-bed.wav');
    await speakingEverySecond(dialogueFile, 8, 0.08);
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=1000:sample_rate=48000:duration=8',
      '-ac',
      '2',
      '-c:a',
      'pcm_s16le',
      '-y',
      musicFile,
    ]);
    const outputFile = path.join(dir, 'ducked.wav');

    // Act
    await mixEpisodeAudio({ dialogueFile, musicFile, outputFile });

    // Assess: speech in [2, 3) and [4, 5); silence in [3, 4) and [5, 6), the ducker released after half a second.
    const underSpeech = await bandLevelDb(outputFile, 1000, 2.3, 2.9);
    const betweenLines = await bandLevelDb(outputFile, 1000, 3.6, 3.95);
    expect(betweenLines - underSpeech).toBeGreaterThanOrEqual(6);
    expect(await bandLevelDb(outputFile, 1000, 4.3, 4.9)).toBeCloseTo(underSpeech, 0);
  });

  it('delivers an MP4 whose audio ffmpeg measures at -14 LUFS integrated (±1 LU) with a true peak of at most -1 dBTP, from quiet and from hot dialogue', async () => {
    // Prepare: the offline bed under dialogue far too quiet (-40 dBFS) and far too hot (a square-ish tone near full scale).
    const seconds = 10;
    const bed = await new ProceduralMusicModel().composeBed({
      episodeId: 'ep01',
      seed: 1,
      sections: [
        { mood: 'tender', outline: 'Lan steps off the last train.', durationSeconds: seconds / 2 },
        { mood: 'tense', outline: 'Minh is not there.', durationSeconds: seconds / 2 },
      ],
    });
    const musicFile = path.join(dir, 'bed.wav');
    await writeFile(musicFile, bed.result.wav);
    const clipFile = path.join(dir, 'clip.mp4');
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      `testsrc=s=180x320:r=${FPS}:d=${seconds}`,
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      '-y',
      clipFile,
    ]);

    for (const [name, amplitude] of [
      ['quiet', 0.01],
      ['hot', 0.99],
    ] as const) {
      const dialogueFile = path.join(dir, `${name}-dialogue.wav`);
      await speakingEverySecond(dialogueFile, seconds, amplitude);
      const audioFile = path.join(dir, `${name}-mix.wav`);
      const outputFile = path.join(dir, `${name}.mp4`);

      // Act
      const mix = await mixEpisodeAudio({ dialogueFile, musicFile, outputFile: audioFile });
      const sceneFile = path.join(dir, `${name}-scene.mp4`);
      const frameCount = sceneFrameCount(seconds, FPS);
      await encodeScene({
        picture: { clipFile },
        frameCount,
        subtitlePages: [],
        subtitleLook: resolveSubtitleStyle(undefined, { width: 180, height: 320 }),
        language: 'vi-VN',
        width: 180,
        height: 320,
        fps: FPS,
        outputFile: sceneFile,
      });
      await joinScenes({ sceneFiles: [sceneFile], frameCounts: [frameCount], audioFile, fps: FPS, outputFile });

      // Assess
      const before = await ebur128(dialogueFile);
      const delivered = await ebur128(outputFile);
      expect(Math.abs(before.integrated - -14)).toBeGreaterThan(5);
      expect(delivered.integrated).toBeGreaterThanOrEqual(-15);
      expect(delivered.integrated).toBeLessThanOrEqual(-13);
      expect(delivered.truePeak).toBeLessThanOrEqual(-1);
      expect(mix.normalization).toBe('linear');
      const measured = await measureLoudness(outputFile);
      expect(measured.integratedLufs).toBeCloseTo(delivered.integrated, 1);
      expect(measured.truePeakDbtp).toBeCloseTo(delivered.truePeak, 1);
    }
  });

  it('lays each scene’s voice in its own slot on the frame grid, padded or cut to the scene', async () => {
    // Prepare: two scenes of 12 and 6 frames; the first voice is longer than its scene.
    const first = path.join(dir, 'voice-1.wav');
    const second = path.join(dir, 'voice-2.wav');
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=300:sample_rate=24000:duration=1.4',
      '-c:a',
      'pcm_s16le',
      '-y',
      first,
    ]);
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=900:sample_rate=24000:duration=0.2',
      '-c:a',
      'pcm_s16le',
      '-y',
      second,
    ]);
    const outputFile = path.join(dir, 'stem.wav');

    // Act
    const stem = await buildDialogueStem({ voiceFiles: [first, second], frameCounts: [12, 6], fps: FPS, outputFile });

    // Assess: 1.5 s at 48 kHz; the first voice is cut at 1 s, the second sounds from 1 s and is silent after 1.2 s.
    expect(stem.samples).toBe(72_000);
    const firstVoice = await bandLevelDb(outputFile, 300, 0.5, 0.95);
    expect(firstVoice).toBeGreaterThan(-40);
    // The band filter lets a little of the second voice through: the first voice itself is gone.
    expect(await bandLevelDb(outputFile, 300, 1.02, 1.18)).toBeLessThan(firstVoice - 20);
    expect(await bandLevelDb(outputFile, 900, 1.02, 1.18)).toBeGreaterThan(-40);
    expect(await bandLevelDb(outputFile, 900, 1.3, 1.5)).toBeLessThan(-60);
  });
});
