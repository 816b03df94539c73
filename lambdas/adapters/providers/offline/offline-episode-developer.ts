import { createHash } from 'node:crypto';
import type {
  CharacterBrief,
  DevelopedPart,
  DevelopmentCharacter,
  EpisodeDeveloper,
  EpisodeDevelopmentRequest,
  Metered,
  SceneCard,
} from '../../../core/contracts/ports.js';
import { findLanguage } from '../../../core/text/languages.js';
import { moodOf, OFFLINE_SCRIPT_MODEL, OFFLINE_SCRIPT_PROVIDER, OfflineScriptWriter } from './offline-script-writer.js';
import { placeClassOf } from './storyboard/backgrounds.js';

export const BEATS = ['setup', 'complication', 'turn', 'cliffhanger'] as const;
export type Beat = (typeof BEATS)[number];

const SUMMARY_LIMIT = 1800;
const MAX_CAST_PER_SCENE = 3;

interface BeatFrames {
  /** The beat's name, leading the outline as a beat sheet names it. */
  label: Record<Beat, string>;
  /** {sentence} is the synopsis' part told in the scene, {a} and {b} the names of its first two characters. */
  outline: Record<Beat, readonly string[]>;
  /** Where a scene plays when neither the bible nor the synopsis names a place: {a}'s home. */
  home: string;
  /** Joins sentences of a running summary. */
  join: string;
}

const ENGLISH: BeatFrames = {
  label: { setup: 'Setup', complication: 'Complication', turn: 'Turn', cliffhanger: 'Cliffhanger' },
  outline: {
    setup: [
      '{sentence} We meet {a} as things stand, before anything breaks.',
      '{sentence} {a} and {b} in their everyday world; the calm before it goes wrong.',
    ],
    complication: [
      '{sentence} For {a} it gets harder: a secret surfaces and {b} will not let it go.',
      '{sentence} The pressure rises; {a} is cornered and has to answer {b}.',
    ],
    turn: [
      '{sentence} {a} learns something that changes everything between {a} and {b}.',
      '{sentence} Nothing is what it seemed; {a} decides, and {b} sees {a} differently.',
    ],
    cliffhanger: [
      '{sentence} It ends on {a} facing a choice, the answer held back: cut to black.',
      '{sentence} A last reveal lands on {a}; {b} walks in before a word is said. Cut.',
    ],
  },
  home: "{a}'s home",
  join: ' ',
};

