import { createHash } from 'node:crypto';
import { ProviderNotConfigured } from '../../../core/contracts/errors.js';
import type {
  CharacterBrief,
  DialogueLine,
  EpisodeListing,
  EpisodeListingRequest,
  Metered,
  SceneBrief,
  SceneScript,
  SceneScriptRequest,
  TextModel,
} from '../../../core/contracts/ports.js';
import { findLanguage } from '../../../core/text/languages.js';
import { outlineNouns } from './outline-nouns.js';
import { enUS } from './phrasebook/en-US.js';
import { filPH } from './phrasebook/fil-PH.js';
import { idID } from './phrasebook/id-ID.js';
import { jaJP } from './phrasebook/ja-JP.js';
import { koKR } from './phrasebook/ko-KR.js';
import { LISTING_PHRASES_BY_LANGUAGE } from './phrasebook/listings.js';
import { msMY } from './phrasebook/ms-MY.js';
import { MOODS, type Mood, type MoodLines, type Phrasebook } from './phrasebook/phrasebook.js';
import { thTH } from './phrasebook/th-TH.js';
import { viVN } from './phrasebook/vi-VN.js';
import { zhCN } from './phrasebook/zh-CN.js';
import { zhTW } from './phrasebook/zh-TW.js';

export const OFFLINE_SCRIPT_PROVIDER = 'offline';
export const OFFLINE_SCRIPT_MODEL = 'phrasebook-v1';

const MIN_DIALOGUE_LINES = 2;
const MAX_DIALOGUE_LINES = 6;
/** A location longer than this is a description, not a name a character would say. */
const MAX_SPOKEN_PLACE_CHARS = 40;

/** One phrasebook for each language of core/text/languages.ts (a test holds the two lists together). */
export const PHRASEBOOK_BY_LANGUAGE: Readonly<Record<string, Phrasebook>> = {
  'vi-VN': viVN,
  'th-TH': thTH,
  'id-ID': idID,
  'ms-MY': msMY,
  'fil-PH': filPH,
  'zh-CN': zhCN,
  'zh-TW': zhTW,
  'ja-JP': jaJP,
  'ko-KR': koKR,
  'en-US': enUS,
  'en-GB': enUS,
};

/**
 * Words that name a mood, in the languages the manifests are written in. The
 * scene's mood is read first; without one, the outline may still give it away.
 */
const MOOD_WORDS: ReadonlyArray<readonly [Mood, readonly string[]]> = [
  [
    'angry',
    [
      'angry',
      'anger',
      'furious',
      'rage',
      'argue',
      'argument',
      'quarrel',
      'fight',
      'giận',
      'tức',
      'cãi',
      '愤怒',
      '生气',
      '争吵',
      '吵架',
      '憤怒',
      '生氣',
      '爭吵',
      'โกรธ',
      'ทะเลาะ',
      'marah',
      'bertengkar',
      'galit',
      '怒',
      'けんか',
      '화난',
      '분노',
      '싸움',
    ],
  ],
  [
    'tense',
    [
      'tense',
      'tension',
      'suspense',
      'thriller',
      'danger',
      'fear',
      'mystery',
      'mysterious',
      'chase',
      'căng thẳng',
      'hồi hộp',
      'nguy hiểm',
      '紧张',
      '悬疑',
      '危险',
      '緊張',
      '懸疑',
      '危險',
      'ตึงเครียด',
      'อันตราย',
      'ระทึก',
      'tegang',
      'bahaya',
      'misteri',
      'tensyon',
      'panganib',
      '危ない',
      'サスペンス',
      '긴장',
      '위험',
      '스릴러',
    ],
  ],
  [
    'sad',
    [
      'sad',
      'sorrow',
      'grief',
      'melancholy',
      'somber',
      'sombre',
      'tearful',
      'farewell',
      'funeral',
      'buồn',
      'đau lòng',
      'chia tay',
      '悲伤',
      '伤心',
      '告别',
      '悲傷',
      '傷心',
      '告別',
      'เศร้า',
      'เสียใจ',
      'อำลา',
      'sedih',
      'perpisahan',
      'malungkot',
      'lungkot',
      'paalam',
      '悲しい',
      '別れ',
      '슬픈',
      '슬픔',
      '이별',
    ],
  ],
  [
    'comic',
    [
      'comic',
      'comedy',
      'comedic',
      'funny',
      'humor',
      'humour',
      'playful',
      'silly',
      'hài',
      'vui nhộn',
      '搞笑',
      '喜剧',
      '滑稽',
      '喜劇',
      'ตลก',
      'lucu',
      'kelakar',
      'nakakatawa',
      'komedya',
      'コメディ',
      'おかしい',
      '코미디',
      '웃긴',
    ],
  ],
  [
    'joyful',
    [
      'joy',
      'joyful',
      'happy',
      'cheerful',
      'festive',
      'celebrat',
      'excited',
      'vui',
      'hạnh phúc',
      'ăn mừng',
      '欢乐',
      '开心',
      '喜悦',
      '庆祝',
      '歡樂',
      '開心',
      '慶祝',
      'มีความสุข',
      'สนุก',
      'ฉลอง',
      'gembira',
      'bahagia',
      'perayaan',
      'masaya',
      'pagdiriwang',
      '楽しい',
      '嬉しい',
      'お祝い',
      '행복',
      '기쁜',
      '축하',
    ],
  ],
  [
    'tender',
    [
      'tender',
      'romantic',
      'romance',
      'love',
      'loving',
      'warm',
      'sweet',
      'gentle',
      'reunion',
      'lãng mạn',
      'ấm áp',
      'dịu dàng',
      'đoàn tụ',
      '温柔',
      '浪漫',
      '温馨',
      '团聚',
      '溫柔',
      '溫馨',
      '團聚',
      'โรแมนติก',
      'อบอุ่น',
      'อ่อนโยน',
      'romantis',
      'hangat',
      'rindu',
      'romantiko',
      'malambing',
      'ロマンチック',
      '優しい',
      '再会',
      '로맨틱',
      '따뜻한',
      '다정한',
      '재회',
    ],
  ],
];

