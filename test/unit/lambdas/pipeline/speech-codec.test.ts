import { describe, expect, it } from 'vitest';
import { speechCodec } from '../../../../lambdas/pipeline/codecs.js';

describe('speechCodec', () => {
  it('keeps the word timings in the cache header and the audio as the payload', () => {
    // Prepare
    const result = {
      wav: Buffer.from('RIFF....WAVE'),
      durationSeconds: 1.25,
      words: [{ text: 'Chào', startSeconds: 0.11, endSeconds: 0.52 }],
    };

    // Act: a round trip through the cache, the header stored as JSON
    const { header, payload } = speechCodec.encode(result);
    const decoded = speechCodec.decode(JSON.parse(JSON.stringify(header)), payload!);

    // Assess
    expect(header).toEqual({ durationSeconds: 1.25, words: result.words });
    expect(decoded).toEqual(result);
  });
});
