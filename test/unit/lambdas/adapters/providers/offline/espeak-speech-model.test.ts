import { afterAll, describe, expect, it } from 'vitest';
import { EspeakSpeechModel } from '../../../../../../lambdas/adapters/providers/offline/espeak-speech-model.js';
import { espeakVoiceFor } from '../../../../../../lambdas/adapters/providers/offline/espeak-voice.js';
import type { SpeechRequest } from '../../../../../../lambdas/core/contracts/ports.js';
import { medianPitchHz, parsePcmWav, rms } from '../../../../../support/pcm-analysis.js';

const model = new EspeakSpeechModel();
afterAll(() => model.close());

function request(overrides: Partial<SpeechRequest> = {}): SpeechRequest {
  return {
    text: 'Anh Minh! Em về rồi! Trời mưa to quá, anh chờ em lâu chưa?',
    language: 'vi-VN',
    characterId: 'lan',
    voice: { gender: 'female', pitch: 1.1, rate: 1.0 },
    ...overrides,
  };
}

describe('EspeakSpeechModel', () => {
  it('returns a mono 16-bit PCM WAV whose duration matches its data', async () => {
    // Act
    const { result, usage, provider, model: modelName } = await model.speak(request());

    // Assess
    const wav = parsePcmWav(result.wav);
    expect(wav.channels).toBe(1);
    expect(wav.bitsPerSample).toBe(16);
    expect(wav.sampleRate).toBe(22050);
    expect(wav.dataSize).toBe(result.wav.length - 44);
    expect(wav.riffSize).toBe(result.wav.length - 8);
    expect(result.durationSeconds).toBeCloseTo(wav.dataSize / (wav.sampleRate * 2), 9);
    // Twelve words of speech take seconds, not milliseconds or minutes.
    expect(result.durationSeconds).toBeGreaterThan(1.5);
    expect(result.durationSeconds).toBeLessThan(10);
    expect(rms(wav.samples)).toBeGreaterThan(1000);
    expect(usage).toEqual({ speechCharacters: Array.from(request().text).length });
    expect(provider).toBe('offline');
    expect(modelName).toBe('espeak-ng');
  });

  it('gives identical bytes for the same request, even after other requests', async () => {
    // Act
    const first = await model.speak(request());
    await model.speak(request({ characterId: 'minh', voice: { gender: 'male' } }));
    const again = await model.speak(request());

    // Assess
    expect(again.result.wav.equals(first.result.wav)).toBe(true);
  });

  it('answers concurrent requests each with its own audio', async () => {
    // Prepare
    const texts = ['Một.', 'Hai con mèo ngồi trên mái nhà.', 'Ba.'];

    // Act
    const results = await Promise.all(texts.map((text) => model.speak(request({ text }))));
    const alone = await model.speak(request({ text: texts[1] }));

    // Assess
    expect(results[1]?.result.wav.equals(alone.result.wav)).toBe(true);
    expect(results[1]!.result.durationSeconds).toBeGreaterThan(results[0]!.result.durationSeconds);
  });

  it('gives two characters of the same gender and settings different voices', async () => {
    // Prepare
    const voice = { gender: 'female' as const, pitch: 1, rate: 1 };
    const lan = request({ characterId: 'lan', voice });
    const mai = request({ characterId: 'mai', voice });

    // Act
    const [lanVoice, maiVoice] = [espeakVoiceFor(lan), espeakVoiceFor(mai)];
    const [lanAudio, maiAudio] = await Promise.all([model.speak(lan), model.speak(mai)]);

    // Assess
    expect(maiVoice).not.toEqual(lanVoice);
    expect(maiAudio.result.wav.equals(lanAudio.result.wav)).toBe(false);
  });

  it('follows the pitch multiplier in the audio itself', async () => {
    // Act
    const low = await model.speak(request({ voice: { gender: 'female', pitch: 0.8 } }));
    const high = await model.speak(request({ voice: { gender: 'female', pitch: 1.25 } }));

    // Assess
    const lowPitch = medianPitchHz(parsePcmWav(low.result.wav).samples, 22050);
    const highPitch = medianPitchHz(parsePcmWav(high.result.wav).samples, 22050);
    expect(lowPitch).toBeGreaterThan(60);
    expect(highPitch / lowPitch).toBeGreaterThan(1.2);
  });

  it('gives a male voice a lower pitch than a female one', async () => {
    // Act
    const female = await model.speak(request({ characterId: 'lan', voice: { gender: 'female' } }));
    const male = await model.speak(request({ characterId: 'lan', voice: { gender: 'male' } }));

    // Assess
    expect(medianPitchHz(parsePcmWav(male.result.wav).samples, 22050)).toBeLessThan(
      medianPitchHz(parsePcmWav(female.result.wav).samples, 22050),
    );
  });

  it.each([
    ['vi-VN', 'Lan ơi, anh chờ em cả buổi tối rồi đấy.'],
    ['zh-CN', '你好，我回来了。外面下着大雨，你等了很久吧？'],
    ['en-US', 'Lan, I have been waiting for you all evening.'],
    ['pt-BR', 'Eu esperei por você a noite toda.'],
    ['xx-YY', 'An unknown language still speaks through the fallback voice.'],
  ])('speaks %s', async (language, text) => {
    // Act
    const { result } = await model.speak(request({ language, text }));

    // Assess
    const wav = parsePcmWav(result.wav);
    expect(result.durationSeconds).toBeGreaterThan(1);
    expect(rms(wav.samples)).toBeGreaterThan(1000);
  });

  it('reads around emoji instead of naming them', async () => {
    // Act
    const plain = await model.speak(request({ language: 'en-US', text: 'See you tomorrow!' }));
    const withEmoji = await model.speak(request({ language: 'en-US', text: 'See you 👋🏽 tomorrow! 😀❤️' }));

    // Assess
    expect(withEmoji.result.wav.equals(plain.result.wav)).toBe(true);
    expect(withEmoji.usage.speechCharacters).toBeGreaterThan(plain.usage.speechCharacters!);
  });

  it.each(['😀🎉👨‍👩‍👧', '', '   ', '!!! …', '\u0000\u0007'])('answers %j with a short silence', async (text) => {
    // Act
    const { result } = await model.speak(request({ text }));

    // Assess
    const wav = parsePcmWav(result.wav);
    expect(result.durationSeconds).toBeGreaterThan(0);
    expect(result.durationSeconds).toBeLessThan(1);
    expect(rms(wav.samples)).toBe(0);
  });

  it('does not let markup or phoneme brackets in a line reach the engine as commands', async () => {
    // Act
    const marked = await model.speak(request({ language: 'en-US', text: 'Tom <break time="5s"/> [[h@loU]] & Jerry' }));

    // Assess
    const wav = parsePcmWav(marked.result.wav);
    expect(marked.result.durationSeconds).toBeGreaterThan(1);
    expect(marked.result.durationSeconds).toBeLessThan(5);
    expect(rms(wav.samples)).toBeGreaterThan(1000);
  });
});
