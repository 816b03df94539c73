import { readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import {
  type FfmpegProgress,
  ffmpegPath,
  probeMedia,
  runFfmpeg,
  withTempDir,
} from '../../../../../lambdas/adapters/media/ffmpeg.js';
import { readMediaEnvironment } from '../../../../../lambdas/core/contracts/environment.js';
import { MediaToolFailed } from '../../../../../lambdas/core/contracts/errors.js';
import { scratchDir } from '../../../../support/media-fixtures.js';

describe('ffmpeg runner', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await scratchDir()));
  afterAll(() => cleanup());

  it('prefers FFMPEG_PATH and falls back to the installer binary', () => {
    // Prepare
    const configured = readMediaEnvironment({ FFMPEG_PATH: '/opt/bin/ffmpeg' });

    // Act
    const preferred = ffmpegPath(configured);
    const fallback = ffmpegPath({});

    // Assess
    expect(preferred).toBe('/opt/bin/ffmpeg');
    expect(path.isAbsolute(fallback)).toBe(true);
  });

  it('probes streams and format of a file it wrote', async () => {
    // Prepare
    const file = path.join(dir, 'probe.mp4');
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc=s=160x90:r=15:d=2',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=44100:duration=2',
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-shortest',
      '-y',
      file,
    ]);

    // Act
    const probe = await probeMedia(file);

    // Assess
    const video = probe.streams.find((s) => s.codecType === 'video');
    const audio = probe.streams.find((s) => s.codecType === 'audio');
    expect(video).toMatchObject({
      codecName: 'h264',
      width: 160,
      height: 90,
      fps: 15,
      frameCount: 30,
      pixelFormat: 'yuv420p',
    });
    expect(audio).toMatchObject({ codecName: 'aac', sampleRate: 44100, channels: 1 });
    expect(probe.durationSeconds).toBeCloseTo(2, 1);
  });

  it('reports progress parsed from -progress, ending with done', async () => {
    // Prepare
    const reports: FfmpegProgress[] = [];

    // Act
    await runFfmpeg(['-f', 'lavfi', '-i', 'testsrc=s=160x90:r=25:d=3', '-f', 'null', '-'], {
      onProgress: (p) => reports.push(p),
    });

    // Assess
    expect(reports.length).toBeGreaterThan(0);
    const last = reports[reports.length - 1];
    expect(last?.done).toBe(true);
    expect(last?.frame).toBe(75);
    expect(last?.outTimeSeconds).toBeCloseTo(3, 1);
  });

  it('fails with MediaToolFailed carrying the tail of stderr', async () => {
    // Prepare
    const missing = path.join(dir, 'no-such-input.wav');

    // Act
    const failure = runFfmpeg(['-i', missing, '-f', 'null', '-']);

    // Assess
    await expect(failure).rejects.toBeInstanceOf(MediaToolFailed);
    await expect(failure).rejects.toThrow(/no-such-input\.wav/);
  });

  it('fails with MediaToolFailed when the binary is missing', async () => {
    // Prepare: FFMPEG_PATH points at nothing, for this test only
    vi.stubEnv('FFMPEG_PATH', path.join(dir, 'not-ffmpeg'));
    onTestFinished(() => {
      vi.unstubAllEnvs();
    });

    // Act
    const run = runFfmpeg(['-version']);

    // Assess
    await expect(run).rejects.toThrow(MediaToolFailed);
  });

  it('probing a file that is not media fails with MediaToolFailed', async () => {
    // Prepare
    const file = path.join(dir, 'not-media.mp4');
    await writeFile(file, 'hello');

    // Act
    const probe = probeMedia(file);

    // Assess
    await expect(probe).rejects.toThrow(MediaToolFailed);
  });

  it('removes its temp dir even when the work throws', async () => {
    // Prepare
    let used = '';

    // Act
    const run = withTempDir(async (tempDir) => {
      used = tempDir;
      await writeFile(path.join(tempDir, 'x'), 'x');
      throw new Error('boom');
    });

    // Assess
    await expect(run).rejects.toThrow('boom');
    expect(path.dirname(used)).toBe(os.tmpdir());
    expect(await readdir(os.tmpdir())).not.toContain(path.basename(used));
  });
});
