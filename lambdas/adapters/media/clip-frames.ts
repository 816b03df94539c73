import path from 'node:path';
import { runFfmpeg } from './ffmpeg.js';

/**
 * One frame of a video file as a PNG, at `timeSeconds` (the frame shown then). The seek is an
 * input option, so ffmpeg decodes from the nearest keyframe rather than from the start.
 */
export async function frameAt(videoFile: string, timeSeconds: number, width: number, height: number): Promise<Buffer> {
  const { stdout } = await runFfmpeg([
    '-ss',
    timeSeconds.toFixed(3),
    '-i',
    path.resolve(videoFile),
    '-frames:v',
    '1',
    '-vf',
    `scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height}`,
    '-f',
    'image2pipe',
    '-c:v',
    'png',
    '-',
  ]);
  return stdout;
}
