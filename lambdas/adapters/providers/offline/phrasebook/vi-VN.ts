import type { CharacterBrief } from '../../../../core/contracts/ports.js';
import type { Phrasebook, PronounPair } from './phrasebook.js';
import { GRANDPARENT_GAP, PARENT_GAP, renamed, SIBLING_GAP, standing } from './standing.js';

const VIETNAMESE_LETTERS = /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/iu;

/** Names that begin with a kinship title ("Bà Tư", "Chú Ba", "Chị Hai") are addressed by that title. */
const ELDER_TITLES = new Set(['ông', 'bà', 'bác', 'chú', 'cô', 'dì', 'cậu', 'mợ', 'thím', 'bố', 'mẹ', 'ba', 'má']);
const SIBLING_TITLES = new Set(['anh', 'chị']);

function titleOf(character: CharacterBrief): string | undefined {
  const [first, ...rest] = character.name.trim().split(/\s+/);
  const title = first?.toLowerCase();
  return title && rest.length > 0 && (ELDER_TITLES.has(title) || SIBLING_TITLES.has(title)) ? title : undefined;
}

/** The kinship pronoun for someone older by the gap: a grandparent, a parent's generation, an elder sibling. */
function elderTitle(gap: number, gender: 'female' | 'male'): string | undefined {
  if (gap >= GRANDPARENT_GAP) return gender === 'female' ? 'bà' : 'ông';
  if (gap >= PARENT_GAP) return gender === 'female' ? 'cô' : 'chú';
  if (gap >= SIBLING_GAP) return gender === 'female' ? 'chị' : 'anh';
  return undefined;
}

/** Ages that tell a generation apart choose the pair: a grandmother and her cháu, a young man and his chị. */
function pronounsByAge(speaker: CharacterBrief, listener: CharacterBrief): PronounPair | undefined {
  const { gap, speaker: from, listener: to } = standing(speaker, listener);
  if (gap === undefined) return undefined;
  const younger = (years: number) => (years >= PARENT_GAP ? 'cháu' : 'em');
  const listenerTitle = elderTitle(gap, to);
  if (listenerTitle) return { I: younger(gap), you: listenerTitle };
  const speakerTitle = elderTitle(-gap, from);
  if (speakerTitle) return { I: speakerTitle, you: younger(-gap) };
  return undefined;
}

/** An elder the story names bare ("Minh") is called by the pronoun's title too ("chú Minh"). */
function addressed(line: string, speaker: CharacterBrief, listener: CharacterBrief): string {
  if (titleOf(listener)) return line;
  const { gap, listener: gender } = standing(speaker, listener);
  const title = gap === undefined || gap < PARENT_GAP ? undefined : elderTitle(gap, gender);
  if (!title) return line;
  return renamed(line, listener.name, `${title[0]!.toUpperCase()}${title.slice(1)} ${listener.name}`);
}

/**
 * Vietnamese has no neutral "I/you" for a drama: the pair depends on who speaks
 * to whom. A titled name sets it (an elder is bà/chú..., the younger one con;
 * an elder sibling anh/chị, the younger one em); else the ages their descriptions
 * give (a grandparent's generation ông/bà and cháu, a parent's chú/cô and cháu, an
 * elder sibling's anh/chị and em); between a man and a woman the usual pair is
 * anh/em; otherwise mình/cậu, as friends talk.
 */
function pronouns(speaker: CharacterBrief, listener: CharacterBrief): PronounPair {
  const speakerTitle = titleOf(speaker);
  const listenerTitle = titleOf(listener);
  if (speakerTitle && listenerTitle) return { I: speakerTitle, you: listenerTitle };
  if (speakerTitle) return { I: speakerTitle, you: ELDER_TITLES.has(speakerTitle) ? 'con' : 'em' };
  if (listenerTitle) return { I: ELDER_TITLES.has(listenerTitle) ? 'con' : 'em', you: listenerTitle };
  const byAge = pronounsByAge(speaker, listener);
  if (byAge) return byAge;
  const from = speaker.voice?.gender;
  const to = listener.voice?.gender;
  if (from === 'male' && to === 'female') return { I: 'anh', you: 'em' };
  if (from === 'female' && to === 'male') return { I: 'em', you: 'anh' };
  return { I: 'mình', you: 'cậu' };
}

