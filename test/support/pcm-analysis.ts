/**
 * Independent reading of the WAVs under test: a fixed 44-byte PCM header, as
 * espeak-worker.mjs writes it, so a header bug in the code under test cannot
 * hide behind a shared parser.
 */
export interface PcmWav {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  riffSize: number;
  dataSize: number;
  samples: Int16Array;
}

export function parsePcmWav(wav: Buffer): PcmWav {
  if (wav.toString('ascii', 0, 4) !== 'RIFF') throw new Error('no RIFF tag');
  if (wav.toString('ascii', 8, 16) !== 'WAVEfmt ') throw new Error('no WAVEfmt tag');
  if (wav.readUInt16LE(20) !== 1) throw new Error('not PCM');
  if (wav.toString('ascii', 36, 40) !== 'data') throw new Error('no data chunk at byte 36');
  const dataSize = wav.readUInt32LE(40);
  const samples = new Int16Array(wav.buffer.slice(wav.byteOffset + 44, wav.byteOffset + 44 + dataSize));
  return {
    riffSize: wav.readUInt32LE(4),
    channels: wav.readUInt16LE(22),
    sampleRate: wav.readUInt32LE(24),
    bitsPerSample: wav.readUInt16LE(34),
    dataSize,
    samples,
  };
}

export function rms(samples: Int16Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return samples.length === 0 ? 0 : Math.sqrt(sum / samples.length);
}

/** Median fundamental frequency over voiced 40 ms frames, by autocorrelation (60..400 Hz). */
export function medianPitchHz(samples: Int16Array, sampleRate: number): number {
  const frame = Math.round(sampleRate * 0.04);
  const minLag = Math.floor(sampleRate / 400);
  const maxLag = Math.floor(sampleRate / 60);
  const pitches: number[] = [];
  for (let start = 0; start + frame + maxLag < samples.length; start += frame) {
    let energy = 0;
    for (let i = 0; i < frame; i++) energy += (samples[start + i] ?? 0) ** 2;
    if (energy / frame < 1e6) continue;
    let bestLag = 0;
    let best = 0;
    for (let lag = minLag; lag <= maxLag; lag++) {
      let correlation = 0;
      for (let i = 0; i < frame; i++) correlation += (samples[start + i] ?? 0) * (samples[start + i + lag] ?? 0);
      if (correlation > best) {
        best = correlation;
        bestLag = lag;
      }
    }
    if (bestLag > 0) pitches.push(sampleRate / bestLag);
  }
  pitches.sort((a, b) => a - b);
  return pitches[pitches.length >> 1] ?? 0;
}
