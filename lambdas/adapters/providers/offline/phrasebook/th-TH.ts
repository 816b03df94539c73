import type { CharacterBrief } from '../../../../core/contracts/ports.js';
import type { Phrasebook, PronounPair } from './phrasebook.js';
import { GRANDPARENT_GAP, PARENT_GAP, renamed, SIBLING_GAP, standing } from './standing.js';

/**
 * Thai "I" follows the speaker's gender (ผม for a man, ฉัน for a woman, เรา when
 * unknown); between the characters of a drama "you" is the familiar เธอ. Ages set the
 * pair across generations: a grandparent is คุณตา or คุณยาย, a parent's age ลุง or ป้า, an
 * elder sibling's พี่, and the younger one speaks as หนู (a girl) or ผม (a boy); the elder
 * calls them หลาน, หนู or น้อง.
 */
function pronouns(speaker: CharacterBrief, listener: CharacterBrief): PronounPair {
  const { gap, speaker: from, listener: to } = standing(speaker, listener);
  const gender = speaker.voice?.gender;
  const plainI = gender === 'male' ? 'ผม' : gender === 'female' ? 'ฉัน' : 'เรา';
  if (gap === undefined) return { I: plainI, you: 'เธอ' };
  if (gap >= GRANDPARENT_GAP) return { I: from === 'female' ? 'หนู' : 'ผม', you: to === 'female' ? 'คุณยาย' : 'คุณตา' };
  if (gap >= PARENT_GAP) return { I: from === 'female' ? 'หนู' : 'ผม', you: to === 'female' ? 'ป้า' : 'ลุง' };
  if (gap >= SIBLING_GAP) return { I: plainI, you: 'พี่' };
  if (gap <= -GRANDPARENT_GAP) return { I: from === 'female' ? 'ยาย' : 'ตา', you: 'หลาน' };
  if (gap <= -PARENT_GAP) return { I: from === 'female' ? 'ป้า' : 'ลุง', you: 'หนู' };
  if (gap <= -SIBLING_GAP) return { I: 'พี่', you: 'น้อง' };
  return { I: plainI, you: 'เธอ' };
}

/** Words that make a Thai line a question, so a woman's particle is คะ, not ค่ะ. */
const QUESTION = /(?:ไหม|หรือเปล่า|อะไร|ทำไม|ที่ไหน|ใคร|ยังไง|เหรอ|หรือ|\?)\s*$/u;

/**
 * To anyone older, the name takes the title the pronoun gives (ลุงสมชาย, พี่นก) and the line
 * ends on the polite particle, before its closing mark: ครับ for a man, ค่ะ (คะ asking) for a woman.
 */
function addressed(line: string, speaker: CharacterBrief, listener: CharacterBrief): string {
  const { gap, speaker: from } = standing(speaker, listener);
  if (gap === undefined || gap < SIBLING_GAP) return line;
  const title = pronouns(speaker, listener).you;
  const named = renamed(line, listener.name, `${title}${listener.name}`).trimEnd();
  const [, body = named, mark = ''] = named.match(/^(.*?)([!?.…]*)$/su) ?? [];
  const particle = from === 'male' ? 'ครับ' : QUESTION.test(named) ? 'คะ' : 'ค่ะ';
  return `${body}${particle}${mark.replace('?', '')}`;
}

