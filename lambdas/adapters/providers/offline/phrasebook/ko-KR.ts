import type { CharacterBrief } from '../../../../core/contracts/ports.js';
import type { Phrasebook } from './phrasebook.js';
import { GRANDPARENT_GAP, PARENT_GAP, renamed, SIBLING_GAP, type Standing, standing } from './standing.js';

/** Whether a Hangul syllable ends on a consonant, which chooses 이/가 and 을/를. */
function hasFinal(word: string): boolean {
  const code = (word.at(-1) ?? '').charCodeAt(0) - 0xac00;
  return code >= 0 && code < 11172 && code % 28 !== 0;
}

/** What a younger speaker calls the listener: 할머니, 아저씨, 형, 언니... */
function titleFor({ gap, speaker, listener }: Standing): string | undefined {
  if (gap === undefined || gap < SIBLING_GAP) return undefined;
  if (gap >= GRANDPARENT_GAP) return listener === 'female' ? '할머니' : '할아버지';
  if (gap >= PARENT_GAP) return listener === 'female' ? '아주머니' : '아저씨';
  if (speaker === 'male') return listener === 'female' ? '누나' : '형';
  return listener === 'female' ? '언니' : '오빠';
}

/** Casual endings made polite with 요: 했어 is 했어요, 거야 is 거예요. */
function polite(line: string): string {
  return line
    .replace(
      /([가-힣])야([.?!]|$)/gu,
      (_, before: string, stop: string) => `${before}${hasFinal(before) ? '이에요' : '예요'}${stop}`,
    )
    .replace(/([어아워해지네게래데까봐줘와마])([.?!]|$)/gu, '$1요$2');
}

/**
 * A younger speaker calls an elder sibling's age 형, 누나, 오빠 or 언니 after the name, and a
 * parent's or grandparent's generation 아저씨, 아주머니, 할아버지 or 할머니 instead of it; 너
 * (you) becomes that title, and to a parent's generation or older, 나 becomes 저 and the
 * endings take 요.
 */
function addressed(line: string, speaker: CharacterBrief, listener: CharacterBrief): string {
  const standingOf = standing(speaker, listener);
  const title = titleFor(standingOf);
  if (!title) return line;
  const elder = (standingOf.gap ?? 0) >= PARENT_GAP;
  const subject = `${title}${hasFinal(title) ? '이' : '가'}`;
  const object = `${title}${hasFinal(title) ? '을' : '를'}`;
  const named = renamed(line, listener.name, elder ? title : `${listener.name} ${title}`)
    .replace(/네가/gu, subject)
    .replace(/너를|널/gu, object)
    .replace(/너라면/gu, `${title}${hasFinal(title) ? '이라면' : '라면'}`)
    .replace(/넌/gu, `${title}${hasFinal(title) ? '은' : '는'}`)
    .replace(/너(?!무)/gu, title)
    .replace(/(^|\s)네(?=\s)/gu, `$1${title}`);
  if (!elder) return named;
  return polite(
    named
      .replace(/내가/gu, '제가')
      .replace(/나한테/gu, '저한테')
      .replace(/나도/gu, '저도')
      .replace(/나는/gu, '저는')
      .replace(/(^|\s)나(?=\s)/gu, '$1저')
      .replace(/(^|\s)내(?=\s)/gu, '$1제'),
  );
}

/**
 * Casual Korean (반말), as close characters speak in a drama. The particle a name
 * takes depends on its last syllable, so names stand apart, followed by a comma, and a
 * place is only followed by 에/에서, which fit any word.
 */