export const viVN: Phrasebook = {
  placeFits: (place) => VIETNAMESE_LETTERS.test(place),
  pronouns,
  addressed,
  moods: {
    tender: {
      openers: [
        '{listener} ơi, {I} đợi {you} lâu lắm rồi đấy.',
        '{listener}, {you} có lạnh không? Lại đây với {I}.',
        'Cuối cùng {I} cũng gặp lại {you} rồi, {listener}.',
        '{listener}, ở {place} này, lúc nào {I} cũng nghĩ về {you}.',
      ],
      replies: [
        '{I} cũng nhớ {you} nhiều lắm.',
        'Có {you} ở đây là {I} yên tâm rồi.',
        'Đừng lo, {I} không đi đâu nữa đâu.',
        '{you} gầy đi nhiều quá. Dạo này có ăn uống đầy đủ không?',
        'Nhìn {you} cười thế này, {I} thấy mọi chuyện đều đáng.',
        '{I} giữ lời hứa rồi nhé. {I} về rồi đây.',
      ],
      closers: [
        'Mình về nhà thôi, {listener}.',
        'Từ giờ có chuyện gì, mình cùng nhau gánh nhé.',
        'Ừ, đi thôi. Trời sắp khuya rồi.',
      ],
      monologue: [
        'Về đến {place} rồi... sao tim cứ đập mạnh thế này.',
        'Chỉ mong người ấy vẫn còn đợi mình.',
        'Bao nhiêu năm rồi, mà cảm giác vẫn như mới hôm qua.',
      ],
    },
    tense: {
      openers: [
        '{listener}, khẽ thôi. Hình như có người đang theo dõi mình.',
        '{you} có nghe thấy gì không, {listener}?',
        '{listener}, nói thật đi. Chuyện tối qua là thế nào?',
        'Ở {place} này không an toàn đâu, {listener}.',
      ],
      replies: [
        'Đừng quay lại. Cứ đi bình thường.',
        '{I} không biết. Nhưng {I} có linh cảm chẳng lành.',
        'Nếu {you} giấu {I} điều gì thì bây giờ là lúc nói ra đấy.',
        'Khoan đã... {you} có nghe tiếng bước chân không?',
        'Không còn thời gian nữa đâu. Quyết định đi.',
        '{I} tin {you}, nhưng lần này khó lắm.',
      ],
      closers: [
        'Được rồi. Đếm đến ba thì mình chạy.',
        'Cẩn thận đấy. Đừng để ai phát hiện.',
        'Chuyện này chưa kết thúc đâu.',
      ],
      monologue: [
        'Có gì đó không ổn... Yên tĩnh quá.',
        'Phải rời khỏi {place} trước khi trời sáng.',
        'Bình tĩnh nào. Nghĩ đi, nghĩ cho kỹ.',
      ],
    },
    joyful: {
      openers: [
        '{listener} ơi! {I} đỗ rồi! {I} đỗ thật rồi!',
        '{listener}, nhìn này! Đẹp chưa?',
        'Hôm nay vui quá, {listener} ơi!',
        '{listener}, hôm nay {place} vui ghê!',
      ],
      replies: [
        'Thật á? Tuyệt quá!',
        '{I} biết ngay mà! {you} giỏi lắm!',
        'Phải ăn mừng thôi. Hôm nay {I} mời!',
        'Lâu lắm rồi mới thấy {you} cười tươi như thế.',
        'Trời ơi, {I} vui đến mức muốn hét lên!',
        'Tin vui thế này phải kể cho cả nhà nghe.',
      ],
      closers: [
        'Nào, nâng ly! Vì những ngày tươi đẹp!',
        'Đi thôi, mọi người đang đợi mình đấy.',
        'Hôm nay đúng là một ngày tuyệt vời.',
      ],
      monologue: [
        'Cuối cùng cũng làm được rồi!',
        'Không ngờ {place} lại đẹp đến thế này.',
        'Ước gì ngày nào cũng được như hôm nay.',
      ],
    },
    sad: {
      openers: [
        '{listener}... {I} xin lỗi. {I} về muộn quá rồi.',
        '{listener}, {you} đừng khóc nữa.',
        '{you} đi thật sao, {listener}?',
        '{listener}, {place} vẫn vậy, chỉ có người là không còn.',
      ],
      replies: [
        'Bây giờ nói gì cũng muộn rồi.',
        '{I} không trách {you}. {I} chỉ thấy tiếc thôi.',
        'Giá mà mình có thêm chút thời gian.',
        '{I} ổn mà. Chỉ là... hơi mệt.',
        'Mọi người vẫn luôn nhắc đến {you} đấy.',
        'Có những chuyện, quên đi lại tốt hơn.',
      ],
      closers: [
        'Thôi, mình về đi. Trời lạnh rồi.',
        'Dù sao thì... cảm ơn {you} đã ở lại.',
        'Rồi mọi chuyện sẽ qua thôi.',
      ],
      monologue: [
        'Giá như ngày ấy mình can đảm hơn.',
        '{place} vẫn như xưa, chỉ có mình là đã khác.',
        'Có lẽ đã đến lúc phải buông tay rồi.',
      ],
    },
    comic: {
      openers: [
        '{listener}, {you} lại quên chìa khóa nữa à?',
        '{listener} ơi, nồi cơm cháy rồi kìa!',
        'Ơ kìa {listener}, sao {you} mặc áo ngược thế?',
        '{listener}, {I} đi lòng vòng quanh {place} ba vòng rồi đấy!',
      ],
      replies: [
        'Đâu có! À... ừ, có thật.',
        'Chuyện nhỏ! Để {I} lo.',
        '{you} nói nhỏ thôi, người ta nhìn kìa!',
        'Tại con mèo, không phải tại {I}!',
        'Thôi xong. Lần này chắc mẹ mắng cho một trận.',
        'Đã bảo rồi mà không nghe, giờ thì hay chưa.',
      ],
      closers: [
        'Thôi, coi như chưa có chuyện gì xảy ra nhé.',
        'Lần sau nhớ nghe lời {I} đấy!',
        'Chạy mau trước khi có người phát hiện!',
      ],
      monologue: [
        'Ơ... mình để điện thoại ở đâu rồi nhỉ?',
        'Lại nữa rồi. Sao cứ đến {place} là mình gặp xui thế này?',
        'Bình tĩnh, coi như chưa ai nhìn thấy.',
      ],
    },
    angry: {
      openers: [
        '{listener}! {you} giải thích đi, chuyện này là thế nào?',
        '{listener}, {I} nói bao nhiêu lần rồi hả?',
        'Đủ rồi, {listener}! {I} chịu hết nổi rồi!',
        '{listener}, {you} còn dám vác mặt đến {place} à?',
      ],
      replies: [
        '{you} lấy quyền gì mà nói với {I} như thế?',
        '{I} đã làm tất cả vì cái nhà này!',
        'Đừng có đổ hết lỗi cho {I}!',
        '{you} chưa bao giờ chịu nghe {I} nói cả.',
        'Được lắm. Vậy thì {you} cứ làm theo ý mình đi!',
        'Nói lại lần nữa xem nào!',
      ],
      closers: [
        '{I} không muốn nhìn thấy {you} nữa.',
        'Chuyện này chưa xong đâu, nhớ đấy!',
        'Ra ngoài! Để {I} yên một mình.',
      ],
      monologue: [
        'Tại sao ai cũng lừa dối mình thế này?',
        'Không thể chịu đựng thêm được nữa!',
        'Lần này mình sẽ không bỏ qua đâu.',
      ],
    },
    default: {
      openers: [
        '{listener}, {you} đến rồi à?',
        '{listener}, có chuyện này {I} muốn nói với {you}.',
        '{listener} ơi, {you} có rảnh không?',
        '{listener}, sao giờ này {you} còn ở {place}?',
      ],
      replies: [
        'Ừ, {I} vừa mới tới.',
        '{you} nói đi, {I} đang nghe đây.',
        'Để {I} nghĩ thêm một chút đã.',
        'Chuyện đó thì {I} cũng không chắc lắm.',
        'Được thôi, cứ làm như {you} nói.',
        'Hôm nay có chuyện gì mà trông {you} lạ thế?',
      ],
      closers: ['Thôi, đi nào.', 'Vậy quyết định thế nhé.', 'Mai mình nói tiếp.'],
      monologue: [
        'Hôm nay sẽ là một ngày dài đây.',
        'Lại là {place}... Không biết lần này sẽ ra sao.',
        'Được rồi. Bắt đầu thôi.',
      ],
    },
  },
  about: {
    openers: [
      '{listener}, {I} muốn nói với {you} chuyện {thing}.',
      '{listener}, {thing} là sao vậy?',
      'Là vì {thing} đấy, {listener}.',
    ],
    monologue: ['Lại là {thing}... sao lại là lúc này?', 'Mọi chuyện đều bắt đầu từ {thing}.'],
  },
};