export const thTH: Phrasebook = {
  placeFits: (place) => /\p{Script=Thai}/u.test(place),
  pronouns,
  addressed,
  moods: {
    tender: {
      openers: [
        '{listener} {I}รอ{you}มานานมากแล้วนะ',
        '{listener} หนาวไหม มานี่สิ เดี๋ยว{I}กุมมือให้',
        'ในที่สุดก็ได้เจอ{you}อีกครั้ง {listener}',
        '{listener} ทุกวันที่{place} {I}คิดถึง{you}ตลอดเลย',
      ],
      replies: [
        '{I}ก็คิดถึง{you}มากเหมือนกัน',
        'มี{you}อยู่ตรงนี้ {I}ก็สบายใจแล้ว',
        'ไม่ต้องห่วงนะ ครั้งนี้{I}จะไม่ไปไหนอีกแล้ว',
        '{you}ผอมลงเยอะเลย กินข้าวบ้างหรือเปล่า',
        'เห็น{you}ยิ้มแบบนี้ {I}ว่าทุกอย่างคุ้มค่าแล้ว',
        '{I}สัญญาไว้แล้วไง {I}กลับมาแล้วนะ',
      ],
      closers: ['กลับบ้านกันเถอะ {listener}', 'ต่อจากนี้ไม่ว่าจะเกิดอะไรขึ้น เราจะผ่านมันไปด้วยกัน', 'ไปกันเถอะ ใกล้มืดแล้ว'],
      monologue: ['กลับมาถึง{place}แล้ว... ทำไมใจเต้นแรงขนาดนี้', 'ขอแค่ให้เขายังรออยู่ก็พอ', 'ผ่านมาตั้งหลายปี แต่ยังรู้สึกเหมือนเพิ่งเมื่อวาน'],
    },
    tense: {
      openers: [
        '{listener} เบา ๆ หน่อย เหมือนมีคนตามเรามา',
        '{listener} ได้ยินเสียงอะไรไหม',
        '{listener} พูดความจริงมาเถอะ เมื่อคืนเกิดอะไรขึ้น',
        '{place}ไม่ปลอดภัยแล้ว {listener} เราต้องรีบไป',
      ],
      replies: [
        'อย่าหันกลับไป ทำตัวให้เป็นปกติ',
        '{I}ก็ไม่รู้ แต่{I}รู้สึกไม่ดีเลย',
        'ถ้า{you}ปิดบังอะไร{I}อยู่ ก็พูดออกมาตอนนี้เลย',
        'เดี๋ยวก่อน... ได้ยินไหม เสียงฝีเท้า',
        'ไม่มีเวลาแล้ว ตัดสินใจเร็วเข้า',
        '{I}เชื่อ{you}นะ แต่ครั้งนี้มันยากจริง ๆ',
      ],
      closers: ['ได้ นับถึงสามแล้ววิ่งเลย', 'ระวังตัวด้วย อย่าให้ใครเห็น', 'เรื่องนี้ยังไม่จบแค่นี้หรอก'],
      monologue: ['มันแปลก ๆ... เงียบเกินไปแล้ว', 'ต้องออกจาก{place}ให้ได้ก่อนฟ้าสาง', 'ใจเย็น ๆ คิดให้ดีก่อน'],
    },
    joyful: {
      openers: [
        '{listener}! สอบติดแล้ว! ติดจริง ๆ ด้วย!',
        '{listener} ดูนี่สิ สวยไหม',
        '{listener} วันนี้มีความสุขที่สุดเลย!',
        '{listener} วันนี้ที่{place}คึกคักมากเลยนะ!',
      ],
      replies: [
        'จริงเหรอ ดีใจด้วยนะ!',
        '{I}รู้อยู่แล้วว่า{you}ต้องทำได้!',
        'ต้องฉลองกันหน่อยแล้ว วันนี้{I}เลี้ยงเอง!',
        'ไม่ได้เห็น{you}ยิ้มแบบนี้มานานแล้ว',
        'ดีใจจนอยากตะโกนออกมาดัง ๆ เลย!',
        'ข่าวดีขนาดนี้ ต้องบอกทุกคนในบ้าน',
      ],
      closers: ['มา ชนแก้ว! เพื่อวันพรุ่งนี้ที่ดีกว่า!', 'ไปกันเถอะ ทุกคนรออยู่', 'วันนี้เป็นวันที่สมบูรณ์แบบจริง ๆ'],
      monologue: ['ในที่สุดก็ทำได้!', 'ไม่นึกเลยว่า{place}จะสวยขนาดนี้', 'ถ้าทุกวันเป็นแบบนี้ก็คงดี'],
    },
    sad: {
      openers: [
        '{listener}... ขอโทษนะ ที่กลับมาช้า',
        '{listener} อย่าร้องไห้เลยนะ',
        '{you}จะไปจริง ๆ เหรอ {listener}',
        '{listener} {place}ยังเหมือนเดิม แต่คนไม่อยู่แล้ว',
      ],
      replies: [
        'ตอนนี้พูดอะไรก็สายไปแล้ว',
        '{I}ไม่ได้โทษ{you}หรอก แค่รู้สึกเสียดาย',
        'ถ้าเรามีเวลามากกว่านี้อีกสักหน่อยก็คงดี',
        '{I}ไม่เป็นไร แค่... เหนื่อยนิดหน่อย',
        'ทุกคนพูดถึง{you}อยู่ตลอดเลยนะ',
        'บางเรื่องลืมไปเสียบ้างก็ดี',
      ],
      closers: ['กลับกันเถอะ อากาศเริ่มหนาวแล้ว', 'ยังไงก็... ขอบคุณที่อยู่ตรงนี้นะ', 'ทุกอย่างจะผ่านไป'],
      monologue: ['ถ้าตอนนั้นกล้ากว่านี้อีกนิดก็คงดี', '{place}ยังเหมือนเดิม มีแต่เราที่เปลี่ยนไป', 'บางที ถึงเวลาต้องปล่อยมือแล้ว'],
    },
    comic: {
      openers: [
        '{listener} ลืมกุญแจอีกแล้วเหรอ',
        '{listener} ข้าวในหม้อไหม้แล้ว!',
        'เฮ้ย {listener} ทำไมใส่เสื้อกลับด้านล่ะ',
        '{listener} {I}เดินวนรอบ{place}มาสามรอบแล้วนะ!',
      ],
      replies: [
        'เปล่านะ! เอ่อ... ก็ได้ ใช่แหละ',
        'เรื่องเล็ก! ปล่อยให้เป็นหน้าที่{I}เอง',
        'เบา ๆ หน่อยสิ คนมองกันหมดแล้ว!',
        'แมวทำนะ ไม่ใช่{I}!',
        'แย่แล้ว คราวนี้โดนแม่ดุแน่เลย',
        'บอกแล้วก็ไม่ฟัง เห็นไหมล่ะ',
      ],
      closers: ['ช่างมันเถอะ ทำเป็นไม่มีอะไรเกิดขึ้นก็แล้วกัน', 'คราวหน้าเชื่อ{I}บ้างนะ!', 'หนีเร็ว ก่อนมีคนเห็น!'],
      monologue: ['อ้าว... มือถือไปไหนแล้วเนี่ย', 'อีกแล้ว ทำไมมาที่{place}ทีไรซวยทุกที', 'ใจเย็น ทำเป็นว่าไม่มีใครเห็น'],
    },
    angry: {
      openers: [
        '{listener}! อธิบายมาเดี๋ยวนี้ นี่มันเรื่องอะไรกัน',
        '{listener} บอกไปกี่ครั้งแล้ว',
        'พอได้แล้ว {listener}! ทนไม่ไหวแล้ว!',
        '{listener} ยังกล้ามาที่{place}อีกเหรอ',
      ],
      replies: [
        '{you}มีสิทธิ์อะไรมาพูดกับ{I}แบบนี้',
        '{I}ทุ่มเททุกอย่างเพื่อครอบครัวนี้นะ!',
        'อย่าโยนความผิดทั้งหมดมาที่{I}!',
        '{you}ไม่เคยฟัง{I}เลยสักครั้ง',
        'ดี งั้นก็ทำตามใจ{you}ไปเลย!',
        'พูดอีกทีสิ ลองดู!',
      ],
      closers: ['{I}ไม่อยากเห็นหน้า{you}อีกแล้ว', 'เรื่องนี้ยังไม่จบ จำไว้เลย!', 'ออกไป! ขออยู่คนเดียวสักพัก'],
      monologue: ['ทำไมทุกคนต้องหลอกกันด้วย', 'ทนไม่ไหวอีกแล้ว!', 'ครั้งนี้จะไม่ยอมปล่อยไปเด็ดขาด'],
    },
    default: {
      openers: [
        '{listener} มาแล้วเหรอ',
        '{listener} มีเรื่องอยากคุยด้วยหน่อย',
        '{listener} ตอนนี้ว่างไหม',
        '{listener} ดึกขนาดนี้ทำไมยังอยู่ที่{place}อีก',
      ],
      replies: [
        'อืม เพิ่งมาถึง',
        'ว่ามาเลย {I}ฟังอยู่',
        'ขอ{I}คิดดูก่อนนะ',
        'เรื่องนี้{I}เองก็ไม่แน่ใจ',
        'ได้ ทำตามที่{you}ว่าก็แล้วกัน',
        'วันนี้เป็นอะไรไป ดูแปลก ๆ นะ',
      ],
      closers: ['เอาล่ะ ไปกันเถอะ', 'ตกลงตามนี้นะ', 'ไว้ค่อยคุยกันพรุ่งนี้'],
      monologue: ['วันนี้ก็เป็นอีกวันที่ยาวนาน', '{place}อีกแล้ว... ไม่รู้ว่าครั้งนี้จะเป็นยังไง', 'เอาล่ะ เริ่มกันเลย'],
    },
  },
};
