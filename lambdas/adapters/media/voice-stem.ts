import { MediaToolFailed } from '../../core/contracts/errors.js';
import { VOICE_SAMPLE_RATE, wavFromPcm } from './voice-track.js';
import { BYTES_PER_SAMPLE, readWavLayout } from './wav-header.js';

/**
 * The scenes' voice tracks end to end as one WAV (48 kHz mono s16, as every scene voice
 * track is), each padded with silence or cut to its scene's frames at the same sample
 * boundaries the episode's mix uses: the stem an editor lays under the picture, in sync to
 * the sample. Pure byte work, no ffmpeg.
 */
export function buildVoiceStem(voiceWavs: Buffer[], frameCounts: number[], fps: number): Buffer {
  if (voiceWavs.length !== frameCounts.length) throw new RangeError('one voice track per scene is needed');
  const totalFrames = frameCounts.reduce((sum, frames) => sum + frames, 0);
  const stem = Buffer.alloc(sampleAt(totalFrames, fps) * BYTES_PER_SAMPLE);
  let elapsedFrames = 0;
  voiceWavs.forEach((wav, index) => {
    const layout = readWavLayout(wav);
    if (layout.sampleRate !== VOICE_SAMPLE_RATE || layout.channels !== 1 || layout.bitsPerSample !== 16) {
      throw new MediaToolFailed(
        `scene ${index}'s voice track is ${layout.sampleRate} Hz, ${layout.channels} channels, ${layout.bitsPerSample} bits; the stem needs ${VOICE_SAMPLE_RATE} Hz mono 16-bit`,
      );
    }
    const start = sampleAt(elapsedFrames, fps) * BYTES_PER_SAMPLE;
    elapsedFrames += frameCounts[index]!;
    const end = sampleAt(elapsedFrames, fps) * BYTES_PER_SAMPLE;
    const samples = wav.subarray(layout.dataOffset, layout.dataOffset + Math.min(layout.dataBytes, end - start));
    samples.copy(stem, start);
  });
  return wavFromPcm(stem, VOICE_SAMPLE_RATE);
}

function sampleAt(frame: number, fps: number): number {
  return Math.round((frame / fps) * VOICE_SAMPLE_RATE);
}
