import type { CharacterBrief } from '../../../../core/ports.js';
import { darken, lighten, mix } from './colour.js';
import { seededRandom } from './seeded-random.js';

export type HairStyle = 'long' | 'short' | 'bun' | 'ponytail' | 'braid' | 'curly' | 'bald';
export type CostumeKind = 'ao-dai' | 'qipao' | 'dress' | 'suit' | 'jacket' | 'cardigan' | 'hoodie' | 'uniform' | 'shirt';
export type AgeGroup = 'child' | 'young' | 'adult' | 'elder';
export type Gender = 'female' | 'male';

/** Everything the painter needs to draw one character the same way in every frame. */
export interface CharacterLook {
  characterId: string;
  gender: Gender;
  age: AgeGroup;
  skin: string;
  hair: string;
  hairStyle: HairStyle;
  costumeKind: CostumeKind;
  costume: string;
  /** Collar, lapels, inner shirt, piping. */
  costumeTrim: string;
  /** Trousers, or bare legs under a dress. */
  legs: string;
  shoes: string;
  /** Hat colour, when the character wears one. */
  hat?: string;
  glasses: boolean;
  beard: boolean;
  /** Relative to an average adult (1.0). */
  height: number;
  /** Shoulder and hip width relative to average (1.0). */
  build: number;
}

type ColourName =
  | 'black' | 'white' | 'grey' | 'brown' | 'red' | 'blue' | 'navy' | 'green' | 'yellow' | 'gold'
  | 'pink' | 'purple' | 'orange' | 'beige' | 'blonde' | 'maroon' | 'teal';

const CLOTH_COLOURS: Record<ColourName, string> = {
  black: '#232127',
  white: '#f1ede4',
  grey: '#8c8d93',
  brown: '#7a4e2d',
  red: '#c3232d',
  blue: '#2f62b8',
  navy: '#1f2c57',
  green: '#3a8a48',
  yellow: '#e4b932',
  gold: '#c9a227',
  pink: '#e68db0',
  purple: '#7a4ca3',
  orange: '#e27a25',
  beige: '#d9c6a2',
  blonde: '#e0c27a',
  maroon: '#7d1f2c',
  teal: '#1f8a8a',
};

/** Hair reads differently from cloth: "black hair" is never pure black, "white hair" is silver. */
const HAIR_COLOURS: Partial<Record<ColourName, string>> = {
  black: '#17130f',
  white: '#dcdad4',
  grey: '#a9a7a2',
  brown: '#5a3620',
  red: '#8e3318',
  gold: '#d8b560',
  yellow: '#d8b560',
  blonde: '#d8b560',
  orange: '#b0521d',
};

type Subject = 'hair' | 'costume' | 'legs' | 'eyes' | 'hat' | 'skin';

type Token =
  | { kind: 'colour'; colour: ColourName }
  | { kind: 'subject'; subject: Subject; costume?: CostumeKind; hairStyle?: HairStyle }
  | { kind: 'length'; length: 'long' | 'short' }
  | { kind: 'age'; age: AgeGroup }
  | { kind: 'gender'; gender: Gender }
  | { kind: 'height'; height: 'tall' | 'short' }
  | { kind: 'build'; build: 'slim' | 'heavy' }
  | { kind: 'skinTone'; tone: 'light' | 'dark' }
  | { kind: 'glasses' }
  | { kind: 'beard' };

