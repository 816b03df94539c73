/**
 * What kind of being a character is, read from its description in any language of
 * core/text/languages.ts: a person, or an animal the offline painter draws as that animal.
 * Animals do not speak unless the manifest says so (`speaks: true`), so no stage
 * gives them dialogue.
 */
export const SPECIES = ['person', 'cat', 'dog', 'bird'] as const;
export type Species = (typeof SPECIES)[number];

/**
 * Words for each kind. Latin-script words match whole words; Thai, Han and Kana words
 * match anywhere (those scripts put no spaces between words), except where a longer
 * word begins the same way (Thai หมาย "meaning" starts with หมา "dog").
 */
const WORDS: Readonly<Record<Species, readonly (string | RegExp)[]>> = {
  cat: [
    'cat',
    'cats',
    'kitten',
    'kitty',
    'tabby',
    'mèo',
    'แมว',
    'kucing',
    'pusa',
    'pusang',
    '猫',
    '貓',
    'ねこ',
    'ネコ',
    '고양이',
  ],
  dog: [
    'dog',
    'dogs',
    'puppy',
    'pup',
    'hound',
    'terrier',
    'poodle',
    'shiba',
    'chó',
    'cún',
    'สุนัข',
    /หมา(?!ย)/u,
    'anjing',
    'aso',
    'asong',
    'tuta',
    '狗',
    '犬',
    'いぬ',
    'イヌ',
    '강아지',
    '개',
  ],
  bird: [
    'bird',
    'parrot',
    'sparrow',
    'crow',
    'pigeon',
    'dove',
    'canary',
    'myna',
    'chim',
    'vẹt',
    'นก',
    'burung',
    'ibon',
    'ibong',
    '鸟',
    '鳥',
    'とり',
    'インコ',
    '새',
    '앵무새',
  ],
  person: [
    'woman',
    'man',
    'girl',
    'boy',
    'lady',
    'gentleman',
    'person',
    'mother',
    'father',
    'grandmother',
    'grandfather',
    'student',
    'she',
    'he',
    'cô',
    'chị',
    'anh',
    'ông',
    'bà',
    'mẹ',
    'bố',
    'người',
    'ผู้หญิง',
    'ผู้ชาย',
    'หญิง',
    'ชาย',
    'เด็ก',
    'คุณยาย',
    'คุณตา',
    'wanita',
    'perempuan',
    'pria',
    'lelaki',
    'laki-laki',
    'gadis',
    'ibu',
    'bapak',
    'nenek',
    'kakek',
    'datuk',
    'babae',
    'lalaki',
    'lola',
    'lolo',
    'dalaga',
    '女',
    '男',
    '人',
    '妈',
    '媽',
    '爸',
    '奶奶',
    '爷爷',
    '爺爺',
    '女性',
    '男性',
    '少女',
    '少年',
    'おばあさん',
    'おじいさん',
    '여자',
    '남자',
    '할머니',
    '할아버지',
    '소녀',
    '소년',
    '학생',
  ],
};

const LATIN_WORD = /^[\p{Script=Latin}-]+$/u;
const HANGUL_WORD = /^\p{Script=Hangul}+$/u;
/** A description's words: runs of letters and their marks, as the whole-word entries must be bounded. */
const LETTER_RUN = /[\p{L}\p{M}]+/gu;

/**
 * How each entry matches. A Latin or Hangul word matches only as a whole word: one look-up of each of
 * the description's letter runs, since a pattern per word (about 150 regular expressions, each with
 * Unicode lookarounds) took 30 to 90 ms to compile on first use. A hyphenated word spans runs, so it
 * keeps a pattern of its own. Other scripts write words without spaces, so a plain substring is their
 * match.
 */
const WHOLE_WORDS = new Map<string, Species>();
const ELSEWHERE: { species: Species; pattern: RegExp | string }[] = [];
for (const species of SPECIES) {
  for (const word of WORDS[species]) {
    if (typeof word === 'string' && (LATIN_WORD.test(word) || HANGUL_WORD.test(word)) && !word.includes('-')) {
      if (!WHOLE_WORDS.has(word)) WHOLE_WORDS.set(word, species);
    } else ELSEWHERE.push({ species, pattern: patternElsewhere(word) });
  }
}

/** An entry's own pattern: a hyphenated Latin word as a whole word; a substring or a pattern as it is. */
function patternElsewhere(word: string | RegExp): RegExp | string {
  if (typeof word !== 'string' || !LATIN_WORD.test(word)) return word;
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{M}])${escaped}(?![\\p{L}\\p{M}])`, 'u');
}

/**
 * The kind the description names first: "a grey tabby cat" is a cat, "a girl with her
 * dog" a person. A description naming no kind is a person.
 */
export function speciesOf(description: string): Species {
  const text = description.normalize('NFC').toLowerCase();
  let found: { species: Species; index: number } | undefined;
  for (const run of text.matchAll(LETTER_RUN)) {
    const species = WHOLE_WORDS.get(run[0]);
    if (species) {
      found = { species, index: run.index };
      break;
    }
  }
  for (const { species, pattern } of ELSEWHERE) {
    const index = typeof pattern === 'string' ? text.indexOf(pattern) : text.search(pattern);
    if (index < 0 || (found !== undefined && index > found.index)) continue;
    // At one index, the kind named earlier in SPECIES wins, as the word entries do among themselves.
    if (found === undefined || index < found.index || SPECIES.indexOf(species) < SPECIES.indexOf(found.species))
      found = { species, index };
  }
  return found?.species ?? 'person';
}

/** Whether a character may be given lines: people do, animals only when the manifest says so. */
export function speaks(character: { description: string; speaks?: boolean | undefined }): boolean {
  return character.speaks ?? speciesOf(character.description) === 'person';
}
