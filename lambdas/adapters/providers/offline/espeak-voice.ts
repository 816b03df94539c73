import { createHash } from 'node:crypto';
import type { SpeechRequest } from '../../../core/contracts/ports.js';
import { findLanguage } from '../../../core/text/languages.js';

/** The espeak-ng settings one character speaks with. */
export interface EspeakVoice {
  /** espeak-ng voice names to try in order; the last is always a voice every build has. */
  voices: string[];
  /** espeak-ng voice variant (a file under espeak-ng-data/voices/!v). */
  variant: string;
  /** Base pitch, 0..100; 50 is the variant's natural pitch. */
  pitch: number;
  /** Words per minute, 80..450; 175 is espeak-ng's normal pace. */
  rate: number;
  /** Intonation range, 0..100; 50 is normal, 0 a monotone. */
  range: number;
}

const FALLBACK_VOICE = 'en-us';

/**
 * The espeak-ng voice for each language dramaforge produces in (core/text/languages.ts).
 * Chinese is read as Mandarin (cmn) in both scripts. espeak-ng has no Filipino voice:
 * Tagalog spelling is close to phonemic and maps onto the Indonesian voice's
 * letter-to-sound rules (a, e, i, o, u; "ng" as one nasal), which reads it intelligibly.
 */
const ESPEAK_VOICE_BY_LANGUAGE: Readonly<Record<string, string>> = {
  'vi-VN': 'vi',
  'th-TH': 'th',
  'id-ID': 'id',
  'ms-MY': 'ms',
  'fil-PH': 'id',
  'zh-CN': 'cmn',
  'zh-TW': 'cmn',
  'ja-JP': 'ja',
  'ko-KR': 'ko',
  'en-US': 'en-us',
  'en-GB': 'en',
};

/** Tags outside core/text/languages.ts (only reachable by calling the model directly) still get a voice of their own or the fallback. */
const ESPEAK_VOICE_BY_TAG: Readonly<Record<string, string>> = {
  'zh-hk': 'yue',
  'zh-mo': 'yue',
  'zh-hant-hk': 'yue',
};

/**
 * Variants kept to those that sound like an adult speaking at espeak's normal
 * pace; the novelty ones (robots, whispers, croaks) and those that change the
 * speed were left out so that rate stays ours to set.
 */
const FEMALE_VARIANTS = ['f1', 'f2', 'f3', 'f4', 'f5', 'Annie', 'belinda', 'steph'] as const;
const MALE_VARIANTS = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'Denis', 'travis', 'victor', 'michel'] as const;
const ANY_VARIANTS = [...FEMALE_VARIANTS, ...MALE_VARIANTS] as const;

const NATURAL_PITCH = 50;
/** espeak-ng's pitch setting moves the fundamental about one octave per 70 steps (measured on f2, m3, f1, m2). */
const PITCH_STEPS_PER_OCTAVE = 70;
const NORMAL_RATE_WPM = 175;
const NORMAL_RANGE = 50;

/** espeak-ng voice names to try for a BCP-47 tag, most specific first, ending with the fallback. */
export function espeakVoicesFor(language: string): string[] {
  const tag = language
    .trim()
    .toLowerCase()
    .replace(/_/g, '-')
    .replace(/[^a-z0-9-]/g, '');
  const primary = tag.split('-')[0] ?? '';
  const known = findLanguage(language);
  const candidates = [
    known ? ESPEAK_VOICE_BY_LANGUAGE[known.tag] : undefined,
    ESPEAK_VOICE_BY_TAG[tag],
    tag,
    primary,
    FALLBACK_VOICE,
  ];
  return [...new Set(candidates.filter((name): name is string => !!name && /^[a-z0-9]/.test(name)))];
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function positiveOr(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

/**
 * The character's id picks the variant and nudges pitch, pace and intonation,
 * so two characters with the same declared voice still sound like two people,
 * and the same character sounds the same in every scene.
 */
export function espeakVoiceFor(request: Pick<SpeechRequest, 'language' | 'characterId' | 'voice'>): EspeakVoice {
  const digest = createHash('sha256').update(`dramaforge-voice:${request.characterId}`).digest();
  const unit = (byteIndex: number) => (digest[byteIndex] ?? 0) / 255;
  const gender = request.voice.gender;
  const variants = gender === 'female' ? FEMALE_VARIANTS : gender === 'male' ? MALE_VARIANTS : ANY_VARIANTS;
  const variant = variants[digest.readUInt32BE(0) % variants.length] ?? variants[0];

  const pitchNudge = (unit(4) - 0.5) * 16;
  const pitch = NATURAL_PITCH + PITCH_STEPS_PER_OCTAVE * Math.log2(positiveOr(request.voice.pitch, 1)) + pitchNudge;
  const paceNudge = 0.92 + unit(5) * 0.16;
  const rate = NORMAL_RATE_WPM * positiveOr(request.voice.rate, 1) * paceNudge;
  const range = NORMAL_RANGE + (unit(6) - 0.5) * 30;

  return {
    voices: espeakVoicesFor(request.language),
    variant,
    pitch: Math.round(clamp(pitch, 0, 100)),
    rate: Math.round(clamp(rate, 80, 450)),
    range: Math.round(clamp(range, 0, 100)),
  };
}
