import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { holdLastFrame } from '../../../../../lambdas/adapters/media/clip-hold.js';
import { probeMedia, runFfmpeg, withTempDir } from '../../../../../lambdas/adapters/media/ffmpeg.js';

const FPS = 12;

/** Raw grey frames, one a line of the file: the held frames must equal the clip's last. */
async function decodedFrames(mp4: Buffer): Promise<Buffer[]> {
  return withTempDir(async (dir) => {
    const input = path.join(dir, 'clip.mp4');
    const raw = path.join(dir, 'frames.gray');
    await writeFile(input, mp4);
    await runFfmpeg(['-i', input, '-vf', 'scale=16:16', '-pix_fmt', 'gray', '-f', 'rawvideo', '-y', raw]);
    const bytes = await readFile(raw);
    return Array.from({ length: bytes.length / 256 }, (_, index) => bytes.subarray(index * 256, (index + 1) * 256));
  });
}

describe('a clip with its last frame held', () => {
  it('runs the clip and then its last frame for the seconds asked, so a held dub scene has a picture as long as its voice', async () => {
    // Prepare: two seconds of a moving test picture
    const clip = await withTempDir(async (dir) => {
      const file = path.join(dir, 'moving.mp4');
      await runFfmpeg(['-f', 'lavfi', '-i', `testsrc2=s=64x64:r=${FPS}:d=2`, '-pix_fmt', 'yuv420p', '-y', file]);
      return readFile(file);
    });

    // Act
    const held = await holdLastFrame(clip, 0.5, FPS);

    // Assess
    const probe = await withTempDir(async (dir) => {
      const file = path.join(dir, 'held.mp4');
      await writeFile(file, held);
      return probeMedia(file);
    });
    expect(Math.abs(probe.durationSeconds! - 2.5)).toBeLessThanOrEqual(1 / FPS);
    const frames = await decodedFrames(held);
    expect(frames).toHaveLength(30);
    const last = frames[23]!;
    for (const frame of frames.slice(24)) expect(frame.equals(last)).toBe(true);
    expect(frames[22]!.equals(last), 'the clip itself still moves before the hold').toBe(false);
  });
});