export const koKR: Phrasebook = {
  placeFits: (place) => /\p{Script=Hangul}/u.test(place),
  addressed,
  moods: {
    tender: {
      openers: [
        '{listener}, 나 너 정말 오래 기다렸어.',
        '{listener}, 춥지 않아? 이리 와, 손 녹여 줄게.',
        '드디어 다시 만났네, {listener}.',
        '{listener}, {place}에서 지내는 동안 매일 네 생각만 했어.',
      ],
      replies: [
        '나도 많이 보고 싶었어.',
        '네가 여기 있으니까 이제 안심이야.',
        '걱정 마. 이번에는 아무 데도 안 갈 거야.',
        '많이 말랐다. 밥은 잘 챙겨 먹고 있어?',
        '네가 웃는 걸 보니까 다 괜찮은 것 같아.',
        '약속했잖아. 나 돌아왔어.',
      ],
      closers: ['집에 가자, {listener}.', '앞으로 무슨 일이 있어도 우리 같이 이겨 내자.', '응, 가자. 곧 어두워지겠다.'],
      monologue: [
        '드디어 {place}에 돌아왔어... 왜 이렇게 가슴이 뛰지?',
        '그 사람이 아직 기다리고 있었으면 좋겠다.',
        '몇 년이나 지났는데, 꼭 어제 일 같아.',
      ],
    },
    tense: {
      openers: [
        '{listener}, 조용히 해. 누가 우리를 따라오는 것 같아.',
        '{listener}, 방금 그 소리 들었어?',
        '{listener}, 솔직하게 말해. 어젯밤에 무슨 일이 있었던 거야?',
        '{place}에 있으면 위험해, {listener}. 빨리 나가야 돼.',
      ],
      replies: [
        '뒤돌아보지 마. 그냥 평소처럼 걸어.',
        '나도 모르겠어. 근데 느낌이 안 좋아.',
        '나한테 숨기는 게 있으면 지금 말해.',
        '잠깐만... 들려? 발소리야.',
        '시간이 없어. 빨리 결정해.',
        '너를 믿어. 그런데 이번엔 정말 힘들어.',
      ],
      closers: ['좋아, 셋 세면 뛰는 거야.', '조심해. 아무한테도 들키지 마.', '이 일은 아직 안 끝났어.'],
      monologue: ['이상해... 너무 조용해.', '날이 밝기 전에 {place}에서 나가야 해.', '침착하자. 잘 생각해 보자.'],
    },
    joyful: {
      openers: [
        '{listener}! 나 합격했어! 진짜 합격했다고!',
        '{listener}, 이거 봐! 예쁘지?',
        '{listener}, 오늘 진짜 너무 행복해!',
        '{listener}, 오늘 {place}에 사람 정말 많다!',
      ],
      replies: [
        '정말? 축하해!',
        '너라면 해낼 줄 알았어!',
        '이건 축하해야지! 오늘은 내가 쏠게!',
        '네가 이렇게 웃는 거 정말 오랜만에 본다.',
        '너무 기뻐서 소리라도 지르고 싶어!',
        '이렇게 좋은 소식은 온 가족한테 알려야지.',
      ],
      closers: ['자, 건배! 더 좋은 내일을 위해!', '가자, 다들 기다리고 있어.', '오늘은 정말 완벽한 하루야.'],
      monologue: ['드디어 해냈어!', '{place}에 이렇게 아름다운 곳이 있을 줄이야.', '매일이 오늘 같았으면 좋겠다.'],
    },
    sad: {
      openers: [
        '{listener}... 미안해, 너무 늦게 돌아와서.',
        '{listener}, 이제 그만 울어.',
        '정말 떠나는 거야, {listener}?',
        '{listener}, {place}에는 모든 게 그대로인데, 그 사람만 없어.',
      ],
      replies: [
        '이제 와서 무슨 말을 해도 늦었어.',
        '널 탓하는 게 아니야. 그냥 아쉬워서 그래.',
        '우리에게 시간이 조금만 더 있었으면 좋았을 텐데.',
        '난 괜찮아. 그냥... 조금 피곤할 뿐이야.',
        '다들 네 얘기를 계속 했어.',
        '어떤 일은 잊는 게 더 나아.',
      ],
      closers: ['돌아가자. 날씨가 추워졌어.', '어쨌든... 곁에 있어 줘서 고마워.', '다 지나갈 거야.'],
      monologue: [
        '그때 조금만 더 용기를 냈더라면.',
        '{place}에는 변한 게 없어. 변한 건 나뿐이야.',
        '이제 놓아줄 때가 된 것 같아.',
      ],
    },
    comic: {
      openers: [
        '{listener}, 또 열쇠 두고 왔어?',
        '{listener}, 밥 다 탔어!',
        '야, {listener}, 옷 뒤집어 입었잖아!',
        '{listener}, 나 {place}에서 벌써 세 바퀴나 돌았어!',
      ],
      replies: [
        '아니거든! 어... 그래, 맞아.',
        '그 정도야 식은 죽 먹기지! 나한테 맡겨.',
        '목소리 좀 낮춰, 다들 쳐다보잖아!',
        '고양이가 그랬어, 난 아니야!',
        '큰일 났다, 이번엔 엄마한테 진짜 혼나겠다.',
        '내가 그랬잖아. 말 안 듣더니 결국 이렇게 됐네.',
      ],
      closers: ['됐어, 아무 일도 없었던 걸로 하자.', '다음엔 내 말 좀 들어!', '도망가, 누가 보기 전에!'],
      monologue: [
        '어라... 내 휴대폰 어디 뒀지?',
        '또야, 왜 {place}에만 오면 되는 일이 없지?',
        '침착해. 아무도 못 본 걸로 하자.',
      ],
    },
    angry: {
      openers: [
        '{listener}! 지금 당장 설명해, 이게 다 뭐야?',
        '{listener}, 내가 몇 번이나 말했어?',
        '그만해, {listener}! 더는 못 참아!',
        '{listener}, 네가 무슨 낯으로 {place}에 와?',
      ],
      replies: [
        '무슨 자격으로 나한테 그렇게 말해?',
        '난 이 집을 위해서 모든 걸 바쳤어!',
        '모든 잘못을 나한테 떠넘기지 마!',
        '넌 한 번도 내 말을 들어 준 적이 없어.',
        '좋아, 네 마음대로 해!',
        '어디 한 번 더 말해 봐!',
      ],
      closers: ['다시는 너 보고 싶지 않아.', '이걸로 끝난 줄 알지 마!', '나가! 혼자 있고 싶어.'],
      monologue: ['왜 다들 나한테 거짓말을 하는 거야?', '더는 못 참겠어!', '이번에는 절대 그냥 넘어가지 않을 거야.'],
    },
    default: {
      openers: [
        '{listener}, 왔어?',
        '{listener}, 할 얘기가 있어.',
        '{listener}, 지금 시간 괜찮아?',
        '{listener}, 이렇게 늦은 시간에 왜 아직 {place}에 있어?',
      ],
      replies: [
        '응, 방금 도착했어.',
        '말해 봐, 듣고 있어.',
        '좀 더 생각해 볼게.',
        '그건 나도 잘 모르겠어.',
        '알았어, 네 말대로 하자.',
        '오늘 무슨 일 있어? 좀 이상해 보여.',
      ],
      closers: ['자, 가자.', '그럼 그렇게 하자.', '내일 다시 얘기하자.'],
      monologue: ['오늘도 긴 하루였어.', '또 {place}... 이번엔 어떻게 될까.', '좋아, 시작하자.'],
    },
  },
  about: {
    openers: [
      '{listener}, {thing} 얘기 좀 하자.',
      '{listener}, {thing} 말이야, 어떻게 된 거야?',
      '다 {thing} 때문이야, {listener}.',
    ],
    monologue: ['{thing}... 왜 하필 지금이야?', '모든 건 {thing}에서 시작됐어.'],
  },
};
