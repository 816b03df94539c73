import { findLanguage } from '../../../core/text/languages.js';

/**
 * The things an outline names, as a line can say them ("the compass", "bức thư cũ", "这封旧信"),
 * earliest first. No tagger runs offline, so each language's grammar marks a noun: an English
 * article or possessive, a Vietnamese classifier, an Indonesian or Malay classifier or the
 * object of a me- verb, a Filipino "ang", a Chinese measure word, a Japanese を or が, a Korean
 * 을 or 를. Thai marks none of these, so a Thai outline gives no nouns.
 */
export function outlineNouns(outline: string, language: string, names: readonly string[]): string[] {
  const tag = findLanguage(language)?.tag ?? language;
  const reader = READERS[tag.split('-')[0] ?? ''];
  if (!reader) return [];
  const spokenNames = names.flatMap((name) => [name, ...name.split(/\s+/)]).filter((name) => name.length >= 2);
  const found = reader(outline.normalize('NFC'), tag)
    .map((noun) => noun.trim())
    .filter((noun) => noun.length > 0)
    .filter((noun) => !spokenNames.some((name) => noun.toLowerCase().includes(name.toLowerCase())));
  return [...new Set(found)];
}

type Reader = (text: string, tag: string) => string[];

function captured(text: string, pattern: RegExp, group = 1): string[] {
  return [...text.matchAll(pattern)].map((match) => match[group] ?? '');
}

/** Words that end a noun phrase; "and" is not one, so "a secret surfaces and" is no noun. */
const ENGLISH_STOPS =
  'on|in|at|to|of|with|under|over|from|for|that|who|which|as|by|before|after|while|when|where|is|was|are|were|has|had|towards|toward|into|onto|through|behind|about|again|then';

/** A phrase's last word that reads as a verb ("a secret surfaces", "her father drowned") is cut off it. */
function withoutTrailingVerb(phrase: string): string {
  const words = phrase.split(/\s+/);
  const last = words.at(-1) ?? '';
  return words.length > 1 && /(?:[^s’']s|ed)$/u.test(last) ? words.slice(0, -1).join(' ') : phrase;
}

/** "a tarpaulin", "her father's compass", "the harbour office", said as "the ...". */
function english(text: string): string[] {
  const pattern = new RegExp(
    `\\b(?:a|an|the|her|his|their|my|your|its|our)\\s+((?:[a-z][a-z’'-]*\\s+){0,2}?[a-z][a-z’'-]*)(?=\\s+(?:${ENGLISH_STOPS})\\b|\\s*[,.;:!?]|\\s*$)`,
    'giu',
  );
  return captured(text, pattern).map((noun) => `the ${withoutTrailingVerb(noun.toLowerCase())}`);
}

const VIETNAMESE_CLASSIFIERS = 'cái|chiếc|bức|lá|quyển|cuốn|tấm|món|túi|chiếc|chuyến|căn|ngôi|bó|cành';
const VIETNAMESE_STOPS = 'của|ở|và|trong|cho|với|khi|thì|là|đã|lên|xuống|vào|ra|trên|dưới|nhưng|rồi|mà|nên';

/** "bức thư cũ", "chiếc la bàn": a classifier and the noun it counts. */
function vietnamese(text: string): string[] {
  const pattern = new RegExp(
    `(?<![\\p{L}])((?:${VIETNAMESE_CLASSIFIERS})(?:\\s+[\\p{L}]+){1,3}?)(?=\\s+(?:${VIETNAMESE_STOPS})(?![\\p{L}])|\\s*[,.;:!?]|\\s*$)`,
    'giu',
  );
  return captured(text, pattern).map((noun) => noun.toLowerCase());
}

const MALAY_STOPS =
  'di|ke|dari|dan|yang|dengan|untuk|pada|sebelum|sesudah|setelah|saat|ketika|itu|ini|tetapi|tapi|lalu|karena|kerana';
const MALAY_CLASSIFIERS = 'sebuah|sepucuk|selembar|secangkir|segelas|sepiring|sebungkus|sebatang|sebutir|sekeping';

/** "sepucuk surat", or the object of a me- verb: "menemukan surat lama" is "surat lama"; "warungnya" is "warung". */
function malay(text: string): string[] {
  const pattern = new RegExp(
    `(?<![\\p{L}])(?:${MALAY_CLASSIFIERS}|me(?:m|n|ng|ny)\\p{L}{2,})\\s+(?!(?:${MALAY_STOPS})\\s)((?:\\p{L}+\\s+){0,1}?\\p{L}+)(?=\\s+(?:${MALAY_STOPS})(?![\\p{L}])|\\s*[,.;:!?]|\\s*$)`,
    'giu',
  );
  return captured(text, pattern)
    .map((noun) =>
      noun
        .toLowerCase()
        .replace(new RegExp(`^(?:${MALAY_CLASSIFIERS})\\s+`, 'u'), '')
        .replace(/nya$/u, ''),
    )
    .filter((noun) => !new RegExp(`^(?:${MALAY_STOPS})$`, 'u').test(noun));
}

const FILIPINO_STOPS = 'sa|at|na|ng|ang|ay|kay|nang|pero|bago|dahil|lahat';

/** "ang lumang kumpas": the noun "ang" marks (a name takes "si" instead). */
function filipino(text: string): string[] {
  const pattern = new RegExp(
    `(?<![\\p{L}])ang\\s+(?:mga\\s+)?((?:\\p{L}+\\s+){0,1}?\\p{L}+)(?=\\s+(?:${FILIPINO_STOPS})(?![\\p{L}])|\\s*[,.;:!?]|\\s*$)`,
    'giu',
  );
  return captured(text, pattern)
    .map((noun) => noun.toLowerCase())
    .filter((noun) => noun !== 'lahat');
}

const MEASURE_WORDS = '个個封把张張条條只隻本件块塊枚瓶杯碗盏盞朵束辆輛台臺部颗顆';
/** Characters that end a Chinese noun: particles, places and the verbs that most often follow an object. */
const CHINESE_NOUN_END = '的了在里裡上中下和与與给給交藏放拿是被把到着著过過起来來去也都就还還';

/** "一封旧信" is said "这封旧信" (Traditional "這封舊信"): a measure word and at most two characters of noun after it. */
function chinese(text: string, tag: string): string[] {
  const near = tag === 'zh-TW' ? '這' : '这';
  const pattern = new RegExp(`[一这那這]([${MEASURE_WORDS}])([^${CHINESE_NOUN_END}\\P{Script=Han}]{1,2})`, 'gu');
  return [...text.matchAll(pattern)].map((match) => `${near}${match[1]}${match[2]}`);
}

/** "手紙を", "秘密が": a noun of two characters or more before the object or subject particle. */
function japanese(text: string): string[] {
  return captured(text, /([\p{Script=Han}\p{Script=Katakana}ー]{2,6})[をが]/gu);
}

/** "편지를", "나침반을": a noun of two syllables or more before the object particle. */
function korean(text: string): string[] {
  return captured(text, /(?<![\p{Script=Hangul}])([\p{Script=Hangul}]{2,5}?)(?:을|를)(?![\p{Script=Hangul}])/gu);
}

const READERS: Readonly<Record<string, Reader>> = {
  en: english,
  vi: vietnamese,
  id: malay,
  ms: malay,
  fil: filipino,
  zh: chinese,
  ja: japanese,
  ko: korean,
};
