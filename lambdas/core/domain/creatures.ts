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

/**
 * A Latin or Hangul word matches only as a whole word; other scripts write words without spaces, so a
 * plain substring is their match. Built once per word: speciesOf runs for every character of every scene.
 */
function wordPattern(word: string | RegExp): RegExp | string {
  if (typeof word !== 'string') return word;
  if (!LATIN_WORD.test(word) && !/^\p{Script=Hangul}+$/u.test(word)) return word;
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{M}])${escaped}(?![\\p{L}\\p{M}])`, 'u');
}

const PATTERNS = Object.fromEntries(
  Object.entries(WORDS).map(([species, words]) => [species, words.map(wordPattern)]),
) as Record<Species, (RegExp | string)[]>;

function firstIndex(text: string, pattern: RegExp | string): number {
  return typeof pattern === 'string' ? text.indexOf(pattern) : text.search(pattern);
}

/**
 * The kind the description names first: "a grey tabby cat" is a cat, "a girl with her
 * dog" a person. A description naming no kind is a person.
 */
export function speciesOf(description: string): Species {
  const text = description.normalize('NFC').toLowerCase();
  let found: { species: Species; index: number } | undefined;
  for (const species of SPECIES) {
    for (const pattern of PATTERNS[species]) {
      const index = firstIndex(text, pattern);
      if (index >= 0 && (found === undefined || index < found.index)) found = { species, index };
    }
  }
  return found?.species ?? 'person';
}

/** Whether a character may be given lines: people do, animals only when the manifest says so. */
export function speaks(character: { description: string; speaks?: boolean | undefined }): boolean {
  return character.speaks ?? speciesOf(character.description) === 'person';
}
