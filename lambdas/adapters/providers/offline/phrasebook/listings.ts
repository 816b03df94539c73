import type { Mood } from './phrasebook.js';

/**
 * What the offline profile lists an episode with on a platform, per language: a hook for each mood
 * with the episode's {title}, a call to watch, and the hashtags the platforms' viewers of short
 * dramas search in that language, the genre's by mood.
 */
export interface ListingPhrases {
  hooks: Readonly<Record<Mood, string>>;
  closers: readonly string[];
  /** A short drama's own tags, in the language: first and last of every listing. */
  hashtags: readonly [string, string];
  moodHashtags: Readonly<Record<Mood, readonly [string, string]>>;
  /** Scripts written without spaces join the hook and the closer directly. */
  joiner: string;
}

const enUS: ListingPhrases = {
  hooks: {
    tender: '{title}: a love that waited years for this moment.',
    tense: '{title}: one secret, one night, and no way back.',
    joyful: '{title}: the day everything finally goes right.',
    sad: '{title}: some goodbyes are never said out loud.',
    comic: '{title}: a plan that goes wrong in every way possible.',
    angry: '{title}: the truth comes out, and nobody is ready.',
    default: '{title}: a new chapter begins.',
  },
  closers: ['Watch to the end.', 'Follow for the next episode.'],
  hashtags: ['#shortdrama', '#miniseries'],
  moodHashtags: {
    tender: ['#romance', '#love'],
    tense: ['#thriller', '#mystery'],
    joyful: ['#feelgood', '#family'],
    sad: ['#tearjerker', '#family'],
    comic: ['#comedy', '#funny'],
    angry: ['#revenge', '#conflict'],
    default: ['#drama', '#story'],
  },
  joiner: ' ',
};

const viVN: ListingPhrases = {
  hooks: {
    tender: '{title}: một tình thương đã chờ đợi bao năm cho khoảnh khắc này.',
    tense: '{title}: một bí mật, một đêm, và không còn đường lui.',
    joyful: '{title}: ngày mà mọi điều cuối cùng cũng trọn vẹn.',
    sad: '{title}: có những lời từ biệt không bao giờ được nói ra.',
    comic: '{title}: một kế hoạch hỏng theo mọi cách có thể.',
    angry: '{title}: sự thật được phơi bày, và không ai sẵn sàng.',
    default: '{title}: một chương mới bắt đầu.',
  },
  closers: ['Xem đến cuối nhé!', 'Theo dõi để xem tập tiếp theo.'],
  hashtags: ['#phimngắn', '#phimbộ'],
  moodHashtags: {
    tender: ['#tìnhcảm', '#giađình'],
    tense: ['#hồihộp', '#bíẩn'],
    joyful: ['#vuivẻ', '#giađình'],
    sad: ['#cảmđộng', '#giađình'],
    comic: ['#hàihước', '#vuinhộn'],
    angry: ['#trảthù', '#kịchtính'],
    default: ['#giảitrí', '#câuchuyện'],
  },
  joiner: ' ',
};

const thTH: ListingPhrases = {
  hooks: {
    tender: '{title} ความรักที่รอคอยมาหลายปีเพื่อช่วงเวลานี้',
    tense: '{title} ความลับหนึ่งเรื่อง คืนเดียว และไม่มีทางถอยกลับ',
    joyful: '{title} วันที่ทุกอย่างลงตัวในที่สุด',
    sad: '{title} บางคำลาไม่เคยถูกพูดออกมา',
    comic: '{title} แผนการที่พังทุกทางที่เป็นไปได้',
    angry: '{title} ความจริงถูกเปิดเผย และไม่มีใครพร้อมรับมัน',
    default: '{title} บทใหม่กำลังเริ่มต้น',
  },
  closers: ['ดูให้จบนะ', 'กดติดตามเพื่อดูตอนต่อไป'],
  hashtags: ['#ละครสั้น', '#ซีรีส์'],
  moodHashtags: {
    tender: ['#โรแมนติก', '#ความรัก'],
    tense: ['#ระทึกขวัญ', '#ปริศนา'],
    joyful: ['#ฟีลกู้ด', '#ครอบครัว'],
    sad: ['#ซึ้ง', '#ครอบครัว'],
    comic: ['#ตลก', '#คอมเมดี้'],
    angry: ['#แก้แค้น', '#ดราม่า'],
    default: ['#ดราม่า', '#เรื่องราว'],
  },
  joiner: ' ',
};

