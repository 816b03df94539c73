import type { SpokenLine } from '../../../core/contracts/ports.js';
import { readWavLayout } from '../../media/wav-header.js';
import type { MouthShape } from './storyboard/figure.js';

/** One video frame's mouths: who is speaking in it (if anyone), and how open their mouth is. */
export interface MouthFrame {
  speaker?: string;
  shape: MouthShape;
}

/** A frame this loud, against the loudest frame of the track, opens the mouth half way; this loud, fully. */
const HALF_OPEN_AT = 0.15;
const OPEN_AT = 0.5;

/** The loudness (RMS, 0..1) of each frame's stretch of a PCM s16le mono or multi-channel WAV. */
export function frameLoudness(wav: Buffer, fps: number, frameCount: number): number[] {
  const layout = readWavLayout(wav);
  if (layout.bitsPerSample !== 16)
    throw new RangeError(`the voice track must be 16-bit PCM, got ${layout.bitsPerSample}-bit`);
  const frameBytes = layout.channels * 2;
  const samples = Math.floor(layout.dataBytes / frameBytes);
  return Array.from({ length: frameCount }, (_, frame) => {
    const from = Math.floor((frame / fps) * layout.sampleRate);
    const to = Math.min(samples, Math.floor(((frame + 1) / fps) * layout.sampleRate));
    let sum = 0;
    for (let sample = from; sample < to; sample++) {
      const value = wav.readInt16LE(layout.dataOffset + sample * frameBytes) / 32768;
      sum += value * value;
    }
    return to > from ? Math.sqrt(sum / (to - from)) : 0;
  });
}

/**
 * Which mouth each frame shows: the character whose line covers the frame speaks, with a
 * mouth as open as the voice is loud in that frame against the track's loudest; everyone
 * else's mouth, and every mouth between lines, stays closed.
 */
export function mouthFrames(wav: Buffer, speech: readonly SpokenLine[], fps: number, frameCount: number): MouthFrame[] {
  const loudness = frameLoudness(wav, fps, frameCount);
  const loudest = Math.max(0, ...loudness);
  return loudness.map((level, frame) => {
    const centre = (frame + 0.5) / fps;
    const line = speech.find((spoken) => centre >= spoken.startSeconds && centre < spoken.endSeconds);
    if (!line || loudest === 0) return { shape: 'closed' };
    const relative = level / loudest;
    const shape: MouthShape = relative >= OPEN_AT ? 'open' : relative >= HALF_OPEN_AT ? 'half' : 'closed';
    return { speaker: line.characterId, shape };
  });
}
