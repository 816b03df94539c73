import { readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaToolFailed } from '../../../lambdas/core/errors.js';
import { ffmpegPath, probeMedia, runFfmpeg, withTempDir, type FfmpegProgress } from '../../../lambdas/adapters/media/ffmpeg.js';
import { scratchDir } from './media-fixtures.js';
import { readMediaEnvironment } from '../../../lambdas/core/environment.js';

describe('ffmpeg runner', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await scratchDir()));
  afterAll(() => cleanup());

  it('prefers FFMPEG_PATH and falls back to the installer binary', () => {
    expect(ffmpegPath(readMediaEnvironment({ FFMPEG_PATH: '/opt/bin/ffmpeg' }))).toBe('/opt/bin/ffmpeg');
    expect(path.isAbsolute(ffmpegPath({}))).toBe(true);
  });

  it('probes streams and format of a file it wrote', async () => {
    const file = path.join(dir, 'probe.mp4');
    await runFfmpeg([
      '-f', 'lavfi', '-i', 'testsrc=s=160x90:r=15:d=2',
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100:duration=2',
      '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-y', file,
    ]);
    const probe = await probeMedia(file);
    const video = probe.streams.find((s) => s.codecType === 'video');
    const audio = probe.streams.find((s) => s.codecType === 'audio');
    expect(video).toMatchObject({ codecName: 'h264', width: 160, height: 90, fps: 15, frameCount: 30, pixelFormat: 'yuv420p' });
    expect(audio).toMatchObject({ codecName: 'aac', sampleRate: 44100, channels: 1 });
    expect(probe.durationSeconds).toBeCloseTo(2, 1);
  });

  it('reports progress parsed from -progress, ending with done', async () => {
    const reports: FfmpegProgress[] = [];
    await runFfmpeg(['-f', 'lavfi', '-i', 'testsrc=s=160x90:r=25:d=3', '-f', 'null', '-'], { onProgress: (p) => reports.push(p) });
    expect(reports.length).toBeGreaterThan(0);
    const last = reports[reports.length - 1];
    expect(last?.done).toBe(true);
    expect(last?.frame).toBe(75);
    expect(last?.outTimeSeconds).toBeCloseTo(3, 1);
  });

  it('fails with MediaToolFailed carrying the tail of stderr', async () => {
    const missing = path.join(dir, 'no-such-input.wav');
    const failure = runFfmpeg(['-i', missing, '-f', 'null', '-']);
    await expect(failure).rejects.toBeInstanceOf(MediaToolFailed);
    await expect(failure).rejects.toThrow(/no-such-input\.wav/);
  });

  it('fails with MediaToolFailed when the binary is missing', async () => {
    const previous = process.env.FFMPEG_PATH;
    process.env.FFMPEG_PATH = path.join(dir, 'not-ffmpeg');
    try {
      await expect(runFfmpeg(['-version'])).rejects.toThrow(MediaToolFailed);
    } finally {
      if (previous === undefined) delete process.env.FFMPEG_PATH;
      else process.env.FFMPEG_PATH = previous;
    }
  });

  it('probing a file that is not media fails with MediaToolFailed', async () => {
    const file = path.join(dir, 'not-media.mp4');
    await writeFile(file, 'hello');
    await expect(probeMedia(file)).rejects.toThrow(MediaToolFailed);
  });

  it('removes its temp dir even when the work throws', async () => {
    let used = '';
    await expect(
      withTempDir(async (tempDir) => {
        used = tempDir;
        await writeFile(path.join(tempDir, 'x'), 'x');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(path.dirname(used)).toBe(os.tmpdir());
    expect(await readdir(os.tmpdir())).not.toContain(path.basename(used));
  });
});
