import { describe, expect, it } from 'vitest';
import { readWavLayout, wavDurationSeconds } from '../../../../../../lambdas/adapters/media/wav-header.js';
import { espeakVoiceFor, espeakVoicesFor } from '../../../../../../lambdas/adapters/providers/offline/espeak-voice.js';
import { speakableText } from '../../../../../../lambdas/adapters/providers/offline/speakable-text.js';
import { MediaToolFailed } from '../../../../../../lambdas/core/contracts/errors.js';

describe('espeakVoicesFor', () => {
  it.each([
    ['vi-VN', 'vi'],
    ['vi', 'vi'],
    ['zh-CN', 'cmn'],
    ['zh-Hans', 'cmn'],
    ['zh-TW', 'cmn'],
    ['zh-HK', 'yue'],
    ['en-US', 'en-us'],
    ['en-GB', 'en'],
    ['pt-BR', 'pt-br'],
    ['fr_FR', 'fr-fr'],
  ])('tries %s as %s first', (language, voice) => {
    // Act
    const voices = espeakVoicesFor(language);

    // Assess
    expect(voices[0]).toBe(voice);
  });

  it.each(['xx-YY', '', '!!', 'fr-FR'])('always ends %j with the en-us fallback and only safe names', (language) => {
    // Act
    const voices = espeakVoicesFor(language);

    // Assess
    expect(voices.at(-1)).toBe('en-us');
    for (const voice of voices) expect(voice).toMatch(/^[a-z0-9][a-z0-9-]*$/);
  });
});

describe('espeakVoiceFor', () => {
  const base = { language: 'vi-VN', voice: {} };

  it('is a function of the request', () => {
    // Act
    const once = espeakVoiceFor({ ...base, characterId: 'lan' });
    const again = espeakVoiceFor({ ...base, characterId: 'lan' });

    // Assess
    expect(once).toEqual(again);
  });

  it('keeps female and male characters in their own variants', () => {
    // Prepare
    const ids = ['lan', 'mai', 'hoa', 'thu', 'ngoc', 'linh'];

    // Act
    const voices = ids.map((id) => ({
      female: espeakVoiceFor({ ...base, characterId: id, voice: { gender: 'female' } }),
      male: espeakVoiceFor({ ...base, characterId: id, voice: { gender: 'male' } }),
    }));

    // Assess
    for (const { female, male } of voices) {
      expect(female.variant).toMatch(/^(f\d|Annie|belinda|steph)$/);
      expect(male.variant).toMatch(/^(m\d|Denis|travis|victor|michel)$/);
    }
  });

  it('gives a cast of same-gender characters distinct voices', () => {
    // Prepare
    const cast = ['lan', 'mai', 'hoa', 'thu', 'ngoc', 'linh', 'trang', 'huong'];

    // Act
    const voices = cast.map((characterId) =>
      JSON.stringify(espeakVoiceFor({ ...base, characterId, voice: { gender: 'female' } })),
    );

    // Assess
    expect(new Set(voices).size).toBe(cast.length);
  });

  it('moves pitch and pace with the multipliers and keeps them in range', () => {
    // Prepare
    const at = (pitch: number, rate: number) => espeakVoiceFor({ ...base, characterId: 'lan', voice: { pitch, rate } });

    // Act
    const neutral = at(1, 1);
    const higher = at(1.5, 1);
    const faster = at(1, 1.5);
    const extremes = [at(100, 100), at(0.001, 0.001), at(-1, Number.NaN)];

    // Assess
    expect(higher.pitch).toBeGreaterThan(neutral.pitch);
    expect(faster.rate).toBeGreaterThan(neutral.rate);
    for (const extreme of extremes) {
      expect(extreme.pitch).toBeGreaterThanOrEqual(0);
      expect(extreme.pitch).toBeLessThanOrEqual(100);
      expect(extreme.rate).toBeGreaterThanOrEqual(80);
      expect(extreme.rate).toBeLessThanOrEqual(450);
    }
    expect(extremes[2]).toEqual(neutral);
  });
});

describe('speakableText', () => {
  it.each([
    ['Anh Minh! Em về rồi! 😀', 'Anh Minh! Em về rồi!'],
    ['你好👋🏽，我回来了。', '你好 ，我回来了。'],
    ['1️⃣ chance ❤️ only', '1 chance only'],
    ['line\u0000with\u0007controls', 'line with controls'],
    ['😀🎉', ''],
    ['… !!! ?', ''],
  ])('reads %j as %j', (text, expected) => {
    // Act
    const speakable = speakableText(text);

    // Assess
    expect(speakable).toBe(expected);
  });

  it('puts decomposed Vietnamese back together', () => {
    // Act
    const speakable = speakableText('ve\u0300 nha\u0300');

    // Assess
    expect(speakable).toBe('v\u00e8 nh\u00e0');
  });
});

describe('readWavLayout', () => {
  it('rejects what is not a PCM WAVE', () => {
    // Act
    const read = () => readWavLayout(Buffer.from('not a wav at all'));

    // Assess
    expect(read).toThrow(MediaToolFailed);
  });

  it('skips chunks before the data', () => {
    // Prepare
    const list = Buffer.concat([Buffer.from('LIST'), Buffer.from([3, 0, 0, 0]), Buffer.from('abc\0')]);
    const fmt = Buffer.alloc(24);
    fmt.write('fmt ', 0, 'ascii');
    fmt.writeUInt32LE(16, 4);
    fmt.writeUInt16LE(1, 8);
    fmt.writeUInt16LE(1, 10);
    fmt.writeUInt32LE(8000, 12);
    fmt.writeUInt32LE(16000, 16);
    fmt.writeUInt16LE(2, 20);
    fmt.writeUInt16LE(16, 22);
    const data = Buffer.concat([Buffer.from('data'), Buffer.from([0x40, 0x1f, 0, 0]), Buffer.alloc(8000)]);
    const header = Buffer.from('RIFF\0\0\0\0WAVE');

    // Act
    const layout = readWavLayout(Buffer.concat([header, list, fmt, data]));

    // Assess
    expect(layout).toMatchObject({ sampleRate: 8000, channels: 1, bitsPerSample: 16, dataBytes: 8000 });
    expect(wavDurationSeconds(layout)).toBe(0.5);
  });
});