/** Beat sheets by language tag, for every language the offline profile produces in. */
const FRAMES: Readonly<Record<string, BeatFrames>> = {
  'en-US': ENGLISH,
  'en-GB': ENGLISH,
  'vi-VN': {
    label: { setup: 'Mở đầu', complication: 'Rắc rối', turn: 'Bước ngoặt', cliffhanger: 'Kết treo' },
    outline: {
      setup: [
        '{sentence} Ta gặp {a} khi mọi thứ còn bình yên.',
        '{sentence} {a} và {b} trong cuộc sống thường ngày, trước khi sóng gió ập đến.',
      ],
      complication: [
        '{sentence} Một bí mật lộ ra, {b} không chịu bỏ qua.',
        '{sentence} Áp lực dồn lên {a}; {a} buộc phải trả lời {b}.',
      ],
      turn: [
        '{sentence} {a} biết được một điều làm thay đổi tất cả giữa {a} và {b}.',
        '{sentence} Mọi chuyện không như vẻ ngoài; {a} quyết định, và {b} nhìn {a} khác đi.',
      ],
      cliffhanger: [
        '{sentence} {a} đứng trước một lựa chọn, câu trả lời bỏ ngỏ. Cắt cảnh.',
        '{sentence} Một sự thật cuối cùng ập đến với {a}; {b} bước vào trước khi ai kịp nói. Cắt.',
      ],
    },
    home: 'nhà của {a}',
    join: ' ',
  },
  'zh-CN': {
    label: { setup: '开场', complication: '冲突', turn: '转折', cliffhanger: '悬念' },
    outline: {
      setup: ['{sentence}一切尚且平静，我们认识了{a}。', '{sentence}{a}和{b}的日常生活，风波来临之前。'],
      complication: ['{sentence}一个秘密浮出水面，{b}不肯罢休。', '{sentence}压力骤增，{a}被逼到墙角，必须回答{b}。'],
      turn: [
        '{sentence}{a}得知了一件事，{a}和{b}之间的一切都变了。',
        '{sentence}真相并非表面那样；{a}做出决定，{b}对{a}另眼相看。',
      ],
      cliffhanger: [
        '{sentence}{a}面临抉择，答案悬而未决。黑屏。',
        '{sentence}最后的真相砸向{a}；话未出口，{b}推门而入。切。',
      ],
    },
    home: '{a}的家',
    join: '',
  },
  'zh-TW': {
    label: { setup: '開場', complication: '衝突', turn: '轉折', cliffhanger: '懸念' },
    outline: {
      setup: ['{sentence}一切尚且平靜，我們認識了{a}。', '{sentence}{a}和{b}的日常生活，風波來臨之前。'],
      complication: ['{sentence}一個秘密浮出水面，{b}不肯罷休。', '{sentence}壓力驟增，{a}被逼到牆角，必須回答{b}。'],
      turn: [
        '{sentence}{a}得知了一件事，{a}和{b}之間的一切都變了。',
        '{sentence}真相並非表面那樣；{a}做出決定，{b}對{a}另眼相看。',
      ],
      cliffhanger: [
        '{sentence}{a}面臨抉擇，答案懸而未決。黑屏。',
        '{sentence}最後的真相砸向{a}；話未出口，{b}推門而入。切。',
      ],
    },
    home: '{a}的家',
    join: '',
  },
  'ja-JP': {
    label: { setup: '導入', complication: '波乱', turn: '転機', cliffhanger: '引き' },
    outline: {
      setup: [
        '{sentence}まだ何も壊れていない頃の{a}が描かれる。',
        '{sentence}{a}と{b}のいつもの日常、嵐の前の静けさ。',
      ],
      complication: [
        '{sentence}秘密が明るみに出て、{b}は引き下がらない。',
        '{sentence}追い詰められた{a}は、{b}に答えなければならない。',
      ],
      turn: [
        '{sentence}{a}はすべてを変える事実を知る。',
        '{sentence}見えていたものは真実ではなかった。{a}は決断する。',
      ],
      cliffhanger: [
        '{sentence}選択を迫られた{a}、答えは明かされないまま暗転。',
        '{sentence}最後の真実が{a}を襲う。言葉より先に{b}が現れる。カット。',
      ],
    },
    home: '{a}の家',
    join: '',
  },
  'ko-KR': {
    label: { setup: '도입', complication: '갈등', turn: '반전', cliffhanger: '엔딩' },
    outline: {
      setup: ['{sentence} 아무 일도 일어나기 전, {a}의 일상.', '{sentence} {a}, {b}의 평범한 하루. 폭풍 전의 고요.'],
      complication: ['{sentence} 비밀이 드러난다. 물러서지 않는 {b}.', '{sentence} 궁지에 몰린 {a}. 이제 답해야 한다.'],
      turn: [
        '{sentence} 모든 것을 바꾸는 사실을 알게 된 {a}.',
        '{sentence} 보이는 것이 전부가 아니었다. 결심하는 {a}.',
      ],
      cliffhanger: [
        '{sentence} 선택의 기로에 선 {a}. 대답은 보류된 채 암전.',
        '{sentence} 마지막 진실 앞에 선 {a}. 그때 나타나는 {b}. 컷.',
      ],
    },
    home: '{a}의 집',
    join: ' ',
  },
  'th-TH': {
    label: { setup: 'เปิดเรื่อง', complication: 'ปมขัดแย้ง', turn: 'จุดพลิกผัน', cliffhanger: 'ทิ้งท้ายให้ลุ้น' },
    outline: {
      setup: ['{sentence} เราได้รู้จัก{a} ก่อนที่ทุกอย่างจะพังลง', '{sentence} ชีวิตประจำวันของ{a}และ{b} ความสงบก่อนพายุ'],
      complication: ['{sentence} ความลับถูกเปิดเผย และ{b}ไม่ยอมปล่อยผ่าน', '{sentence} {a}ถูกต้อนจนมุมและต้องตอบ{b}'],
      turn: ['{sentence} {a}ได้รู้บางอย่างที่เปลี่ยนทุกอย่างระหว่าง{a}กับ{b}', '{sentence} ไม่มีอะไรเป็นอย่างที่เห็น {a}ตัดสินใจ'],
      cliffhanger: [
        '{sentence} {a}ต้องเลือก แต่คำตอบยังไม่ถูกเปิดเผย ตัดภาพมืด',
        '{sentence} ความจริงสุดท้ายถาโถมใส่{a} {b}เดินเข้ามาก่อนใครจะพูด ตัด',
      ],
    },
    home: 'บ้านของ{a}',
    join: ' ',
  },
  'id-ID': {
    label: { setup: 'Pembuka', complication: 'Konflik', turn: 'Titik balik', cliffhanger: 'Akhir menggantung' },
    outline: {
      setup: [
        '{sentence} Kita mengenal {a} sebelum semuanya runtuh.',
        '{sentence} Keseharian {a} dan {b}, tenang sebelum badai.',
      ],
      complication: [
        '{sentence} Sebuah rahasia terungkap dan {b} tidak mau melepaskannya.',
        '{sentence} {a} terpojok dan harus menjawab {b}.',
      ],
      turn: [
        '{sentence} {a} mengetahui sesuatu yang mengubah segalanya antara {a} dan {b}.',
        '{sentence} Tidak ada yang seperti kelihatannya; {a} mengambil keputusan.',
      ],
      cliffhanger: [
        '{sentence} {a} harus memilih, jawabannya masih disimpan. Layar gelap.',
        '{sentence} Kebenaran terakhir menghantam {a}; {b} masuk sebelum sempat bicara. Potong.',
      ],
    },
    home: 'rumah {a}',
    join: ' ',
  },
  'ms-MY': {
    label: { setup: 'Permulaan', complication: 'Konflik', turn: 'Titik perubahan', cliffhanger: 'Penamat tergantung' },
    outline: {
      setup: [
        '{sentence} Kita mengenali {a} sebelum segalanya musnah.',
        '{sentence} Kehidupan harian {a} dan {b}, tenang sebelum ribut.',
      ],
      complication: [
        '{sentence} Satu rahsia terbongkar dan {b} tidak mahu melepaskannya.',
        '{sentence} {a} tersepit dan terpaksa menjawab {b}.',
      ],
      turn: [
        '{sentence} {a} mengetahui sesuatu yang mengubah segalanya antara {a} dan {b}.',
        '{sentence} Tiada yang seperti yang disangka; {a} membuat keputusan.',
      ],
      cliffhanger: [
        '{sentence} {a} terpaksa memilih, jawapannya masih tersimpan. Skrin gelap.',
        '{sentence} Kebenaran terakhir menimpa {a}; {b} masuk sebelum sempat berkata. Potong.',
      ],
    },
    home: 'rumah {a}',
    join: ' ',
  },
  'fil-PH': {
    label: { setup: 'Simula', complication: 'Gusot', turn: 'Pagbaligtad', cliffhanger: 'Bitin na wakas' },
    outline: {
      setup: [
        '{sentence} Makikilala natin si {a} bago gumuho ang lahat.',
        '{sentence} Ang karaniwang araw nina {a} at {b}, katahimikan bago ang bagyo.',
      ],
      complication: [
        '{sentence} May lihim na nabunyag at hindi ito palalampasin ni {b}.',
        '{sentence} Naipit si {a} at kailangan niyang sagutin si {b}.',
      ],
      turn: [
        '{sentence} May nalaman si {a} na bumago sa lahat sa pagitan nila ni {b}.',
        '{sentence} Walang tulad ng inaakala; nagpasya si {a}.',
      ],
      cliffhanger: [
        '{sentence} Kailangang pumili ni {a}, pero bitin ang sagot. Dilim.',
        '{sentence} Tumama kay {a} ang huling katotohanan; pumasok si {b} bago pa may makapagsalita. Putol.',
      ],
    },
    home: 'bahay ni {a}',
    join: ' ',
  },
};

