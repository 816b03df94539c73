import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LOSSLESS_H264_ARGS, runFfmpeg, withTempDir } from './ffmpeg.js';

/**
 * A clip followed by its last frame held for `holdSeconds`, for a stage that needs a picture as
 * long as a dub's voice (the lip re-sync of a held scene). Lossless H.264 (qp 0), as the camera
 * move's clip: the episode's encode stays the only lossy one.
 */
export async function holdLastFrame(mp4: Buffer, holdSeconds: number, fps: number): Promise<Buffer> {
  return withTempDir(async (dir) => {
    const input = path.join(dir, 'clip.mp4');
    const output = path.join(dir, 'held.mp4');
    await writeFile(input, mp4);
    await runFfmpeg([
      '-i',
      input,
      '-vf',
      `fps=${fps},tpad=stop_mode=clone:stop_duration=${holdSeconds}`,
      ...LOSSLESS_H264_ARGS,
      '-an',
      '-y',
      output,
    ]);
    return readFile(output);
  });
}
