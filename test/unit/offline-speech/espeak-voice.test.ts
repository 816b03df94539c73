import { describe, expect, it } from 'vitest';
import { espeakVoiceFor, espeakVoicesFor } from '../../../lambdas/adapters/providers/offline/espeak-voice.js';
import { speakableText } from '../../../lambdas/adapters/providers/offline/speakable-text.js';
import { readWavLayout, wavDurationSeconds } from '../../../lambdas/adapters/providers/offline/wav-header.js';
import { MediaToolFailed } from '../../../lambdas/core/errors.js';

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
    expect(espeakVoicesFor(language)[0]).toBe(voice);
  });

  it.each(['xx-YY', '', '!!', 'fr-FR'])('always ends %j with the en-us fallback and only safe names', (language) => {
    const voices = espeakVoicesFor(language);
    expect(voices.at(-1)).toBe('en-us');
    for (const voice of voices) expect(voice).toMatch(/^[a-z0-9][a-z0-9-]*$/);
  });
});

describe('espeakVoiceFor', () => {
  const base = { language: 'vi-VN', voice: {} };

  it('is a function of the request', () => {
    expect(espeakVoiceFor({ ...base, characterId: 'lan' })).toEqual(espeakVoiceFor({ ...base, characterId: 'lan' }));
  });

  it('keeps female and male characters in their own variants', () => {
    for (const id of ['lan', 'mai', 'hoa', 'thu', 'ngoc', 'linh']) {
      expect(espeakVoiceFor({ ...base, characterId: id, voice: { gender: 'female' } }).variant).toMatch(/^(f\d|Annie|belinda|steph)$/);
      expect(espeakVoiceFor({ ...base, characterId: id, voice: { gender: 'male' } }).variant).toMatch(/^(m\d|Denis|travis|victor|michel)$/);
    }
  });

  it('gives a cast of same-gender characters distinct voices', () => {
    const cast = ['lan', 'mai', 'hoa', 'thu', 'ngoc', 'linh', 'trang', 'huong'];
    const voices = cast.map((characterId) => JSON.stringify(espeakVoiceFor({ ...base, characterId, voice: { gender: 'female' } })));
    expect(new Set(voices).size).toBe(cast.length);
  });

  it('moves pitch and pace with the multipliers and keeps them in range', () => {
    const at = (pitch: number, rate: number) => espeakVoiceFor({ ...base, characterId: 'lan', voice: { pitch, rate } });
    expect(at(1.5, 1).pitch).toBeGreaterThan(at(1, 1).pitch);
    expect(at(1, 1.5).rate).toBeGreaterThan(at(1, 1).rate);
    for (const extreme of [at(100, 100), at(0.001, 0.001), at(-1, Number.NaN)]) {
      expect(extreme.pitch).toBeGreaterThanOrEqual(0);
      expect(extreme.pitch).toBeLessThanOrEqual(100);
      expect(extreme.rate).toBeGreaterThanOrEqual(80);
      expect(extreme.rate).toBeLessThanOrEqual(450);
    }
    expect(at(-1, Number.NaN)).toEqual(at(1, 1));
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
    expect(speakableText(text)).toBe(expected);
  });

  it('puts decomposed Vietnamese back together', () => {
    expect(speakableText('ve\u0300 nha\u0300')).toBe('v\u00e8 nh\u00e0');
  });
});

describe('readWavLayout', () => {
  it('rejects what is not a PCM WAVE', () => {
    expect(() => readWavLayout(Buffer.from('not a wav at all'))).toThrow(MediaToolFailed);
  });

  it('skips chunks before the data', () => {
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
    const layout = readWavLayout(Buffer.concat([header, list, fmt, data]));

    expect(layout).toMatchObject({ sampleRate: 8000, channels: 1, bitsPerSample: 16, dataBytes: 8000 });
    expect(wavDurationSeconds(layout)).toBe(0.5);
  });
});
