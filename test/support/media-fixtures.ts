import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runFfmpeg } from '../../lambdas/adapters/media/ffmpeg.js';

/** A scratch directory per test file, removed by the returned cleanup. */
export async function scratchDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-media-test-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function testPattern(width: number, height: number): Promise<Buffer> {
  const { stdout } = await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=${width}x${height}:r=1`,
    '-frames:v',
    '1',
    '-f',
    'image2pipe',
    '-c:v',
    'png',
    'pipe:1',
  ]);
  return stdout;
}

export async function tone(options: {
  seconds: number;
  frequency: number;
  sampleRate: number;
  channels?: number;
  format: 'wav' | 'mp3';
}): Promise<Buffer> {
  const { stdout } = await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=${options.frequency}:sample_rate=${options.sampleRate}:duration=${options.seconds}`,
    '-ac',
    String(options.channels ?? 1),
    ...(options.format === 'wav'
      ? ['-c:a', 'pcm_s16le', '-f', 'wav']
      : ['-c:a', 'libmp3lame', '-b:a', '96k', '-f', 'mp3']),
    'pipe:1',
  ]);
  return stdout;
}

/** One decoded frame as 8-bit luma, `seconds` into the file. */
export async function lumaAt(file: string, seconds: number, width: number, height: number): Promise<Uint8Array> {
  const { stdout } = await runFfmpeg([
    '-ss',
    String(seconds),
    '-i',
    file,
    '-frames:v',
    '1',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'gray',
    '-s',
    `${width}x${height}`,
    'pipe:1',
  ]);
  if (stdout.length !== width * height) throw new Error(`expected ${width * height} luma bytes, got ${stdout.length}`);
  return stdout;
}

export function meanAbsoluteDifference(
  a: Uint8Array,
  b: Uint8Array,
  fromRow: number,
  toRow: number,
  width: number,
): number {
  let total = 0;
  for (let i = fromRow * width; i < toRow * width; i += 1) total += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return total / ((toRow - fromRow) * width);
}

/** Share of pixels in rows [fromRow, toRow) whose luma differs by more than `threshold`. */
export function changedFraction(
  a: Uint8Array,
  b: Uint8Array,
  fromRow: number,
  toRow: number,
  width: number,
  threshold = 40,
): number {
  let changed = 0;
  for (let i = fromRow * width; i < toRow * width; i += 1)
    if (Math.abs((a[i] ?? 0) - (b[i] ?? 0)) > threshold) changed += 1;
  return changed / ((toRow - fromRow) * width);
}