const idID: ListingPhrases = {
  hooks: {
    tender: '{title}: cinta yang menunggu bertahun-tahun untuk saat ini.',
    tense: '{title}: satu rahasia, satu malam, dan tak ada jalan kembali.',
    joyful: '{title}: hari ketika semuanya akhirnya berjalan baik.',
    sad: '{title}: ada perpisahan yang tak pernah terucap.',
    comic: '{title}: rencana yang gagal dengan segala cara.',
    angry: '{title}: kebenaran terungkap, dan tak ada yang siap.',
    default: '{title}: babak baru dimulai.',
  },
  closers: ['Tonton sampai habis!', 'Ikuti untuk episode berikutnya.'],
  hashtags: ['#dramapendek', '#serial'],
  moodHashtags: {
    tender: ['#romantis', '#cinta'],
    tense: ['#menegangkan', '#misteri'],
    joyful: ['#bahagia', '#keluarga'],
    sad: ['#mengharukan', '#keluarga'],
    comic: ['#komedi', '#lucu'],
    angry: ['#balasdendam', '#konflik'],
    default: ['#drama', '#cerita'],
  },
  joiner: ' ',
};

const msMY: ListingPhrases = {
  hooks: {
    tender: '{title}: cinta yang menanti bertahun-tahun untuk saat ini.',
    tense: '{title}: satu rahsia, satu malam, dan tiada jalan kembali.',
    joyful: '{title}: hari apabila segalanya akhirnya menjadi baik.',
    sad: '{title}: ada perpisahan yang tidak pernah diucapkan.',
    comic: '{title}: rancangan yang gagal dalam setiap cara.',
    angry: '{title}: kebenaran terbongkar, dan tiada siapa yang bersedia.',
    default: '{title}: bab baharu bermula.',
  },
  closers: ['Tonton sampai habis!', 'Ikuti untuk episod seterusnya.'],
  hashtags: ['#dramapendek', '#drama'],
  moodHashtags: {
    tender: ['#romantik', '#cinta'],
    tense: ['#suspens', '#misteri'],
    joyful: ['#gembira', '#keluarga'],
    sad: ['#sedih', '#keluarga'],
    comic: ['#komedi', '#lawak'],
    angry: ['#dendam', '#konflik'],
    default: ['#cerita', '#kisah'],
  },
  joiner: ' ',
};

const filPH: ListingPhrases = {
  hooks: {
    tender: '{title}: isang pag-ibig na naghintay ng maraming taon para sa sandaling ito.',
    tense: '{title}: isang lihim, isang gabi, at wala nang atrasan.',
    joyful: '{title}: ang araw na sa wakas ay umayos ang lahat.',
    sad: '{title}: may mga paalam na hindi kailanman nasabi.',
    comic: '{title}: isang planong pumalpak sa lahat ng paraan.',
    angry: '{title}: lumabas ang katotohanan, at walang handa.',
    default: '{title}: nagsisimula ang bagong kabanata.',
  },
  closers: ['Panoorin hanggang dulo!', 'I-follow para sa susunod na episode.'],
  hashtags: ['#maiklingdrama', '#serye'],
  moodHashtags: {
    tender: ['#romansa', '#pagibig'],
    tense: ['#kaba', '#misteryo'],
    joyful: ['#masaya', '#pamilya'],
    sad: ['#nakakaiyak', '#pamilya'],
    comic: ['#komedya', '#nakakatawa'],
    angry: ['#paghihiganti', '#away'],
    default: ['#drama', '#kuwento'],
  },
  joiner: ' ',
};

