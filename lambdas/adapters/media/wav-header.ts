import { MediaToolFailed } from '../../core/contracts/errors.js';

/** The bytes of one sample of s16le PCM, the format every WAV this code writes holds. */
export const BYTES_PER_SAMPLE = 2;

/** What the RIFF chunks of a PCM WAVE file say about its samples. */
export interface WavLayout {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Byte offset of the first sample. */
  dataOffset: number;
  dataBytes: number;
}

/** Walks the RIFF chunks rather than assuming a 44-byte header, so WAVs with extra chunks read too. */
export function readWavLayout(wav: Buffer): WavLayout {
  if (wav.length < 12 || wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') {
    throw new MediaToolFailed('not a RIFF WAVE file');
  }
  let format: Omit<WavLayout, 'dataOffset' | 'dataBytes'> | undefined;
  let offset = 12;
  while (offset + 8 <= wav.length) {
    const chunkId = wav.toString('ascii', offset, offset + 4);
    const chunkBytes = wav.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (chunkId === 'fmt ') {
      if (chunkBytes < 16 || body + 16 > wav.length) throw new MediaToolFailed('WAVE fmt chunk is truncated');
      if (wav.readUInt16LE(body) !== 1) throw new MediaToolFailed('WAVE is not PCM');
      format = {
        channels: wav.readUInt16LE(body + 2),
        sampleRate: wav.readUInt32LE(body + 4),
        bitsPerSample: wav.readUInt16LE(body + 14),
      };
    } else if (chunkId === 'data') {
      if (!format) throw new MediaToolFailed('WAVE data chunk comes before its fmt chunk');
      if (body + chunkBytes > wav.length) throw new MediaToolFailed('WAVE data chunk is truncated');
      return { ...format, dataOffset: body, dataBytes: chunkBytes };
    }
    offset = body + chunkBytes + (chunkBytes % 2);
  }
  throw new MediaToolFailed('WAVE has no data chunk');
}

export function wavDurationSeconds(layout: WavLayout): number {
  const bytesPerSecond = layout.sampleRate * layout.channels * (layout.bitsPerSample / 8);
  if (bytesPerSecond <= 0)
    throw new MediaToolFailed('WAVE format has a zero sample rate, channel count or sample size');
  return layout.dataBytes / bytesPerSecond;
}

/** A canonical 44-byte RIFF header for s16le PCM of `dataBytes` bytes. */
export function wavHeader(dataBytes: number, sampleRate: number, channels: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * BYTES_PER_SAMPLE * channels, 28);
  header.writeUInt16LE(BYTES_PER_SAMPLE * channels, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}