/** English, Vietnamese and Chinese phrases; the longest match at a position wins, so "áo dài" beats "áo". */
const LEXICON: [string[], Token][] = [
  [['black', 'đen', '黑'], { kind: 'colour', colour: 'black' }],
  [['white', 'trắng', '白'], { kind: 'colour', colour: 'white' }],
  [['grey', 'gray', 'silver', 'xám', 'bạc', '灰', '银'], { kind: 'colour', colour: 'grey' }],
  [['brown', 'chestnut', 'nâu', '棕', '褐', '咖啡'], { kind: 'colour', colour: 'brown' }],
  [['red', 'crimson', 'scarlet', 'đỏ', '红'], { kind: 'colour', colour: 'red' }],
  [['maroon', 'burgundy', 'đỏ đô', 'đỏ mận', '酒红', '暗红'], { kind: 'colour', colour: 'maroon' }],
  [['blue', 'denim', 'xanh', 'xanh dương', 'xanh da trời', 'xanh lam', '蓝', '牛仔'], { kind: 'colour', colour: 'blue' }],
  [['navy', 'dark blue', 'xanh navy', 'xanh đậm', 'xanh than', '藏青', '深蓝'], { kind: 'colour', colour: 'navy' }],
  [['green', 'olive', 'xanh lá', 'xanh lục', '绿'], { kind: 'colour', colour: 'green' }],
  [['teal', 'turquoise', 'xanh ngọc', '青色', '碧'], { kind: 'colour', colour: 'teal' }],
  [['yellow', 'vàng', '黄'], { kind: 'colour', colour: 'yellow' }],
  [['gold', 'golden', 'vàng kim', '金'], { kind: 'colour', colour: 'gold' }],
  [['blonde', 'blond', 'vàng hoe', '金发'], { kind: 'colour', colour: 'blonde' }],
  [['pink', 'hồng', '粉'], { kind: 'colour', colour: 'pink' }],
  [['purple', 'violet', 'lilac', 'tím', '紫'], { kind: 'colour', colour: 'purple' }],
  [['orange', 'cam', '橙', '橘'], { kind: 'colour', colour: 'orange' }],
  [['beige', 'cream', 'khaki', 'màu kem', 'màu be', '米色', '卡其'], { kind: 'colour', colour: 'beige' }],

  [['hair', 'tóc', '发', '髮'], { kind: 'subject', subject: 'hair' }],
  [['bun', 'chignon', 'topknot', 'búi', 'búi tóc', '发髻', '盘发', '丸子头'], { kind: 'subject', subject: 'hair', hairStyle: 'bun' }],
  [['ponytail', 'đuôi ngựa', '马尾'], { kind: 'subject', subject: 'hair', hairStyle: 'ponytail' }],
  [['braid', 'braids', 'plait', 'pigtails', 'bím', 'tết tóc', '辫'], { kind: 'subject', subject: 'hair', hairStyle: 'braid' }],
  [['curly', 'curls', 'wavy', 'perm', 'xoăn', 'quăn', '卷发', '卷'], { kind: 'subject', subject: 'hair', hairStyle: 'curly' }],
  [['bald', 'shaved head', 'hói', 'trọc', '光头', '秃'], { kind: 'subject', subject: 'hair', hairStyle: 'bald' }],
  [['bob', 'crew cut', 'buzz cut', 'pixie', 'undercut', '寸头', '平头'], { kind: 'subject', subject: 'hair', hairStyle: 'short' }],

  [['áo dài', 'ao dai', 'aodai', '奥黛'], { kind: 'subject', subject: 'costume', costume: 'ao-dai' }],
  [['qipao', 'cheongsam', 'sườn xám', '旗袍'], { kind: 'subject', subject: 'costume', costume: 'qipao' }],
  [['dress', 'gown', 'skirt', 'sundress', 'váy', 'đầm', '裙', '连衣裙'], { kind: 'subject', subject: 'costume', costume: 'dress' }],
  [['suit', 'blazer', 'tuxedo', 'vest', 'com lê', 'comple', '西装', '西服'], { kind: 'subject', subject: 'costume', costume: 'suit' }],
  [['jacket', 'coat', 'parka', 'raincoat', 'trench', 'áo khoác', 'áo choàng', 'áo mưa', '夹克', '外套', '大衣', '风衣'], { kind: 'subject', subject: 'costume', costume: 'jacket' }],
  [['cardigan', 'sweater', 'jumper', 'knit', 'áo len', 'áo cardigan', '毛衣', '开衫', '针织'], { kind: 'subject', subject: 'costume', costume: 'cardigan' }],
  [['hoodie', 'hoody', 'sweatshirt', 'áo hoodie', 'áo nỉ', '卫衣'], { kind: 'subject', subject: 'costume', costume: 'hoodie' }],
  [['uniform', 'đồng phục', 'quân phục', '制服', '校服', '警服', '军装'], { kind: 'subject', subject: 'costume', costume: 'uniform' }],
  [['shirt', 't-shirt', 'tshirt', 'tee', 'blouse', 'polo', 'top', 'áo', 'áo sơ mi', 'áo thun', 'áo phông', '衬衫', 't恤', '上衣'], { kind: 'subject', subject: 'costume', costume: 'shirt' }],
  [['jeans', 'trousers', 'pants', 'slacks', 'quần', 'quần jean', '裤'], { kind: 'subject', subject: 'legs' }],
  [['eyes', 'eye', 'mắt', '眼睛', '眼'], { kind: 'subject', subject: 'eyes' }],
  [['hat', 'cap', 'beanie', 'mũ', 'nón', 'nón lá', '帽'], { kind: 'subject', subject: 'hat' }],
  [['skin', 'complexion', 'làn da', 'da', '皮肤', '肤'], { kind: 'subject', subject: 'skin' }],

  [['long', 'dài', '长'], { kind: 'length', length: 'long' }],
  [['short', 'ngắn', '短'], { kind: 'length', length: 'short' }],

  [['grandmother', 'grandma', 'granny', 'grandfather', 'grandpa', 'elderly', 'old', 'aged', 'senior', 'bà nội', 'bà ngoại', 'ông nội', 'ông ngoại', 'cụ', 'già', '奶奶', '外婆', '姥姥', '爷爷', '外公', '老人', '老太', '老奶奶', '老爷爷', '年迈'], { kind: 'age', age: 'elder' }],
  [['child', 'kid', 'toddler', 'little girl', 'little boy', 'em bé', 'cậu bé', 'cô bé', 'bé', '孩子', '小孩', '儿童', '小女孩', '小男孩'], { kind: 'age', age: 'child' }],
  [['teen', 'teenager', 'student', 'young', 'học sinh', 'sinh viên', 'trẻ', '学生', '少女', '少年', '年轻'], { kind: 'age', age: 'young' }],
  [['middle-aged', 'middle aged', 'trung niên', '中年'], { kind: 'age', age: 'adult' }],

  [['woman', 'women', 'girl', 'lady', 'mother', 'mom', 'mum', 'grandmother', 'grandma', 'granny', 'aunt', 'sister', 'daughter', 'wife', 'she', 'her', 'female', 'bride', 'cô', 'chị', 'bà', 'mẹ', 'nữ', 'con gái', 'vợ', 'em gái', 'cô bé', '女', '妈', '母', '奶奶', '外婆', '姥姥', '姐', '妹', '妻', '她', '阿姨', '婆', '老奶奶', '老太', '老太太'], { kind: 'gender', gender: 'female' }],
  [['man', 'men', 'boy', 'gentleman', 'father', 'dad', 'grandfather', 'grandpa', 'uncle', 'brother', 'son', 'husband', 'he', 'his', 'male', 'groom', 'anh', 'ông', 'chú', 'bố', 'cha', 'con trai', 'chồng', 'em trai', 'cậu bé', '男', '爸', '父', '爷爷', '外公', '哥', '弟', '丈夫', '他', '叔', '伯', '老爷爷', '老大爷'], { kind: 'gender', gender: 'male' }],

  [['tall', 'lanky', 'cao', '高'], { kind: 'height', height: 'tall' }],
  [['petite', 'thấp', 'lùn', '矮', '娇小'], { kind: 'height', height: 'short' }],
  [['slim', 'thin', 'slender', 'skinny', 'gầy', 'mảnh khảnh', '瘦', '苗条'], { kind: 'build', build: 'slim' }],
  [['stocky', 'heavy', 'heavyset', 'plump', 'chubby', 'burly', 'broad', 'muscular', 'stout', 'béo', 'mập', 'vạm vỡ', '胖', '壮', '魁梧'], { kind: 'build', build: 'heavy' }],
  [['pale', 'fair', 'porcelain', 'trắng trẻo', '白皙'], { kind: 'skinTone', tone: 'light' }],
  [['tan', 'tanned', 'sun-browned', 'weathered', 'ngăm', 'rám nắng', '黝黑', '古铜'], { kind: 'skinTone', tone: 'dark' }],
  [['glasses', 'spectacles', 'kính', 'đeo kính', '眼镜'], { kind: 'glasses' }],
  [['beard', 'moustache', 'mustache', 'stubble', 'râu', '胡子', '胡须'], { kind: 'beard' }],
];