/** Moods in the words the offline script writer reads, so each beat's dialogue fits it. */
const BEAT_MOODS: Record<Beat, readonly string[]> = {
  setup: ['tender', 'joyful'],
  complication: ['tense', 'angry'],
  turn: ['sad', 'angry'],
  cliffhanger: ['tense'],
};

const BEAT_CAMERA: Record<Beat, readonly string[]> = {
  setup: ['wide establishing shot, slow push in', 'wide shot, gentle pan across the place'],
  complication: ['medium two-shot, handheld', 'over-the-shoulder shots, quicker cuts'],
  turn: ['close-up, slow dolly in', 'low angle close-up, the light shifts'],
  cliffhanger: ['extreme close-up, hold, cut to black', 'crash zoom on the face, freeze'],
};

/** Where a place is named in a synopsis: "at the night market", "ở chợ Bến Thành", "在火车站". */
const PLACE_PATTERNS: Readonly<Record<string, RegExp>> = {
  en: /\b(?:at|in|inside|outside|on)\s+((?:the|a|an|her|his|their)\s+[^,.;!?]{3,40}?)(?=[,.;!?]|\s+(?:and|where|while|when|as)\b|$)/giu,
  vi: /(?:ở|tại|trong|ngoài)\s+([^,.;!?]{3,40}?)(?=[,.;!?]|\s+(?:và|khi|thì)\s|$)/giu,
  zh: /在([^，。；！？、]{2,12}?)(?=[里上中外前后边，。；！？]|$)/gu,
};

