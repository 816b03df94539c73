import { ProviderOutputInvalid } from '../../core/contracts/errors.js';
import type { Charge } from '../../core/contracts/ports.js';
import { loadCanvas } from './canvas.js';
import { runFfmpeg } from './ffmpeg.js';
import { wavFromPcm } from './voice-track.js';

/**
 * Real models answer at the sizes and lengths they support, not at the manifest's.
 * These helpers bring their output to the pipeline's contract: a PNG at the frame
 * size, a mono PCM WAV. A generated clip needs none: the episode's one encode fits it.
 */

/** Scales to cover width x height and crops the overflow evenly (no letterboxing). */
export async function coverToPng(image: Buffer, width: number, height: number, charge: Charge): Promise<Buffer> {
  const { createCanvas, loadImage } = await loadCanvas();
  let decoded: Awaited<ReturnType<typeof loadImage>>;
  try {
    decoded = await loadImage(image);
  } catch (error) {
    throw new ProviderOutputInvalid(
      `${charge.provider}/${charge.model} returned an image that does not decode: ${(error as Error).message}`,
      [charge],
    );
  }
  const scale = Math.max(width / decoded.width, height / decoded.height);
  const drawnWidth = decoded.width * scale;
  const drawnHeight = decoded.height * scale;
  const canvas = createCanvas(width, height);
  canvas
    .getContext('2d')
    .drawImage(decoded, (width - drawnWidth) / 2, (height - drawnHeight) / 2, drawnWidth, drawnHeight);
  return canvas.toBuffer('image/png');
}

/** The largest size of the frame's aspect that fits in `box` x `box` (scaled up or down), in multiples of `multiple`. */
export function fitWithin(
  width: number,
  height: number,
  box: number,
  multiple: number,
): { width: number; height: number } {
  const scale = box / Math.max(width, height);
  const round = (value: number) => Math.max(multiple, Math.floor((value * scale) / multiple) * multiple);
  return { width: round(width), height: round(height) };
}

export const SPEECH_SAMPLE_RATE = 24_000;

/** Any audio ffmpeg reads (WAV with a streaming header, MP3, raw PCM described by `inputFormat`) to mono s16 WAV. */
export async function toMonoWav(
  audio: Buffer,
  inputFormat: string[] = [],
): Promise<{ wav: Buffer; durationSeconds: number }> {
  const { stdout } = await runFfmpeg(
    [
      ...inputFormat,
      '-i',
      'pipe:0',
      '-vn',
      '-ac',
      '1',
      '-ar',
      String(SPEECH_SAMPLE_RATE),
      '-c:a',
      'pcm_s16le',
      '-f',
      's16le',
      'pipe:1',
    ],
    { input: audio },
  );
  const pcm = stdout.subarray(0, stdout.length - (stdout.length % 2));
  return { wav: wavFromPcm(pcm, SPEECH_SAMPLE_RATE), durationSeconds: pcm.length / 2 / SPEECH_SAMPLE_RATE };
}