/** Validation refuses a language without a phrasebook, so a line is never written in another language. */
export function phrasebookFor(language: string): Phrasebook {
  const known = findLanguage(language);
  const phrasebook = known ? PHRASEBOOK_BY_LANGUAGE[known.tag] : undefined;
  if (!phrasebook) throw new ProviderNotConfigured(`the offline script writer has no phrasebook for ${language}`);
  return phrasebook;
}

function mentions(text: string, word: string): boolean {
  // Latin words match at a word start so "warm" does not fire on "swarm"; other scripts have no spaces to lean on.
  return /^[a-z]+$/.test(word) ? new RegExp(`\\b${word}`, 'i').test(text) : text.toLowerCase().includes(word);
}

export function moodOf(scene: Pick<SceneBrief, 'mood' | 'outline'>): Mood {
  for (const text of [scene.mood ?? '', scene.outline]) {
    const found = MOOD_WORDS.find(([, words]) => words.some((word) => mentions(text, word)));
    if (found) return found[0];
  }
  return 'default';
}

/** The name of the location as a character would say it: the part before the first comma. */
export function spokenPlace(location: string, phrasebook: Phrasebook): string | undefined {
  const place = location.split(/[,，;；。(（]/)[0]?.trim() ?? '';
  return place && place.length <= MAX_SPOKEN_PLACE_CHARS && phrasebook.placeFits(place) ? place : undefined;
}

/** mulberry32: small, fast, and the same sequence on every platform. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Scenes sharing a production seed still get different lines, and so do series and languages
 * sharing a seed: the phrasebooks are written line for line alike, so the same seed in the same
 * scene would open every language's series with the same line.
 */
function sceneSeed(request: SceneScriptRequest): number {
  const { scene } = request;
  return createHash('sha256')
    .update(
      JSON.stringify([request.seed, request.language, request.title, scene.episodeId, scene.sceneId, scene.index]),
    )
    .digest()
    .readUInt32BE(0);
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/** Sentence starts are capitalised after filling, since a pronoun or a place may land there. */
function capitaliseSentences(line: string): string {
  return line.replace(
    /(^|(?<!\.\.)[.!?]\s+)(\p{Ll})/gu,
    (_, before: string, letter: string) => before + letter.toUpperCase(),
  );
}

/** Spoken the same way whatever the case or spacing: a repeat is a repeat. */
function said(line: string): string {
  return line.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * Picks each line of a scene from the phrasebook: never a line said before in the episode or
 * earlier in the scene. When the scene's mood has run out of unsaid lines, the same part of a
 * conversation in the other moods is tried before a line is said again.
 */
class LinePicker {
  private readonly spoken: Set<string>;

  constructor(
    private readonly phrasebook: Phrasebook,
    private readonly random: () => number,
    private readonly place: string | undefined,
    spokenBefore: readonly string[],
  ) {
    this.spoken = new Set(spokenBefore.map(said));
  }

  pick(
    role: keyof MoodLines,
    mood: Mood,
    speaker: CharacterBrief,
    listener: CharacterBrief | undefined,
    things: readonly string[] = [],
  ): string {
    const pools = [
      ...(things.length > 0 && this.phrasebook.about
        ? [role === 'monologue' ? this.phrasebook.about.monologue : this.phrasebook.about.openers]
        : []),
      this.phrasebook.moods[mood][role],
      ...MOODS.filter((other) => other !== mood).map((other) => this.phrasebook.moods[other][role]),
    ];
    for (const pool of pools) {
      const unsaid = shuffled(pool, this.random)
        .filter((template) => this.place !== undefined || !template.includes('{place}'))
        .flatMap((template) =>
          (template.includes('{thing}') ? things : [undefined]).map((thing) =>
            fillTemplate(this.phrasebook, template, { speaker, listener, place: this.place, thing }),
          ),
        )
        .filter((line) => !this.spoken.has(said(line)));
      const [line] = unsaid;
      if (line !== undefined) return this.say(line);
    }
    const [fallback = ''] = shuffled(
      this.phrasebook.moods[mood][role].filter((template) => !template.includes('{place}')),
      this.random,
    );
    return this.say(fillTemplate(this.phrasebook, fallback, { speaker, listener, place: this.place }));
  }

  private say(line: string): string {
    this.spoken.add(said(line));
    return line;
  }
}

/** A phrasebook template said by `speaker` to `listener` at `place` (about `thing`): names, pronouns, the place and the thing filled in. */
export function fillTemplate(
  phrasebook: Phrasebook,
  template: string,
  {
    speaker,
    listener,
    place,
    thing,
  }: {
    speaker: CharacterBrief;
    listener: CharacterBrief | undefined;
    place: string | undefined;
    thing?: string | undefined;
  },
): string {
  const pronouns = listener && phrasebook.pronouns ? phrasebook.pronouns(speaker, listener) : undefined;
  const filled = template.replace(/\{(listener|place|thing|I|you)\}/g, (_, slot: string) => {
    if (slot === 'listener') return listener?.name ?? '';
    if (slot === 'place') return place ?? '';
    if (slot === 'thing') return thing ?? '';
    return pronouns?.[slot as 'I' | 'you'] ?? '';
  });
  return capitaliseSentences(
    listener && phrasebook.addressed ? phrasebook.addressed(filled, speaker, listener) : filled,
  );
}

/** The answer to the first line turns to a thing the outline names, when the language's lines can take one. */
function dialogue(
  cast: CharacterBrief[],
  mood: Mood,
  things: readonly string[],
  picker: LinePicker,
  random: () => number,
): DialogueLine[] {
  const speakers = shuffled(cast, random);
  const extra = Math.floor(random() * (MAX_DIALOGUE_LINES - MIN_DIALOGUE_LINES + 1));
  const count = Math.min(MAX_DIALOGUE_LINES, Math.max(cast.length, MIN_DIALOGUE_LINES + extra));
  const speakerAt = (i: number) => speakers[i % speakers.length] as CharacterBrief;
  return Array.from({ length: count }, (_, i) => {
    const speaker = speakerAt(i);
    if (i === 0) return { character: speaker.id, line: picker.pick('openers', mood, speaker, speakerAt(1)) };
    if (i === 1 && things.length > 0)
      return { character: speaker.id, line: picker.pick('replies', mood, speaker, speakerAt(0), things) };
    const role = i === count - 1 && count >= 3 ? 'closers' : 'replies';
    return { character: speaker.id, line: picker.pick(role, mood, speaker, speakerAt(i - 1)) };
  });
}

/** A thing the outline names is thought of last. */
function monologue(
  speaker: CharacterBrief,
  mood: Mood,
  things: readonly string[],
  picker: LinePicker,
  random: () => number,
): DialogueLine[] {
  const count = things.length > 0 ? 2 : 1 + Math.floor(random() * 2);
  return Array.from({ length: count }, (_, i) => ({
    character: speaker.id,
    line: picker.pick('monologue', mood, speaker, undefined, i === 1 ? things : []),
  }));
}

/** A rough token count: a CJK character is about one token, other text about four characters a token. */
export function estimatedTokens(text: string): number {
  const cjk = text.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu)?.length ?? 0;
  return cjk + Math.ceil((text.length - cjk) / 4);
}

/**
 * Writes scratch dialogue from a phrasebook: free, offline, and the same lines
 * for the same request. Lines fit the scene's mood, address the other
 * characters by name and mention the location when it reads well in the
 * manifest's language (every language of core/text/languages.ts).
 */
export class OfflineScriptWriter implements TextModel {
  async writeScene(request: SceneScriptRequest): Promise<Metered<SceneScript>> {
    const { scene } = request;
    const phrasebook = phrasebookFor(request.language);
    const mood = moodOf(scene);
    const random = seededRandom(sceneSeed(request));
    const spokenBefore = (request.episode?.spokenBefore ?? []).flatMap((earlier) => earlier.lines.map((l) => l.line));
    const picker = new LinePicker(phrasebook, random, spokenPlace(scene.location, phrasebook), spokenBefore);
    const things = outlineNouns(
      scene.outline,
      request.language,
      scene.characters.map((character) => character.name),
    );
    // An animal in the scene is there, but never given a line.
    const speakers = scene.characters.filter((character) => character.speaks !== false);
    const [first] = speakers;
    const lines =
      first === undefined
        ? []
        : speakers.length === 1
          ? monologue(first, mood, things, picker, random)
          : dialogue(speakers, mood, things, picker, random);

    const input = [
      request.title,
      scene.location,
      scene.outline,
      scene.mood ?? '',
      ...scene.characters.map((c) => `${c.name}: ${c.description}`),
    ].join('\n');
    return {
      result: { lines },
      usage: {
        inputTokens: estimatedTokens(input),
        outputTokens: estimatedTokens(lines.map((l) => l.line).join('\n')),
      },
      provider: OFFLINE_SCRIPT_PROVIDER,
      model: OFFLINE_SCRIPT_MODEL,
    };
  }

  /**
   * The episode's listing from the language's listing phrases: a hook of the drama's mood around
   * its title, a call to watch, and the genre's hashtags. The mood is read from the genre, then the
   * logline and synopsis, then the scenes; the phrases do not retell the story.
   */
  async writeListing(request: EpisodeListingRequest): Promise<Metered<EpisodeListing>> {
    const { series, episode } = request;
    const listing = phrasebookListing({
      language: request.language,
      title: episode.title,
      mood: listingMood(series.genre, [series.logline, episode.synopsis], episode.scenes),
      seed: listingSeed(request.seed, request.language, episode.id),
    });
    const input = [series.title, series.logline ?? '', series.genre ?? '', episode.title, episode.synopsis ?? ''];
    return {
      result: listing,
      usage: {
        inputTokens: estimatedTokens([...input, ...episode.scenes.map((scene) => scene.outline)].join('\n')),
        outputTokens: estimatedTokens([listing.description, ...listing.hashtags].join(' ')),
      },
      provider: OFFLINE_SCRIPT_PROVIDER,
      model: OFFLINE_SCRIPT_MODEL,
    };
  }
}

/**
 * The mood a listing is written in: the genre's when it names one, else the logline's or the
 * synopsis', else the one most of the scenes have.
 */
export function listingMood(
  genre: string | undefined,
  story: (string | undefined)[],
  scenes: Pick<SceneBrief, 'mood' | 'outline'>[],
): Mood {
  const told = moodOf({ mood: genre, outline: story.filter(Boolean).join(' ') });
  if (told !== 'default') return told;
  const counts = new Map<Mood, number>();
  for (const scene of scenes) {
    const mood = moodOf(scene);
    if (mood !== 'default') counts.set(mood, (counts.get(mood) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'default';
}

/** A listing in the language's phrases: the mood's hook around the title, a call to watch chosen by the seed, the mood's hashtags between the drama's own. */
export function phrasebookListing(input: {
  language: string;
  title: string;
  mood: Mood;
  seed: number;
}): EpisodeListing {
  const known = findLanguage(input.language);
  const phrases = known ? LISTING_PHRASES_BY_LANGUAGE[known.tag] : undefined;
  if (!phrases)
    throw new ProviderNotConfigured(`the offline script writer has no listing phrases for ${input.language}`);
  const random = seededRandom(input.seed);
  const closer = phrases.closers[Math.floor(random() * phrases.closers.length)]!;
  const [own, series] = phrases.hashtags;
  return {
    description: `${phrases.hooks[input.mood].replace('{title}', input.title)}${phrases.joiner}${closer}`,
    hashtags: [...new Set([own, ...phrases.moodHashtags[input.mood], series])],
  };
}

/** Episodes and languages sharing a production seed still get their own choice of phrases. */
export function listingSeed(seed: number, language: string, episodeId: string): number {
  return createHash('sha256')
    .update(JSON.stringify([seed, language, episodeId]))
    .digest()
    .readUInt32BE(0);
}
