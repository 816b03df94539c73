/**
 * Whether a line of dialogue is written in a language: in its script, and not in
 * English. Character names are taken out first, since a Thai line may address "Lan".
 */

const ENGLISH_WORDS = /\b(the|you|what|are|is|this|hour|doing|have|with|we|it's|don't|i'm)\b/i;
const LATIN_LETTER = /\p{Script=Latin}/u;
const SIMPLIFIED_ONLY = /[们这说时过来会么后还发东车门问间让对开见]/u;
const TRADITIONAL_ONLY = /[們這說時過來會麼後還發東車門問間讓對開見]/u;
const VIETNAMESE_LETTER = /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/iu;

type Check = (line: string) => boolean;

const noLatin: Check = (line) => !LATIN_LETTER.test(line);
const plainLatinNotEnglish: Check = (line) =>
  /^[\p{Script=Latin}\p{N}\p{P}\p{Zs}]+$/u.test(line) && !ENGLISH_WORDS.test(line);

const CHECKS: Readonly<Record<string, Check>> = {
  'vi-VN': (line) => VIETNAMESE_LETTER.test(line) && !ENGLISH_WORDS.test(line),
  'th-TH': (line) => /\p{Script=Thai}/u.test(line) && noLatin(line),
  'id-ID': plainLatinNotEnglish,
  'ms-MY': plainLatinNotEnglish,
  'fil-PH': plainLatinNotEnglish,
  'zh-CN': (line) => /\p{Script=Han}/u.test(line) && noLatin(line) && !TRADITIONAL_ONLY.test(line),
  'zh-TW': (line) => /\p{Script=Han}/u.test(line) && noLatin(line) && !SIMPLIFIED_ONLY.test(line),
  'ja-JP': (line) => /[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(line) && noLatin(line),
  'ko-KR': (line) => /\p{Script=Hangul}/u.test(line) && noLatin(line),
  'en-US': (line) => /^[\x20-\x7E]+$/.test(line),
};

/**
 * Marks only a language's own lines carry, checked over all the lines of a scene or
 * more: Indonesian, Malay and Filipino share the Latin alphabet, so no single letter
 * tells them apart, but their everyday words do.
 */
const VOCABULARY: Readonly<Record<string, RegExp>> = {
  'id-ID': /\b(aku|kamu|tidak|sudah|sekali|ayo)\b/i,
  'ms-MY': /\b(aku|kau|tak|dah|sangat|jom)\b/i,
  'fil-PH': /\b(ako|ka|ang|hindi|na|mo|ko)\b/i,
  'en-US': ENGLISH_WORDS,
};

export const WRITTEN_IN_LANGUAGES = Object.keys(CHECKS);

export function isWrittenIn(language: string, line: string, names: readonly string[] = []): boolean {
  const check = CHECKS[language];
  if (!check) throw new Error(`no check for ${language}`);
  const withoutNames = names.reduce((text, name) => text.split(name).join(''), line);
  return check(withoutNames);
}

/** Whether the lines, together, use the language's everyday words (true for languages a script already tells apart). */
export function usesVocabularyOf(language: string, lines: readonly string[]): boolean {
  const words = VOCABULARY[language];
  return !words || lines.some((line) => words.test(line));
}
