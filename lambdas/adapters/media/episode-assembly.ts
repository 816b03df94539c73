import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EPISODE_AUDIO_SAMPLE_RATE } from './episode-audio.js';
import { type FfmpegProgress, runFfmpeg, withTempDir } from './ffmpeg.js';

export interface JoinScenesRequest {
  /** Each scene's video from encodeScene, in the episode's order. */
  sceneFiles: string[];
  /** The scenes' frame counts, as they were encoded. */
  frameCounts: number[];
  /** The episode's mixed sound (episode-audio.ts), on the same frame grid as the scenes; cut or padded to the picture. */
  audioFile: string;
  fps: number;
  outputFile: string;
  /** Fraction of the episode written, 0..1, with ffmpeg's raw report. */
  onProgress?: (fraction: number, progress: FfmpegProgress) => void;
}

export interface JoinedEpisode {
  frameCount: number;
  durationSeconds: number;
}

/**
 * Lays the encoded scenes end to end by stream copy (no frame is encoded again) under the
 * episode's mixed sound, which is encoded to AAC and cut to the picture's last frame, so the
 * two streams end together.
 */
export async function joinScenes(request: JoinScenesRequest): Promise<JoinedEpisode> {
  const { fps } = request;
  if (request.sceneFiles.length === 0 || request.sceneFiles.length !== request.frameCounts.length)
    throw new RangeError(
      `cannot join the episode: ${request.sceneFiles.length} scene files for ${request.frameCounts.length} scenes`,
    );
  const frameCount = request.frameCounts.reduce((sum, count) => sum + count, 0);
  const durationSeconds = frameCount / fps;
  const totalSamples = Math.round(durationSeconds * EPISODE_AUDIO_SAMPLE_RATE);
  await withTempDir(async (workDir) => {
    const listFile = path.join(workDir, 'scenes.ffconcat');
    // Each scene's length is stated: the concat demuxer would otherwise place the next scene
    // after the previous one's last packet, a few ticks off the frame grid when B-frames reorder.
    const entries = request.sceneFiles.flatMap((file, index) => [
      `file '${path.resolve(file).replaceAll("'", "'\\''")}'`,
      `duration ${(request.frameCounts[index]! / fps).toFixed(6)}`,
    ]);
    await writeFile(listFile, `ffconcat version 1.0\n${entries.join('\n')}\n`);
    await runFfmpeg(
      [
        '-f',
        'concat',
        '-safe',
        '0',
        '-i',
        listFile,
        '-i',
        path.resolve(request.audioFile),
        '-map',
        '0:v',
        '-map',
        '1:a',
        '-c:v',
        'copy',
        '-af',
        `aresample=${EPISODE_AUDIO_SAMPLE_RATE},asetpts=PTS-STARTPTS,apad,atrim=end_sample=${totalSamples},asetpts=PTS-STARTPTS`,
        '-c:a',
        'aac',
        '-b:a',
        '128k',
        '-ar',
        String(EPISODE_AUDIO_SAMPLE_RATE),
        '-movflags',
        '+faststart',
        '-y',
        path.resolve(request.outputFile),
      ],
      request.onProgress
        ? {
            onProgress: (progress: FfmpegProgress) =>
              request.onProgress?.(
                progress.done ? 1 : Math.min(1, progress.outTimeSeconds / durationSeconds),
                progress,
              ),
          }
        : {},
    );
  });
  return { frameCount, durationSeconds };
}
