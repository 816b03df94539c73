import { afterAll, describe, expect, it } from 'vitest';
import { glyphCoverage } from '../../../../../lambdas/adapters/media/font-coverage.js';
import { pollyVoice } from '../../../../../lambdas/adapters/providers/bedrock/polly-speech-model.js';
import { espeakVoiceFor } from '../../../../../lambdas/adapters/providers/offline/espeak-voice.js';
import { EspeakWorkerClient } from '../../../../../lambdas/adapters/providers/offline/espeak-worker-client.js';
import { PHRASEBOOK_BY_LANGUAGE } from '../../../../../lambdas/adapters/providers/offline/offline-script-writer.js';
import { MOODS } from '../../../../../lambdas/adapters/providers/offline/phrasebook/phrasebook.js';
import { PROVIDER_PROFILES } from '../../../../../lambdas/core/contracts/provider-profiles.js';
import {
  LANGUAGES,
  languagesSupportedBy,
  PROFILE_LANGUAGES,
  type ProviderProfileName,
} from '../../../../../lambdas/core/text/languages.js';
import { languageManifest, problemsOf } from '../../../../support/manifest-problems.js';
import { parsePcmWav, rms } from '../../../../support/pcm-analysis.js';

const manifest = languageManifest;

const MARKET_LANGUAGES = ['vi-VN', 'th-TH', 'id-ID', 'ms-MY', 'fil-PH', 'zh-CN', 'zh-TW', 'ja-JP', 'ko-KR', 'en-US'];
const CANDIDATES = [...LANGUAGES.map((language) => language.tag), 'fr-FR', 'de-DE', 'km-KH', 'zh-HK', 'pt-BR'];
const CASES = PROVIDER_PROFILES.flatMap((profile) => CANDIDATES.map((tag) => [profile, tag] as const));

describe('language support per profile', () => {
  it('the offline profile supports at least the market languages', () => {
    // Act
    const supported = languagesSupportedBy('offline');

    // Assess
    expect(supported).toEqual(expect.arrayContaining(MARKET_LANGUAGES));
  });

  it.each(CASES)('under %s, %s either validates or fails naming the profile and what it supports', (profile, tag) => {
    // Prepare
    const supported = languagesSupportedBy(profile);

    // Act
    const problems = problemsOf(manifest(tag, { profile }));

    // Assess
    if (supported.includes(tag)) expect(problems).toEqual([]);
    else
      expect(problems).toEqual([
        `language: ${tag} is not supported by the ${profile} profile (supported: ${supported.join(', ')})`,
      ]);
  });

  it('accepts the short tags of supported languages', () => {
    // Act
    const problems = ['vi', 'th', 'ko', 'ja', 'zh-Hant', 'zh-Hans', 'fil', 'TH-th'].map((tag) =>
      problemsOf(manifest(tag)),
    );

    // Assess
    expect(problems.flat()).toEqual([]);
  });

  it('names the profile a stage is routed to when that profile cannot serve the language', () => {
    // Act
    const pollyForThai = problemsOf(
      manifest('th-TH', { profile: 'openai-compatible', overrides: { speech: 'bedrock' } }),
    );
    const openAiVoiceForThai = problemsOf(
      manifest('th-TH', { profile: 'bedrock', overrides: { speech: 'openai-compatible' } }),
    );

    // Assess
    expect(pollyForThai).toEqual([
      `language: th-TH is not supported by the bedrock profile (supported: ${languagesSupportedBy('bedrock').join(', ')})`,
    ]);
    expect(openAiVoiceForThai).toEqual([]);
  });

  it('declares for Bedrock only the languages Polly has a neural voice for', () => {
    // Act
    const withoutVoice = PROFILE_LANGUAGES.bedrock.speech.filter((tag) => pollyVoice(tag, 'female') === undefined);

    // Assess
    expect(withoutVoice).toEqual([]);
    for (const tag of ['vi-VN', 'th-TH', 'id-ID', 'ms-MY', 'fil-PH']) expect(pollyVoice(tag, 'female')).toBeUndefined();
  });
});

describe('offline support is real for every language it claims', () => {
  const offline: ProviderProfileName = 'offline';
  const worker = new EspeakWorkerClient();
  afterAll(() => worker.close());

  it.each(languagesSupportedBy(offline))(
    '%s has an espeak-ng voice of its own that speaks its phrasebook',
    async (tag) => {
      // Prepare
      const voice = espeakVoiceFor({ language: tag, characterId: 'ana', voice: { gender: 'female' } });
      const line = PHRASEBOOK_BY_LANGUAGE[tag]?.moods.default.replies[0] ?? '';

      // Act
      const spoken = await worker.speak({ ...voice, text: line });

      // Assess
      expect(spoken.voice.split('+')[0]).toBe(voice.voices[0]);
      if (!tag.startsWith('en')) expect(voice.voices[0]).not.toMatch(/^en/);
      const wav = parsePcmWav(spoken.wav);
      expect(wav.samples.length / wav.sampleRate).toBeGreaterThan(0.3);
      expect(rms(wav.samples)).toBeGreaterThan(500);
    },
  );

  it.each(languagesSupportedBy(offline))(
    'the subtitle fonts draw every character of the %s phrasebook',
    async (tag) => {
      // Prepare
      const coverage = await glyphCoverage(tag);
      const phrasebook = PHRASEBOOK_BY_LANGUAGE[tag];
      const lines = [
        ...MOODS.flatMap((mood) => Object.values(phrasebook?.moods[mood] ?? {}).flat()),
        ...Object.values(phrasebook?.about ?? {}).flat(),
      ];

      // Act
      const missing = lines.flatMap((line) => coverage.missing(line));

      // Assess
      expect(lines.length).toBeGreaterThan(50);
      expect(missing).toEqual([]);
    },
  );
});

describe('glyphCoverage', () => {
  it('draws emoji with the emoji font, and names what no font draws', async () => {
    // Prepare
    const coverage = await glyphCoverage('vi-VN');
    const line = 'Hoa đào nở rồi 🌸 👨‍👩‍👧 \u{13000}';

    // Act
    const missing = coverage.missing(line);
    const drawable = coverage.drawableText(line);

    // Assess
    expect(coverage.families.at(-1)).toBe('Noto Emoji');
    expect(coverage.drawable('🌸')).toBe(true);
    expect(coverage.drawable('👨‍👩‍👧')).toBe(true);
    expect(missing).toEqual(['\u{13000}']);
    expect(drawable).toBe('Hoa đào nở rồi 🌸 👨‍👩‍👧');
  });

  it('puts the language’s own script first, so Han text takes its regional glyph forms', async () => {
    // Act
    const [traditional, simplified, japanese] = await Promise.all(
      ['zh-TW', 'zh-CN', 'ja-JP'].map((tag) => glyphCoverage(tag)),
    );

    // Assess
    expect(traditional?.families[0]).toBe('Noto Sans Hant');
    expect(simplified?.families[0]).toBe('Noto Sans Hans');
    expect(japanese?.families[0]).toBe('Noto Sans JP');
  });
});
