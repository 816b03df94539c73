import type { CharacterBrief } from '../../../../core/contracts/ports.js';
import type { Phrasebook } from './phrasebook.js';
import { renamed, SIBLING_GAP, standing } from './standing.js';

/** An honorific a name may carry already. */
const HONORIFIC = /(?:さん|さま|様|先生|くん|君|ちゃん|先輩)$/u;

/**
 * To anyone older the name takes さん (or keeps the honorific it has), and "you" is said
 * by that name rather than the too-close あなた. The lines keep their casual endings.
 */
function addressed(line: string, speaker: CharacterBrief, listener: CharacterBrief): string {
  const { gap } = standing(speaker, listener);
  if (gap === undefined || gap < SIBLING_GAP) return line;
  const honoured = HONORIFIC.test(listener.name) ? listener.name : `${listener.name}さん`;
  return renamed(line, listener.name, honoured).split('あなた').join(honoured);
}

/**
 * Plain (casual) Japanese, as characters who know each other speak in a drama. Names
 * are said bare; a place fits when it is written in kanji or kana.
 */
export const jaJP: Phrasebook = {
  placeFits: (place) => /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(place),
  addressed,
  moods: {
    tender: {
      openers: [
        '{listener}、ずっと待ってたんだよ。',
        '{listener}、寒くない？こっちにおいで。',
        'やっとまた会えたね、{listener}。',
        '{listener}、{place}にいる間、毎日あなたのことを考えてた。',
      ],
      replies: [
        'わたしも、すごく会いたかった。',
        'あなたがいてくれるなら、もう安心。',
        '心配しないで。今度はどこにも行かないから。',
        'ずいぶんやせたね。ちゃんと食べてる？',
        'その笑顔を見たら、ぜんぶ報われた気がする。',
        '約束したでしょ。ちゃんと帰ってきたよ。',
      ],
      closers: [
        '帰ろう、{listener}。',
        'これからは何があっても、ふたりで乗りこえよう。',
        'うん、行こう。もうすぐ暗くなるよ。',
      ],
      monologue: [
        '{place}に帰ってきた……どうしてこんなに胸がどきどきするんだろう。',
        'あの人がまだ待っていてくれたらいいな。',
        '何年もたったのに、まるで昨日のことみたい。',
      ],
    },
    tense: {
      openers: [
        '{listener}、静かに。だれかにつけられてる気がする。',
        '{listener}、今の音、聞こえた？',
        '{listener}、本当のことを言って。ゆうべ何があったの？',
        '{place}はもう危ない、{listener}。すぐに出よう。',
      ],
      replies: [
        'ふり向かないで。ふつうに歩いて。',
        'わからない。でも、いやな予感がする。',
        '何かかくしてるなら、今言って。',
        '待って……聞こえる？足音だ。',
        'もう時間がない。早く決めて。',
        '信じてるよ。でも今回はさすがにきびしい。',
      ],
      closers: ['よし、三つ数えたら走るよ。', '気をつけて。だれにも見られないように。', 'この話は、まだ終わってない。'],
      monologue: ['おかしい……静かすぎる。', '夜が明ける前に、{place}を出なきゃ。', '落ちついて。よく考えるんだ。'],
    },
    joyful: {
      openers: [
        '{listener}！受かった！本当に受かったよ！',
        '{listener}、見て見て！きれいでしょ？',
        '{listener}、今日はほんとうに楽しい！',
        '{listener}、今日の{place}はにぎやかだね！',
      ],
      replies: [
        '本当？よかったね！',
        'あなたならできるって、わかってたよ！',
        'お祝いしなきゃ！今日はわたしのおごり！',
        'そんなに笑ってるの、ひさしぶりに見た。',
        'もう、うれしくて叫びたいくらい！',
        'こんないい知らせ、家族みんなに話さなきゃ。',
      ],
      closers: ['さあ、乾杯！明日に乾杯！', '行こう、みんな待ってるよ。', '今日はほんとうに最高の一日だね。'],
      monologue: ['ついにやった！', '{place}がこんなにきれいだなんて。', '毎日が今日みたいだったらいいのに。'],
    },
    sad: {
      openers: [
        '{listener}……ごめんね、帰るのがおそくなって。',
        '{listener}、もう泣かないで。',
        '本当に行っちゃうの、{listener}？',
        '{listener}、{place}は何も変わってないのに、あの人はもういない。',
      ],
      replies: [
        '今さら何を言っても、もうおそいよ。',
        'あなたを責めてるんじゃない。ただ、くやしいの。',
        'もう少しだけ、時間があったらよかったのに。',
        'だいじょうぶ。ちょっと……つかれただけ。',
        'みんな、ずっとあなたの話をしてたよ。',
        '忘れたほうがいいこともあるよね。',
      ],
      closers: [
        '帰ろう。寒くなってきたね。',
        'とにかく……そばにいてくれて、ありがとう。',
        'いつか、ぜんぶ過ぎていくよ。',
      ],
      monologue: [
        'あのとき、もう少し勇気があったらな。',
        '{place}は変わらない。変わったのは、わたしだけ。',
        'もう、手放すときなのかもしれない。',
      ],
    },
    comic: {
      openers: [
        '{listener}、またかぎを忘れたの？',
        '{listener}、ごはんがこげてる！',
        'ちょっと{listener}、服がうら返しだよ！',
        '{listener}、{place}のまわりをもう三周もしてるんだけど！',
      ],
      replies: [
        'ちがうって！……うん、まあ、そうかも。',
        'そんなの楽勝！まかせて。',
        '声が大きいよ、みんな見てる！',
        'ねこがやったの、わたしじゃない！',
        'やばい、これは絶対お母さんにおこられる。',
        'だから言ったでしょ。聞かないからこうなるの。',
      ],
      closers: [
        'もういいや、なかったことにしよう。',
        '次はちゃんとわたしの言うことを聞いてね！',
        'にげて、見つかる前に！',
      ],
      monologue: [
        'あれ……スマホどこに置いたっけ？',
        'まただ。{place}に来るといつもついてない。',
        '落ちついて。だれも見てなかったことにしよう。',
      ],
    },
    angry: {
      openers: [
        '{listener}！これはいったいどういうことなの？説明して！',
        '{listener}、何回言ったらわかるの？',
        'もうたくさんだ、{listener}！がまんできない！',
        '{listener}、よくも{place}に顔を出せたね。',
      ],
      replies: [
        'なんでそんな言い方されなきゃいけないの？',
        'この家のために、ぜんぶささげてきたのに！',
        'ぜんぶわたしのせいにしないで！',
        'あなたは一度もわたしの話を聞いてくれなかった。',
        'いいよ、好きにすればいい！',
        'もう一回言ってみなさいよ！',
      ],
      closers: ['もう二度と顔も見たくない。', 'これで終わりだと思わないで！', '出ていって！ひとりにして。'],
      monologue: ['どうしてみんな、わたしにうそをつくの？', 'もう限界だ！', '今度こそ、ぜったいに許さない。'],
    },
    default: {
      openers: [
        '{listener}、来てたの？',
        '{listener}、ちょっと話したいことがあるんだ。',
        '{listener}、今ちょっといい？',
        '{listener}、こんな時間にまだ{place}にいるの？',
      ],
      replies: [
        'うん、今着いたところ。',
        'どうぞ、聞いてるよ。',
        'ちょっと考えさせて。',
        'それは、わたしにもよくわからない。',
        'わかった、あなたの言うとおりにしよう。',
        '今日はどうしたの？なんだか変だよ。',
      ],
      closers: ['じゃあ、行こうか。', 'それで決まりだね。', 'また明日話そう。'],
      monologue: ['今日も長い一日だった。', 'また{place}か……今度はどうなるんだろう。', 'よし、始めよう。'],
    },
  },
  about: {
    openers: [
      '{listener}、{thing}のことで話があるの。',
      '{listener}、{thing}って、どういうこと？',
      '{thing}のことなんだけど、{listener}……',
    ],
    monologue: ['{thing}……どうして今になって？', 'すべては{thing}から始まったんだ。'],
  },
};