interface Match {
  start: number;
  end: number;
  token: Token;
  segment: number;
}

const LETTER = /[\p{L}\p{M}\p{N}]/u;
const CJK = /[\u3400-\u9fff]/u;
/** Clause breaks: colours and lengths only attach to subjects within the same clause. */
const CLAUSE_BREAK = /[,，、;；.。!！?？\n()（）]|\band\b|\bwith\b|\bwearing\b|\bin\b|(?<![\p{L}])(?:và|với|mặc|đội)(?![\p{L}])|和|穿|戴|与/gu;

function isBoundary(text: string, index: number): boolean {
  const char = text[index];
  return char === undefined || !LETTER.test(char) || CJK.test(char);
}

function lex(text: string): Match[] {
  const breaks = [...text.matchAll(CLAUSE_BREAK)].map((m) => m.index);
  const found: Omit<Match, 'segment'>[] = [];
  for (const [phrases, token] of LEXICON) {
    for (const phrase of phrases) {
      const needsBoundary = !CJK.test(phrase);
      let from = 0;
      for (;;) {
        const start = text.indexOf(phrase, from);
        if (start < 0) break;
        const end = start + phrase.length;
        from = start + 1;
        if (needsBoundary && (!isBoundary(text, start - 1) || !isBoundary(text, end))) continue;
        found.push({ start, end, token });
      }
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  const kept: Match[] = [];
  let coveredTo = 0;
  for (const match of found) {
    if (match.start < coveredTo) {
      const previous = kept[kept.length - 1];
      // Gendered kinship words ("grandmother", "奶奶") also carry an age: keep both readings.
      if (previous && previous.start === match.start && previous.end === match.end && previous.token.kind !== match.token.kind) {
        kept.push({ ...match, segment: previous.segment });
      }
      continue;
    }
    kept.push({ ...match, segment: breaks.filter((b) => b < match.start).length });
    coveredTo = match.end;
  }
  return kept;
}

const SKIN_TONES = ['#f6dcc4', '#eec9a6', '#e2b48c', '#cf9a70', '#b07a52', '#8a5a3a'];
const FALLBACK_COSTUMES = ['#c3232d', '#2f62b8', '#3a8a48', '#e4b932', '#7a4ca3', '#e27a25', '#1f8a8a', '#e68db0', '#7a4e2d', '#1f2c57', '#8c8d93', '#7d1f2c'];
const FALLBACK_TROUSERS = ['#2d3240', '#3a3a3e', '#4a3f35', '#2a3a5a', '#5d564c'];
const FALLBACK_COSTUME_KINDS: Record<Gender, CostumeKind[]> = {
  female: ['dress', 'shirt', 'jacket', 'cardigan', 'shirt'],
  male: ['shirt', 'jacket', 'suit', 'hoodie', 'shirt'],
};

function ageFromYears(years: number): AgeGroup {
  if (years < 13) return 'child';
  if (years < 30) return 'young';
  if (years < 60) return 'adult';
  return 'elder';
}

function firstAge(text: string): number | undefined {
  for (const match of text.matchAll(/(?<!\d)(\d{1,3})(?!\d)/g)) {
    const years = Number(match[1]);
    if (years >= 1 && years <= 110) return years;
  }
  return undefined;
}

/**
 * Reads a character's description (English, Vietnamese or Chinese) into a look.
 * What the description does not say comes from a hash of the character id, so the
 * same character is drawn the same way in every frame of every run.
 */
export function characterLook(character: CharacterBrief): CharacterLook {
  const text = character.description.normalize('NFC').toLowerCase();
  const matches = lex(text);
  const random = seededRandom('character-look', character.id);

  const colours: Partial<Record<Subject, ColourName>> = {};
  let hairStyle: HairStyle | undefined;
  let hairLength: 'long' | 'short' | undefined;
  let costumeKind: CostumeKind | undefined;
  let age: AgeGroup | undefined;
  let heightCue: 'tall' | 'short' | undefined;
  let buildCue: 'slim' | 'heavy' | undefined;
  let skinCue: 'light' | 'dark' | undefined;
  let hasHat = false;
  let glasses = false;
  let beard = false;
  const genderVotes = { female: 0, male: 0 };

  const segments = new Map<number, Match[]>();
  for (const match of matches) segments.set(match.segment, [...(segments.get(match.segment) ?? []), match]);

  for (const segmentMatches of segments.values()) {
    const subjects = segmentMatches.filter((m) => m.token.kind === 'subject');
    const talksAboutHair = subjects.some((m) => m.token.kind === 'subject' && m.token.subject === 'hair');
    for (const match of segmentMatches) {
      const token = match.token;
      switch (token.kind) {
        case 'subject':
          if (token.hairStyle) hairStyle ??= token.hairStyle;
          if (token.costume) costumeKind = costumeKind === undefined || costumeKind === 'shirt' ? token.costume : costumeKind;
          if (token.subject === 'hat') hasHat = true;
          break;
        case 'colour': {
          const centre = (match.start + match.end) / 2;
          const nearest = subjects
            .map((s) => ({ s, distance: Math.abs((s.start + s.end) / 2 - centre) }))
            .sort((a, b) => a.distance - b.distance)[0]?.s.token;
          const subject = nearest?.kind === 'subject' ? nearest.subject : 'costume';
          colours[subject] ??= token.colour;
          break;
        }
        case 'length':
          if (talksAboutHair) hairLength ??= token.length;
          else if (token.length === 'short') heightCue ??= 'short';
          break;
        case 'age':
          age ??= token.age;
          break;
        case 'gender':
          genderVotes[token.gender] += 1;
          break;
        case 'height':
          heightCue ??= token.height;
          break;
        case 'build':
          buildCue ??= token.build;
          break;
        case 'skinTone':
          skinCue ??= token.tone;
          break;
        case 'glasses':
          glasses = true;
          break;
        case 'beard':
          beard = true;
          break;
      }
    }
  }

  const years = firstAge(text);
  const ageGroup: AgeGroup = years !== undefined ? ageFromYears(years) : (age ?? random.pick(['young', 'adult'] as const));

  const longHairStyle = hairStyle === 'bun' || hairStyle === 'braid' || hairStyle === 'ponytail' || hairLength === 'long';
  const gender: Gender =
    genderVotes.female !== genderVotes.male
      ? genderVotes.female > genderVotes.male ? 'female' : 'male'
      : character.voice?.gender === 'female' || character.voice?.gender === 'male'
        ? character.voice.gender
        : costumeKind === 'ao-dai' || costumeKind === 'dress' || costumeKind === 'qipao' || longHairStyle
          ? 'female'
          : beard ? 'male' : random.pick(['female', 'male'] as const);

  const resolvedHairStyle: HairStyle =
    hairStyle ??
    hairLength ??
    (ageGroup === 'elder' ? (gender === 'female' ? 'bun' : random.pick(['short', 'bald'] as const)) : gender === 'female' ? random.pick(['long', 'long', 'ponytail', 'short'] as const) : random.pick(['short', 'short', 'curly'] as const));
  const resolvedCostume = costumeKind ?? random.pick(FALLBACK_COSTUME_KINDS[gender]);

  const hairColourName = colours.hair;
  const hair = hairColourName
    ? (HAIR_COLOURS[hairColourName] ?? mix(CLOTH_COLOURS[hairColourName], '#17130f', 0.35))
    : ageGroup === 'elder'
      ? random.pick(['#b9b6b0', '#d2cfc8', '#9a9690'])
      : random.pick(['#17130f', '#241812', '#33231a']);

  const costume = colours.costume ? CLOTH_COLOURS[colours.costume] : random.pick(FALLBACK_COSTUMES);
  const costumeTrim =
    resolvedCostume === 'suit' ? '#f1ede4' : resolvedCostume === 'ao-dai' || resolvedCostume === 'qipao' ? mix(costume, '#e8c15a', 0.55) : darken(costume, 0.3);
  const baseTone = random.integer(1, 3);
  const tone = skinCue === 'light' ? 0 : skinCue === 'dark' ? baseTone + 2 : baseTone;
  const skin = SKIN_TONES[Math.min(tone, SKIN_TONES.length - 1)] ?? '#e2b48c';
  const legs = colours.legs
    ? CLOTH_COLOURS[colours.legs]
    : resolvedCostume === 'ao-dai'
      ? '#f1ede4'
      : resolvedCostume === 'dress' || resolvedCostume === 'qipao'
        ? skin
        : resolvedCostume === 'suit' || resolvedCostume === 'uniform'
          ? darken(costume, 0.08)
          : random.pick(FALLBACK_TROUSERS);


  const heightBase = ageGroup === 'child' ? 0.68 : ageGroup === 'elder' ? 0.93 : gender === 'female' ? 0.96 : 1.02;
  const height = heightBase * (heightCue === 'tall' ? 1.07 : heightCue === 'short' ? 0.93 : 1) * random.between(0.98, 1.02);
  const build = (buildCue === 'slim' ? 0.86 : buildCue === 'heavy' ? 1.2 : 1) * (gender === 'male' ? 1.06 : 0.96) * random.between(0.97, 1.03);

  return {
    characterId: character.id,
    gender,
    age: ageGroup,
    skin,
    hair,
    hairStyle: resolvedHairStyle,
    costumeKind: resolvedCostume,
    costume,
    costumeTrim,
    legs,
    shoes: ageGroup === 'elder' ? '#3b2a1e' : legs === skin ? darken(costume, 0.45) : darken(legs, 0.55),
    hat: hasHat ? (colours.hat ? CLOTH_COLOURS[colours.hat] : lighten(costume, 0.2)) : undefined,
    glasses,
    beard: beard && gender === 'male',
    height,
    build,
  };
}