/** The manifest's language as a beat sheet's key; validation only lets through languages the offline profile produces in. */
function languageKey(language: string): string {
  const tag = findLanguage(language)?.tag ?? 'en-US';
  return FRAMES[tag] ? tag : 'en-US';
}

/** Where the synopsis names a place, in the languages a pattern is written for (others use the bible's locations). */
function placePattern(tag: string): RegExp | undefined {
  return PLACE_PATTERNS[tag.split('-')[0]!];
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)] as T;

/** The sentences of a synopsis, in any of the scripts manifests are written in (Thai, without stops, is one sentence). */
export function sentencesOf(text: string): string[] {
  return (text.match(/[^.!?。！？]+[.!?。！？]*/gu) ?? []).map((s) => s.trim()).filter((s) => s.length > 0);
}

/** The beat each scene of an episode plays: the first sets up, the last is the cliffhanger, the middle complicates and turns. */
export function beatsFor(sceneCount: number): Beat[] {
  if (sceneCount === 1) return ['cliffhanger'];
  return Array.from({ length: sceneCount }, (_, i) => {
    if (i === 0) return 'setup';
    if (i === sceneCount - 1) return 'cliffhanger';
    return i - 1 < Math.ceil((sceneCount - 2) / 2) ? 'complication' : 'turn';
  });
}

/**
 * The synopsis' sentences shared among the scenes in order, none lost: with fewer sentences than
 * scenes, the first opens the episode, the last ends it, and the scenes between them play out
 * their beats on what was told last.
 */
function shares(sentences: string[], sceneCount: number): string[][] {
  if (sentences.length >= sceneCount) {
    return Array.from({ length: sceneCount }, (_, i) =>
      sentences.slice(
        Math.floor((i * sentences.length) / sceneCount),
        Math.floor(((i + 1) * sentences.length) / sceneCount),
      ),
    );
  }
  const result: string[][] = Array.from({ length: sceneCount }, () => []);
  for (const [j, sentence] of sentences.entries())
    result[sentences.length === 1 ? 0 : Math.round((j * (sceneCount - 1)) / (sentences.length - 1))]!.push(sentence);
  return result;
}

function mentioned(text: string, character: DevelopmentCharacter): boolean {
  const lower = text.toLowerCase();
  const names = [character.name, character.name.split(/\s+/).at(-1) ?? ''].filter((name) => name.length >= 2);
  return names.some((name) => {
    const needle = name.toLowerCase();
    // A name in plain Latin letters matches as a word ("An" is not in "Anna"); other scripts have no word breaks to lean on.
    return /^[a-z0-9 -]+$/.test(needle)
      ? new RegExp(`\\b${needle.replace(/-/g, '\\-')}\\b`, 'i').test(text)
      : lower.includes(needle);
  });
}

function placesIn(text: string, key: string): string[] {
  const pattern = placePattern(key);
  return pattern
    ? [...text.matchAll(pattern)].map((match) => match[1]!.trim()).filter((place) => place.length > 0)
    : [];
}

function fill(template: string, slots: Record<string, string>): string {
  return template
    .replace(/\{(\w+)\}/g, (_, slot: string) => slots[slot] ?? '')
    .replace(/\s+/g, ' ')
    .trim();
}

function seedOf(request: EpisodeDevelopmentRequest): number {
  return createHash('sha256')
    .update(JSON.stringify([request.seed, request.episode.id, request.part.index]))
    .digest()
    .readUInt32BE(0);
}

/**
 * Develops an episode without a network, the same cards for the same seed: the synopsis is
 * split into beats (setup, complication, turn, cliffhanger) and told in order, one share of
 * its sentences a scene; scenes are set in the bible's locations (or the places the synopsis
 * names) with the characters each share mentions; the offline script writer gives each scene
 * dialogue in the manifest's language, in the mood of its beat.
 */
export class OfflineEpisodeDeveloper implements EpisodeDeveloper {
  private readonly writer = new OfflineScriptWriter();