const zhCN: ListingPhrases = {
  hooks: {
    tender: '《{title}》：一份等了多年的深情，终于等到这一刻。',
    tense: '《{title}》：一个秘密，一个夜晚，再也无路可退。',
    joyful: '《{title}》：这一天，一切终于圆满。',
    sad: '《{title}》：有些告别，从来没有说出口。',
    comic: '《{title}》：一个计划，错得五花八门。',
    angry: '《{title}》：真相大白，谁都没有准备好。',
    default: '《{title}》：新的篇章就此开始。',
  },
  closers: ['一定要看到最后！', '关注我，追下一集。'],
  hashtags: ['#短剧', '#微短剧'],
  moodHashtags: {
    tender: ['#甜宠', '#爱情'],
    tense: ['#悬疑', '#烧脑'],
    joyful: ['#治愈', '#家庭'],
    sad: ['#催泪', '#亲情'],
    comic: ['#搞笑', '#喜剧'],
    angry: ['#复仇', '#逆袭'],
    default: ['#剧情', '#故事'],
  },
  joiner: '',
};

const zhTW: ListingPhrases = {
  hooks: {
    tender: '《{title}》：一份等了多年的深情，終於等到這一刻。',
    tense: '《{title}》：一個秘密，一個夜晚，再也無路可退。',
    joyful: '《{title}》：這一天，一切終於圓滿。',
    sad: '《{title}》：有些告別，從來沒有說出口。',
    comic: '《{title}》：一個計畫，錯得五花八門。',
    angry: '《{title}》：真相大白，誰都沒有準備好。',
    default: '《{title}》：新的篇章就此展開。',
  },
  closers: ['一定要看到最後！', '追蹤我，看下一集。'],
  hashtags: ['#短劇', '#微短劇'],
  moodHashtags: {
    tender: ['#甜寵', '#愛情'],
    tense: ['#懸疑', '#燒腦'],
    joyful: ['#療癒', '#家庭'],
    sad: ['#催淚', '#親情'],
    comic: ['#搞笑', '#喜劇'],
    angry: ['#復仇', '#逆襲'],
    default: ['#劇情', '#故事'],
  },
  joiner: '',
};

const jaJP: ListingPhrases = {
  hooks: {
    tender: '「{title}」何年も待ち続けた想いが、ついにこの瞬間に。',
    tense: '「{title}」ひとつの秘密、ひと晩の出来事、もう後戻りはできない。',
    joyful: '「{title}」すべてがようやくうまくいく、そんな一日。',
    sad: '「{title}」口にできなかった別れがある。',
    comic: '「{title}」何もかも裏目に出る、とんでもない計画。',
    angry: '「{title}」真実が明かされ、誰も心の準備ができていない。',
    default: '「{title}」新しい物語が始まる。',
  },
  closers: ['最後まで見てね！', 'フォローして次回もお楽しみに。'],
  hashtags: ['#ショートドラマ', '#縦型ドラマ'],
  moodHashtags: {
    tender: ['#恋愛', '#胸キュン'],
    tense: ['#サスペンス', '#ミステリー'],
    joyful: ['#ほっこり', '#家族'],
    sad: ['#泣ける', '#家族'],
    comic: ['#コメディ', '#笑える'],
    angry: ['#復讐', '#修羅場'],
    default: ['#ドラマ', '#物語'],
  },
  joiner: '',
};

const koKR: ListingPhrases = {
  hooks: {
    tender: '{title}: 몇 년을 기다려 온 마음이 마침내 이 순간에 닿는다.',
    tense: '{title}: 하나의 비밀, 하룻밤, 그리고 되돌아갈 길은 없다.',
    joyful: '{title}: 마침내 모든 일이 잘 풀리는 날.',
    sad: '{title}: 끝내 말하지 못한 이별이 있다.',
    comic: '{title}: 모든 게 엉망이 되는 계획.',
    angry: '{title}: 진실이 드러나고, 아무도 준비되지 않았다.',
    default: '{title}: 새로운 이야기가 시작된다.',
  },
  closers: ['끝까지 보세요!', '팔로우하고 다음 화도 만나요.'],
  hashtags: ['#숏드라마', '#웹드라마'],
  moodHashtags: {
    tender: ['#로맨스', '#사랑'],
    tense: ['#스릴러', '#미스터리'],
    joyful: ['#힐링', '#가족'],
    sad: ['#눈물', '#가족'],
    comic: ['#코미디', '#웃긴영상'],
    angry: ['#복수', '#갈등'],
    default: ['#드라마', '#이야기'],
  },
  joiner: ' ',
};

/** One for each language of core/text/languages.ts, as the phrasebooks are. */
export const LISTING_PHRASES_BY_LANGUAGE: Readonly<Record<string, ListingPhrases>> = {
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