  async developPart(request: EpisodeDevelopmentRequest): Promise<Metered<DevelopedPart>> {
    const key = languageKey(request.language);
    const frames = FRAMES[key]!;
    const random = seededRandom(seedOf(request));
    const { episode, part } = request;
    const allBeats = beatsFor(episode.sceneCount);
    const allShares = shares(sentencesOf(episode.synopsis), episode.sceneCount);
    const synopsisCast = request.characters.filter((c) => mentioned(episode.synopsis, c));
    const leads = synopsisCast.length > 0 ? synopsisCast : request.characters.slice(0, 2);
    const places = [...new Set([...request.series.locations, ...placesIn(episode.synopsis, key)])];
    const firstIndex = Number(part.sceneIds[0]!.slice(1)) - 1;
    let previousLocation = request.previousCards.at(-1)?.location;

    const scenes: SceneCard[] = [];
    // Every line the episode has said so far, so no scene says one again.
    const spokenBefore = request.previousCards.map((card) => ({ sceneId: card.id, lines: card.dialogue }));
    for (const [offset, id] of part.sceneIds.entries()) {
      const index = firstIndex + offset;
      const beat = allBeats[index]!;
      const share = allShares[index]!.join(frames.join);
      const named = request.characters.filter((c) => mentioned(share, c));
      // A scene needs someone to talk to: one named character is joined by the episode's other lead.
      const partner = named.length === 1 ? leads.find((lead) => lead.id !== named[0]!.id) : undefined;
      const cast = (
        named.length > 0
          ? [...named, ...(partner ? [partner] : [])]
          : leads.length > 1
            ? rotate(leads, index).slice(0, 2)
            : leads
      ).slice(0, MAX_CAST_PER_SCENE);
      const [a, b] = cast;
      const location =
        this.location(share, request.series.locations, places, key, previousLocation, beat, random) ??
        fill(frames.home, { a: a!.name });
      previousLocation = location;
      const outline = `${frames.label[beat]}: ${fill(pick(frames.outline[beat], random), { sentence: share, a: a!.name, b: (b ?? a)!.name })}`;
      const toldMood = moodOf({ outline: share });
      const mood = toldMood === 'default' ? pick(BEAT_MOODS[beat], random) : toldMood;
      const script = await this.writer.writeScene({
        language: request.language,
        title: request.series.title,
        seed: request.seed,
        scene: { episodeId: episode.id, sceneId: id, index, location, outline, mood, characters: cast.map(asBrief) },
        episode: { spokenBefore },
      });
      spokenBefore.push({ sceneId: id, lines: script.result.lines });
      scenes.push({
        id,
        location,
        characters: cast.map((c) => c.id),
        outline,
        mood,
        camera: pick(BEAT_CAMERA[beat], random),
        dialogue: script.result.lines,
      });
    }

    const told = sentencesOf(episode.synopsis).slice(
      0,
      Math.max(
        1,
        Math.ceil((sentencesOf(episode.synopsis).length * (firstIndex + part.sceneIds.length)) / episode.sceneCount),
      ),
    );
    const summary = `${episode.title}: ${told.join(frames.join)}`.slice(0, SUMMARY_LIMIT);
    const input = JSON.stringify(request);
    const output = JSON.stringify({ scenes, summary });
    return {
      result: { scenes, summary },
      usage: { inputTokens: Math.ceil(input.length / 4), outputTokens: Math.ceil(output.length / 4) },
      provider: OFFLINE_SCRIPT_PROVIDER,
      model: OFFLINE_SCRIPT_MODEL,
    };
  }

  /**
   * A bible location the share names (by the part before its first comma), else one of the same
   * class of place as the share names ("her warung" is the bible's "warung kopi, sore hari"),
   * else a place the synopsis or the share names itself, else where the last scene was or
   * another of the bible's places.
   */
  private location(
    share: string,
    bible: readonly string[],
    places: string[],
    key: string,
    previous: string | undefined,
    beat: Beat,
    random: () => number,
  ): string | undefined {
    const told = share.toLowerCase();
    const namedIn = (candidates: readonly string[]) =>
      candidates.find((place) => told.includes(placeName(place).toLowerCase()));
    const named = namedIn(bible) ?? placeOfClass(share, bible) ?? namedIn(places) ?? placesIn(share, key)[0];
    if (named) return named;
    if (previous && beat !== 'setup' && random() < 0.4) return previous;
    return places.length > 0 ? pick(places, random) : previous;
  }
}

/** The bible's first location of the class of place the text names: a stall, a kitchen, a ferry. */
function placeOfClass(text: string, places: readonly string[]): string | undefined {
  const wanted = placeClassOf(text);
  return wanted === undefined ? undefined : places.find((place) => placeClassOf(place) === wanted);
}

/** "the harbour office, flickering strip lights" is named in a story as "harbour office". */
function placeName(place: string): string {
  return (place.split(/[,，;；(（]/)[0] ?? place).replace(/^(the|a|an)\s+/i, '').trim();
}

function rotate<T>(items: T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

function asBrief(character: DevelopmentCharacter): CharacterBrief {
  return {
    id: character.id,
    name: character.name,
    description: character.description,
    voice: character.voice,
    ...(character.speaks === false ? { speaks: false } : {}),
  };
}
