import type { SKRSContext2D } from '@napi-rs/canvas';
import { darken, lighten, withAlpha } from './colour.js';
import { tracePath } from './path.js';
import type { SeededRandom } from './seeded-random.js';

export type Place =
  | 'stall'
  | 'ferry'
  | 'station'
  | 'kitchen'
  | 'street'
  | 'market'
  | 'home'
  | 'bedroom'
  | 'office'
  | 'cafe'
  | 'classroom'
  | 'hospital'
  | 'park'
  | 'countryside'
  | 'waterfront'
  | 'rooftop'
  | 'temple';
export type TimeOfDay = 'dawn' | 'day' | 'dusk' | 'night';
export type Weather = 'clear' | 'rain' | 'snow' | 'fog';

export interface SceneSetting {
  place: Place;
  indoor: boolean;
  time: TimeOfDay;
  weather: Weather;
}

/** Where the set leaves room for actors, and the light they stand in. */
export interface ActingArea {
  width: number;
  height: number;
  horizonY: number;
  vanishX: number;
  /** The nearest and farthest ground lines an actor can stand on. */
  nearGroundY: number;
  farGroundY: number;
  /** Colour multiplied over actors so they sit in the set's light (night is blue, dusk is amber). */
  ambient: string;
  ambientStrength: number;
}

/**
 * The places a set can be, each a class of meaning with its words in every supported language.
 * A stall and a ferry come first: on a tie ("quán cóc" and "quán", "tàu thủy" and "tàu") the
 * narrower class wins.
 */
const PLACE_WORDS: [Place, string[]][] = [
  [
    'stall',
    [
      'stall',
      'food stall',
      'street stall',
      'hawker',
      'kiosk',
      'food cart',
      'quán cóc',
      'quán nước',
      'hàng nước',
      'xe đẩy',
      'sạp',
      'gánh hàng',
      '路边摊',
      '小吃摊',
      '摊',
      '大排档',
      '路邊攤',
      '攤',
      '大排檔',
      '屋台',
      '露店',
      '포장마차',
      '노점',
      '가판대',
      'แผงลอย',
      'รถเข็น',
      'ร้านริมทาง',
      'warung',
      'angkringan',
      'lapak',
      'gerobak',
      'kaki lima',
      'gerai',
      'kedai makan',
      'tindahan',
      'sari-sari',
      'karinderya',
      'carinderia',
      'kariton',
      'puwesto',
    ],
  ],
  [
    'ferry',
    [
      'ferry',
      'deck',
      'boat',
      'ship',
      'phà',
      'đò',
      'thuyền',
      'tàu thủy',
      'boong',
      '渡轮',
      '轮渡',
      '渡船',
      '甲板',
      '船',
      '渡輪',
      '輪渡',
      'フェリー',
      '渡し船',
      '페리',
      '여객선',
      '갑판',
      '나룻배',
      'เรือข้ามฟาก',
      'ดาดฟ้าเรือ',
      'เรือ',
      'kapal',
      'feri',
      'perahu',
      'geladak',
      'barko',
      'bangka',
      'lantsa',
    ],
  ],
  [
    'station',
    [
      'station',
      'platform',
      'railway',
      'train',
      'subway',
      'metro',
      'sân ga',
      'nhà ga',
      'ga tàu',
      'tàu hỏa',
      'tàu',
      '车站',
      '火车',
      '站台',
      '地铁',
      '高铁',
      'สถานี',
      'ชานชาลา',
      'รถไฟ',
      'stasiun',
      'stesen',
      'kereta api',
      'istasyon',
      'tren',
      '車站',
      '火車',
      '駅',
      'ホーム',
      '電車',
      '역',
      '기차',
      '지하철',
    ],
  ],
  [
    'kitchen',
    [
      'kitchen',
      'cooking',
      'stove',
      'bếp',
      'nhà bếp',
      '厨房',
      '灶',
      'ครัว',
      'dapur',
      'kusina',
      '廚房',
      '台所',
      'キッチン',
      '부엌',
      '주방',
    ],
  ],
  [
    'market',
    [
      'market',
      'bazaar',
      'stall',
      'vendor',
      'chợ',
      '市场',
      '集市',
      '菜市场',
      '夜市',
      'ตลาด',
      'pasar',
      'palengke',
      'pamilihan',
      '市場',
      '시장',
    ],
  ],
  [
    'bedroom',
    [
      'bedroom',
      'bed',
      'phòng ngủ',
      'giường',
      '卧室',
      '床',
      'ห้องนอน',
      'kamar tidur',
      'bilik tidur',
      'silid-tulugan',
      '臥室',
      '寝室',
      '침실',
    ],
  ],
  [
    'office',
    [
      'office',
      'meeting room',
      'boardroom',
      'company',
      'văn phòng',
      'công ty',
      '办公室',
      '公司',
      '会议室',
      'สำนักงาน',
      'ออฟฟิศ',
      'kantor',
      'pejabat',
      'opisina',
      '辦公室',
      '会社',
      'オフィス',
      '사무실',
      '회사',
    ],
  ],
  [
    'cafe',
    [
      'cafe',
      'café',
      'coffee',
      'restaurant',
      'bar',
      'diner',
      'teahouse',
      'quán',
      'cà phê',
      'nhà hàng',
      '咖啡',
      '餐厅',
      '饭店',
      '酒吧',
      '茶馆',
      'ร้านกาแฟ',
      'ร้านอาหาร',
      'kafe',
      'restoran',
      'kedai kopi',
      'kapihan',
      '餐廳',
      'カフェ',
      '喫茶店',
      'レストラン',
      '카페',
      '식당',
    ],
  ],
  [
    'classroom',
    [
      'school',
      'classroom',
      'university',
      'campus',
      'trường',
      'lớp học',
      'lớp',
      '学校',
      '教室',
      '大学',
      'โรงเรียน',
      'ห้องเรียน',
      'sekolah',
      'kelas',
      'paaralan',
      '學校',
      '학교',
      '교실',
    ],
  ],
  [
    'hospital',
    [
      'hospital',
      'clinic',
      'ward',
      'bệnh viện',
      'phòng khám',
      '医院',
      '病房',
      '诊所',
      'โรงพยาบาล',
      'rumah sakit',
      'ospital',
      '醫院',
      '病院',
      '병원',
    ],
  ],
  [
    'park',
    [
      'park',
      'garden',
      'courtyard',
      'yard',
      'công viên',
      'vườn',
      'sân nhà',
      'sân',
      '公园',
      '花园',
      '院子',
      '庭院',
      '公園',
      '庭',
      'สวน',
      'ลานบ้าน',
      'taman',
      'halaman',
      'pekarangan',
      'parke',
      'bakuran',
      '공원',
      '정원',
      '마당',
    ],
  ],
  [
    'countryside',
    [
      'village',
      'countryside',
      'field',
      'farm',
      'rice',
      'paddy',
      'hometown',
      'làng',
      'quê',
      'ruộng',
      'đồng',
      '乡村',
      '农村',
      '田',
      '村',
      '老家',
      'หมู่บ้าน',
      'ชนบท',
      'ทุ่งนา',
      'desa',
      'kampung',
      'sawah',
      'probinsya',
      'baryo',
      '鄉村',
      '田舎',
      '시골',
      '마을',
    ],
  ],
  [
    'waterfront',
    [
      'beach',
      'sea',
      'ocean',
      'shore',
      'harbour',
      'harbor',
      'pier',
      'river',
      'lake',
      'bãi biển',
      'biển',
      'sông',
      'hồ',
      'bến',
      '海边',
      '海滩',
      '海',
      '河',
      '湖',
      '码头',
      'ทะเล',
      'ชายหาด',
      'แม่น้ำ',
      'pantai',
      'laut',
      'sungai',
      'dagat',
      'dalampasigan',
      'ilog',
      '海辺',
      '浜',
      '川',
      '바다',
      '바닷가',
      '해변',
      '강',
    ],
  ],
  [
    'rooftop',
    [
      'rooftop',
      'roof',
      'balcony',
      'terrace',
      'sân thượng',
      'ban công',
      '天台',
      '屋顶',
      '阳台',
      'ดาดฟ้า',
      'ระเบียง',
      'atap',
      'balkon',
      'bubungan',
      '陽台',
      '屋上',
      'ベランダ',
      '옥상',
      '발코니',
    ],
  ],
  [
    'temple',
    [
      'temple',
      'pagoda',
      'shrine',
      'chùa',
      'đền',
      'miếu',
      '寺',
      '庙',
      '祠',
      'วัด',
      'ศาลเจ้า',
      'kuil',
      'pura',
      'templo',
      '廟',
      '神社',
      'お寺',
      '절',
      '사찰',
    ],
  ],
  [
    'home',
    [
      'living room',
      'house',
      'home',
      'apartment',
      'flat',
      'room',
      'nhà',
      'phòng khách',
      'phòng',
      'căn hộ',
      '家',
      '客厅',
      '公寓',
      '房间',
      '屋',
      'บ้าน',
      'ห้องนั่งเล่น',
      'rumah',
      'bahay',
      'sala',
      '客廳',
      '部屋',
      'リビング',
      '집',
      '거실',
      '방',
    ],
  ],
  [
    'street',
    [
      'street',
      'road',
      'alley',
      'sidewalk',
      'crossing',
      'bridge',
      'city',
      'đường',
      'phố',
      'hẻm',
      'ngõ',
      'cầu',
      '街',
      '路',
      '巷',
      '桥',
      '城市',
      'ถนน',
      'ซอย',
      'jalan',
      'gang',
      'lorong',
      'kalye',
      'daan',
      '街道',
      '通り',
      '道',
      '거리',
      '골목',
      '길',
    ],
  ],
];

const INDOOR_PLACES = new Set<Place>(['kitchen', 'home', 'bedroom', 'office', 'cafe', 'classroom', 'hospital']);

const TIME_WORDS: [TimeOfDay, string[]][] = [
  [
    'night',
    [
      'night',
      'midnight',
      'late evening',
      'đêm',
      'tối',
      'khuya',
      '夜',
      '晚上',
      '深夜',
      '午夜',
      'กลางคืน',
      'ตอนดึก',
      'ดึก',
      'malam',
      'gabi',
      'hatinggabi',
      '밤',
      '새벽',
    ],
  ],
  [
    'dawn',
    [
      'dawn',
      'sunrise',
      'daybreak',
      'early morning',
      'bình minh',
      'rạng sáng',
      'sáng sớm',
      '黎明',
      '清晨',
      '日出',
      '拂晓',
      'เช้ามืด',
      'รุ่งเช้า',
      'fajar',
      'subuh',
      'madaling-araw',
      '夜明け',
      '早朝',
      '동틀',
      '이른 아침',
    ],
  ],
  [
    'dusk',
    [
      'dusk',
      'sunset',
      'twilight',
      'evening',
      'hoàng hôn',
      'chiều tà',
      'chạng vạng',
      '黄昏',
      '傍晚',
      '日落',
      'ตอนเย็น',
      'พลบค่ำ',
      'senja',
      'sore hari',
      'petang',
      'takipsilim',
      '夕方',
      '夕暮れ',
      '저녁',
      '해질녘',
    ],
  ],
  [
    'day',
    [
      'day',
      'noon',
      'afternoon',
      'morning',
      'daytime',
      'trưa',
      'chiều',
      'ban ngày',
      'sáng',
      '白天',
      '中午',
      '下午',
      '上午',
      'กลางวัน',
      'ตอนเช้า',
      'บ่าย',
      'siang',
      'pagi',
      'umaga',
      'tanghali',
      'hapon',
      '昼',
      '朝',
      '午後',
      '낮',
      '아침',
      '오후',
    ],
  ],
];

const WEATHER_WORDS: [Weather, string[]][] = [
  ['rain', ['rain', 'rainy', 'drizzle', 'storm', 'downpour', 'mưa', '雨', 'ฝน', 'hujan', 'ulan', '비']],
  ['snow', ['snow', 'snowy', 'blizzard', 'tuyết', '雪', 'หิมะ', 'salju', 'salji', 'niyebe', '눈']],
  ['fog', ['fog', 'foggy', 'mist', 'misty', 'haze', 'sương mù', 'sương', '雾', 'หมอก', 'kabut', 'hamog', '霧', '안개']],
];

/** Thai, Kana, Han and Hangul words are found anywhere: their scripts set no spaces between words, or glue particles on. */
const CJK = /[\u0E00-\u0E7F\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/u;
const LETTER = /[\p{L}\p{M}]/u;
/** Endings a Latin-script word takes and stays the same place: "stalls", "warungnya" (her stall), "kapalku". */
const ENDINGS = ['s', 'es', 'nya', 'ku', 'mu'];

function endsWord(text: string, end: number): boolean {
  const after = text[end];
  if (after === undefined || !LETTER.test(after)) return true;
  return ENDINGS.some((ending) => text.startsWith(ending, end) && !LETTER.test(text[end + ending.length] ?? ' '));
}

/** Where the phrase first stands as a word (or, in a script without spaces, anywhere); -1 if nowhere. */
function wordIndex(text: string, phrase: string): number {
  if (CJK.test(phrase)) return text.indexOf(phrase);
  let from = 0;
  for (;;) {
    const at = text.indexOf(phrase, from);
    if (at < 0) return -1;
    const before = text[at - 1];
    if ((before === undefined || !LETTER.test(before)) && endsWord(text, at + phrase.length)) return at;
    from = at + 1;
  }
}

/** The phrase that appears earliest wins: "station café" is a café, "café near the station" too. */
function earliest<T>(text: string, table: [T, string[]][]): T | undefined {
  let best: { value: T; at: number } | undefined;
  for (const [value, phrases] of table) {
    for (const phrase of phrases) {
      const at = wordIndex(text, phrase);
      if (at >= 0 && (!best || at < best.at)) best = { value, at };
    }
  }
  return best?.value;
}

function normalised(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

/** Chinese 的 and Japanese の close a modifier: "老家的厨房" is a kitchen, in the old home. */
const MODIFIER = /[^\s,，、;；。]*[的の]/gu;

/**
 * The class of place a text names ("warung kopi" and "a noodle stall" are both a stall), if it
 * names one: the head of a Chinese or Japanese phrase first, else whatever it names earliest.
 */
function placeIn(text: string): Place | undefined {
  return earliest(text.replace(MODIFIER, ' '), PLACE_WORDS) ?? earliest(text, PLACE_WORDS);
}

export function placeClassOf(text: string): Place | undefined {
  return placeIn(normalised(text));
}

/**
 * Reads where and when a scene happens from its location (and mood) text; a location that
 * names no class of place ("Pak Bima's") is read from the scene's outline before the street.
 */
export function sceneSetting(location: string, mood?: string, outline?: string): SceneSetting {
  const text = normalised(`${location} ${mood ?? ''}`);
  const place =
    placeIn(text) ??
    (/(inside|indoors|trong nhà|室内)/u.test(text) ? 'home' : undefined) ??
    (outline === undefined ? undefined : placeClassOf(outline)) ??
    'street';
  const saysIndoor = /(inside|indoors|interior|trong nhà|室内|里)/u.test(text);
  const saysOutdoor = /(outside|outdoors|exterior|ngoài trời|bên ngoài|室外|外面)/u.test(text);
  return {
    place,
    indoor: saysOutdoor ? false : saysIndoor || INDOOR_PLACES.has(place),
    time: earliest(text, TIME_WORDS) ?? 'day',
    weather: earliest(text, WEATHER_WORDS) ?? 'clear',
  };
}

interface Sky {
  top: string;
  bottom: string;
  ambient: string;
  ambientStrength: number;
}

function skyFor(time: TimeOfDay, weather: Weather): Sky {
  const overcast = weather !== 'clear';
  switch (time) {
    case 'night':
      return { top: '#070b1c', bottom: overcast ? '#27304a' : '#1c2a52', ambient: '#5d6fa8', ambientStrength: 0.18 };
    case 'dawn':
      return { top: overcast ? '#8f97a8' : '#7fa3cf', bottom: '#f3c39b', ambient: '#f0c9a8', ambientStrength: 0.12 };
    case 'dusk':
      return { top: '#3b3a6e', bottom: overcast ? '#b98a78' : '#f08a4b', ambient: '#e59a6a', ambientStrength: 0.12 };
    case 'day':
      return overcast
        ? { top: '#8e9aa8', bottom: '#c9cfd6', ambient: '#b8c2cf', ambientStrength: 0.12 }
        : { top: '#5b9bd9', bottom: '#cfe6f5', ambient: '#ffffff', ambientStrength: 0 };
  }
}

function polygon(ctx: SKRSContext2D, points: [number, number][], fill: string, stroke?: string, lineWidth = 2): void {
  ctx.beginPath();
  tracePath(ctx, points);
  ctx.closePath();
  ctx.fillStyle = fill;
  ctx.fill();
  if (stroke) {
    ctx.strokeStyle = stroke;
    ctx.lineWidth = lineWidth;
    ctx.stroke();
  }
}

function rect(
  ctx: SKRSContext2D,
  x: number,
  y: number,
  w: number,
  h: number,
  fill: string,
  stroke?: string,
  lineWidth = 2,
): void {
  polygon(
    ctx,
    [
      [x, y],
      [x + w, y],
      [x + w, y + h],
      [x, y + h],
    ],
    fill,
    stroke,
    lineWidth,
  );
}

function glow(ctx: SKRSContext2D, x: number, y: number, radius: number, colour: string, alpha: number): void {
  const gradient = ctx.createRadialGradient(x, y, 0, x, y, radius);
  gradient.addColorStop(0, withAlpha(colour, alpha));
  gradient.addColorStop(1, withAlpha(colour, 0));
  ctx.fillStyle = gradient;
  ctx.fillRect(x - radius, y - radius, radius * 2, radius * 2);
}

/** A quad in perspective: near edge and far edge, each a vertical segment. Windows follow the perspective. */
interface Facade {
  nearX: number;
  nearTop: number;
  nearBottom: number;
  farX: number;
  farTop: number;
  farBottom: number;
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

function facadePoint(f: Facade, u: number, v: number): [number, number] {
  const x = lerp(f.nearX, f.farX, u);
  const top = lerp(f.nearTop, f.farTop, u);
  const bottom = lerp(f.nearBottom, f.farBottom, u);
  return [x, lerp(top, bottom, v)];
}

function drawFacade(
  ctx: SKRSContext2D,
  f: Facade,
  wall: string,
  columns: number,
  rows: number,
  windowColour: (column: number, row: number) => string,
  ink: string,
): void {
  polygon(ctx, [facadePoint(f, 0, 0), facadePoint(f, 1, 0), facadePoint(f, 1, 1), facadePoint(f, 0, 1)], wall, ink);
  for (let c = 0; c < columns; c++) {
    for (let r = 0; r < rows; r++) {
      const u0 = (c + 0.22) / columns;
      const u1 = (c + 0.78) / columns;
      const v0 = (r + 0.2) / (rows + 0.4);
      const v1 = (r + 0.75) / (rows + 0.4);
      polygon(
        ctx,
        [facadePoint(f, u0, v0), facadePoint(f, u1, v0), facadePoint(f, u1, v1), facadePoint(f, u0, v1)],
        windowColour(c, r),
        ink,
        1,
      );
    }
  }
}

interface Painter {
  ctx: SKRSContext2D;
  setting: SceneSetting;
  random: SeededRandom;
  width: number;
  height: number;
  /** Size unit that works in portrait and landscape alike. */
  unit: number;
  horizonY: number;
  vanishX: number;
  sky: Sky;
  ink: string;
  night: boolean;
}

function windowLight(p: Painter): (column: number, row: number) => string {
  const lit = p.night || p.setting.time === 'dusk';
  return () =>
    lit
      ? p.random.chance(0.6)
        ? p.random.pick(['#ffd27a', '#ffe3a3', '#f6b85c'])
        : '#26304a'
      : p.random.pick(['#9cc3e0', '#b7d3e6', '#7ea6c4']);
}

function paintSky(p: Painter, bottomY: number): void {
  const gradient = p.ctx.createLinearGradient(0, 0, 0, bottomY);
  gradient.addColorStop(0, p.sky.top);
  gradient.addColorStop(1, p.sky.bottom);
  p.ctx.fillStyle = gradient;
  p.ctx.fillRect(0, 0, p.width, bottomY);
  if (p.night && p.setting.weather === 'clear') {
    p.ctx.fillStyle = '#f4f1dc';
    for (let i = 0; i < 40; i++) p.ctx.fillRect(p.random.between(0, p.width), p.random.between(0, bottomY * 0.7), 2, 2);
    glow(p.ctx, p.width * 0.78, bottomY * 0.18, p.unit * 0.09, '#fff6d8', 0.6);
    p.ctx.beginPath();
    p.ctx.arc(p.width * 0.78, bottomY * 0.18, p.unit * 0.035, 0, Math.PI * 2);
    p.ctx.fillStyle = '#f7f1d6';
    p.ctx.fill();
  } else if (p.setting.weather === 'clear' && (p.setting.time === 'dawn' || p.setting.time === 'dusk')) {
    glow(p.ctx, p.width * 0.3, bottomY * 0.92, p.unit * 0.3, '#ffd08a', 0.8);
  } else if (p.setting.weather !== 'clear') {
    for (let i = 0; i < 5; i++) {
      const x = p.random.between(0, p.width);
      const y = p.random.between(0, bottomY * 0.5);
      p.ctx.beginPath();
      p.ctx.ellipse(x, y, p.unit * p.random.between(0.2, 0.35), p.unit * 0.05, 0, 0, Math.PI * 2);
      p.ctx.fillStyle = withAlpha(p.night ? '#3a4260' : '#dfe3e8', 0.6);
      p.ctx.fill();
    }
  }
}

function skyline(p: Painter, baseY: number, maxHeight: number, colour: string): void {
  let x = -p.unit * 0.05;
  while (x < p.width) {
    const w = p.unit * p.random.between(0.08, 0.18);
    const h = maxHeight * p.random.between(0.35, 1);
    rect(p.ctx, x, baseY - h, w, h, colour);
    if (p.night) {
      p.ctx.fillStyle = '#ffd27a';
      for (let wy = baseY - h + p.unit * 0.02; wy < baseY - p.unit * 0.02; wy += p.unit * 0.03) {
        for (let wx = x + p.unit * 0.015; wx < x + w - p.unit * 0.015; wx += p.unit * 0.025) {
          if (p.random.chance(0.35)) p.ctx.fillRect(wx, wy, p.unit * 0.01, p.unit * 0.012);
        }
      }
    }
    x += w + p.unit * p.random.between(0, 0.02);
  }
}

/** Floor receding to the vanishing point, with boards or tiles so depth reads at a glance. */
function perspectiveFloor(p: Painter, topY: number, colour: string, lines: number, crossLines: number): void {
  rect(p.ctx, 0, topY, p.width, p.height - topY, colour);
  p.ctx.strokeStyle = darken(colour, 0.18);
  p.ctx.lineWidth = Math.max(1, p.unit * 0.003);
  for (let i = 0; i <= lines; i++) {
    const bottomX = lerp(-p.width * 0.8, p.width * 1.8, i / lines);
    const t = (topY - p.horizonY) / (p.height - p.horizonY);
    p.ctx.beginPath();
    p.ctx.moveTo(lerp(p.vanishX, bottomX, t), topY);
    p.ctx.lineTo(bottomX, p.height);
    p.ctx.stroke();
  }
  for (let i = 1; i <= crossLines; i++) {
    const y = topY + (p.height - topY) * (i / crossLines) ** 1.8;
    p.ctx.beginPath();
    p.ctx.moveTo(0, y);
    p.ctx.lineTo(p.width, y);
    p.ctx.stroke();
  }
}

function paintStation(p: Painter): void {
  const { ctx, width, height, unit, horizonY, vanishX, ink } = p;
  paintSky(p, horizonY);
  skyline(p, horizonY, unit * 0.25, p.night ? '#1a2035' : '#8ea0b4');
  // Tracks on the left, platform on the right: the train sits between them.
  const platformEdgeFar = vanishX - unit * 0.02;
  polygon(
    ctx,
    [
      [-width, height],
      [platformEdgeFar, horizonY],
      [vanishX - unit * 0.3, horizonY],
    ],
    '#5b5048',
  );
  for (const offset of [-0.55, -0.3]) {
    ctx.strokeStyle = '#b8b2a8';
    ctx.lineWidth = unit * 0.006;
    ctx.beginPath();
    ctx.moveTo(vanishX - unit * 0.1 + offset * unit * 0.2, horizonY);
    ctx.lineTo(width * offset * 1.5, height);
    ctx.stroke();
  }
  polygon(
    ctx,
    [
      [platformEdgeFar, horizonY],
      [width * 1.5, horizonY],
      [width * 1.5, height],
      [-width * 0.25, height],
    ],
    '#a9a39a',
  );
  p.ctx.save();
  p.ctx.beginPath();
  p.ctx.rect(0, horizonY, width, height - horizonY);
  p.ctx.clip();
  polygon(
    ctx,
    [
      [platformEdgeFar, horizonY],
      [platformEdgeFar + unit * 0.01, horizonY],
      [-width * 0.12, height],
      [-width * 0.2, height],
    ],
    '#e8c33a',
  );
  p.ctx.restore();
  // Train carriage receding along the tracks.
  const train: Facade = {
    nearX: -width * 0.05,
    nearTop: horizonY - unit * 0.55,
    nearBottom: horizonY + unit * 0.35,
    farX: vanishX - unit * 0.08,
    farTop: horizonY - unit * 0.06,
    farBottom: horizonY + unit * 0.01,
  };
  if (p.random.chance(0.8)) drawFacade(ctx, train, p.night ? '#2f5a4a' : '#3f7a62', 5, 1, windowLight(p), ink);
  // Canopy and pillars overhead.
  polygon(
    ctx,
    [
      [0, 0],
      [width, 0],
      [width, unit * 0.12],
      [vanishX, horizonY - unit * 0.3],
      [0, unit * 0.12],
    ],
    p.night ? '#23252c' : '#4a4d55',
    ink,
  );
  for (const t of [0.15, 0.45, 0.75]) {
    const x = lerp(width * 0.95, vanishX + unit * 0.06, t);
    const top = lerp(unit * 0.12, horizonY - unit * 0.3, t);
    const bottom = lerp(height * 0.98, horizonY + unit * 0.02, t);
    rect(ctx, x, top, unit * 0.035 * (1 - t * 0.8), bottom - top, '#6b6e76', ink);
    if (p.night) glow(ctx, x, top + unit * 0.05, unit * 0.25 * (1 - t * 0.7), '#ffe2a0', 0.45);
  }
  // The station clock a producer will look for.
  const clockX = width * 0.62;
  const clockY = unit * 0.22;
  rect(ctx, clockX - 1, unit * 0.12, 2, clockY - unit * 0.12, ink);
  ctx.beginPath();
  ctx.arc(clockX, clockY, unit * 0.045, 0, Math.PI * 2);
  ctx.fillStyle = '#f4f0e6';
  ctx.fill();
  ctx.strokeStyle = ink;
  ctx.lineWidth = unit * 0.006;
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(clockX, clockY);
  ctx.lineTo(clockX, clockY - unit * 0.03);
  ctx.moveTo(clockX, clockY);
  ctx.lineTo(clockX + unit * 0.022, clockY + unit * 0.008);
  ctx.stroke();
  rect(ctx, width * 0.22, unit * 0.14, unit * 0.22, unit * 0.06, '#1f4e8c', ink);
}

function paintStreet(p: Painter): void {
  const { ctx, width, height, unit, horizonY, vanishX, ink } = p;
  paintSky(p, horizonY);
  skyline(p, horizonY, unit * 0.2, p.night ? '#161b2c' : '#9aaabb');
  polygon(
    ctx,
    [
      [vanishX - unit * 0.03, horizonY],
      [vanishX + unit * 0.03, horizonY],
      [width * 1.3, height],
      [-width * 0.3, height],
    ],
    p.night ? '#2b2c33' : '#55575e',
  );
  polygon(
    ctx,
    [
      [0, horizonY],
      [vanishX - unit * 0.03, horizonY],
      [-width * 0.3, height],
      [0, height],
    ],
    '#8d8780',
  );
  polygon(
    ctx,
    [
      [width, horizonY],
      [vanishX + unit * 0.03, horizonY],
      [width * 1.3, height],
      [width, height],
    ],
    '#8d8780',
  );
  ctx.strokeStyle = '#e9e2c8';
  for (let i = 0; i < 6; i++) {
    const t0 = (i / 6) ** 2;
    const t1 = ((i + 0.5) / 6) ** 2;
    ctx.lineWidth = Math.max(2, unit * 0.015 * (t0 + 0.1));
    ctx.beginPath();
    ctx.moveTo(vanishX, lerp(horizonY, height, t0));
    ctx.lineTo(vanishX, lerp(horizonY, height, t1));
    ctx.stroke();
  }
  const palette = ['#c98f6b', '#d9c28f', '#9fb39a', '#c4a3a3', '#b5b0a0', '#e0cfa8'];
  for (const side of [-1, 1]) {
    let u = 0;
    while (u < 1) {
      const span = p.random.between(0.2, 0.45);
      const nearX =
        side < 0 ? lerp(-width * 0.02, vanishX - unit * 0.07, u) : lerp(width * 1.02, vanishX + unit * 0.07, u);
      const farX =
        side < 0
          ? lerp(-width * 0.02, vanishX - unit * 0.07, Math.min(1, u + span))
          : lerp(width * 1.02, vanishX + unit * 0.07, Math.min(1, u + span));
      const topAt = (t: number): number => lerp(-unit * p.random.between(0.0, 0.2), horizonY - unit * 0.1, t ** 0.8);
      const bottomAt = (t: number): number => lerp(horizonY + (height - horizonY) * 0.55, horizonY + unit * 0.01, t);
      const facade: Facade = {
        nearX,
        nearTop: topAt(u),
        nearBottom: bottomAt(u),
        farX,
        farTop: topAt(Math.min(1, u + span)),
        farBottom: bottomAt(Math.min(1, u + span)),
      };
      drawFacade(ctx, facade, darken(p.random.pick(palette), p.night ? 0.55 : 0), 2, 4, windowLight(p), ink);
      const [signX, signY] = facadePoint(facade, 0.1, 0.62);
      const [signX2, signY2] = facadePoint(facade, 0.9, 0.7);
      polygon(
        ctx,
        [
          [signX, signY],
          [signX2, signY2],
          [signX2, signY2 + Math.abs(signY2 - signY) * 0.5 + unit * 0.02],
          [signX, signY + unit * 0.04],
        ],
        p.random.pick(['#c0392b', '#1e6fb8', '#e6a817', '#2e8b57']),
        ink,
      );
      u += span;
    }
  }
  for (const t of [0.35, 0.7]) {
    const x = lerp(width * 0.92, vanishX + unit * 0.1, t);
    const bottom = lerp(height * 0.95, horizonY + unit * 0.05, t);
    const tall = unit * 0.75 * (1 - t * 0.75);
    rect(ctx, x, bottom - tall, unit * 0.012 * (1 - t * 0.6), tall, '#3d4048');
    ctx.beginPath();
    ctx.arc(x, bottom - tall, unit * 0.02 * (1 - t * 0.6), 0, Math.PI * 2);
    ctx.fillStyle = p.night ? '#ffe6a6' : '#d8d8d0';
    ctx.fill();
    if (p.night) glow(ctx, x, bottom - tall, unit * 0.3 * (1 - t * 0.6), '#ffd98a', 0.45);
  }
  ctx.strokeStyle = withAlpha('#1a1a1a', 0.7);
  ctx.lineWidth = Math.max(1, unit * 0.003);
  for (let i = 0; i < 3; i++) {
    ctx.beginPath();
    ctx.moveTo(0, unit * (0.1 + i * 0.04));
    ctx.quadraticCurveTo(width * 0.5, unit * (0.2 + i * 0.04), width, unit * (0.08 + i * 0.05));
    ctx.stroke();
  }
}

function paintMarket(p: Painter): void {
  const { ctx, width, height, unit, horizonY, vanishX, ink } = p;
  paintSky(p, horizonY);
  skyline(p, horizonY, unit * 0.3, p.night ? '#1b2033' : '#a7b3c0');
  perspectiveFloor(p, horizonY, '#9c8f7e', 10, 6);
  const produce = ['#e74c3c', '#f39c12', '#27ae60', '#f1c40f', '#8e44ad', '#d35400'];
  for (const side of [-1, 1]) {
    for (const t of [0.0, 0.35, 0.6]) {
      const scale = 1 - t * 0.75;
      const x =
        side < 0 ? lerp(-unit * 0.05, vanishX - unit * 0.2, t) : lerp(width - unit * 0.35, vanishX + unit * 0.05, t);
      const ground = lerp(horizonY + (height - horizonY) * 0.5, horizonY + unit * 0.03, t);
      const w = unit * 0.42 * scale;
      const awningTop = ground - unit * 0.55 * scale;
      const stripe = p.random.pick(['#c0392b', '#2471a3', '#239b56', '#d68910']);
      for (let s = 0; s < 6; s++)
        rect(ctx, x + (w / 6) * s, awningTop, w / 6, unit * 0.1 * scale, s % 2 === 0 ? stripe : '#f4efe3', ink, 1);
      rect(ctx, x + unit * 0.01 * scale, awningTop, unit * 0.01 * scale, ground - awningTop, '#5a4632');
      rect(ctx, x + w - unit * 0.02 * scale, awningTop, unit * 0.01 * scale, ground - awningTop, '#5a4632');
      rect(ctx, x, ground - unit * 0.18 * scale, w, unit * 0.18 * scale, '#8b6b47', ink);
      for (let i = 0; i < 9; i++) {
        ctx.beginPath();
        ctx.arc(
          x + w * (0.08 + (i % 5) * 0.2),
          ground - unit * (0.19 + Math.floor(i / 5) * 0.035) * scale,
          unit * 0.025 * scale,
          0,
          Math.PI * 2,
        );
        ctx.fillStyle = p.random.pick(produce);
        ctx.fill();
      }
    }
  }
  for (let i = 0; i < 7; i++) {
    const x = lerp(width * 0.05, width * 0.95, i / 6);
    const y = unit * (0.12 + 0.05 * Math.sin(i));
    ctx.beginPath();
    ctx.ellipse(x, y, unit * 0.03, unit * 0.04, 0, 0, Math.PI * 2);
    ctx.fillStyle = '#d42a2a';
    ctx.fill();
    if (p.night) glow(ctx, x, y, unit * 0.12, '#ff8a5a', 0.5);
  }
  ctx.strokeStyle = ink;
  ctx.lineWidth = Math.max(1, unit * 0.003);
  ctx.beginPath();
  ctx.moveTo(0, unit * 0.08);
  ctx.quadraticCurveTo(width / 2, unit * 0.2, width, unit * 0.08);
  ctx.stroke();
}

interface Room {
  wallTop: number;
  wallBottom: number;
  wallLeft: number;
  wallRight: number;
}

/** A box room seen from its open fourth wall: back wall, side walls, ceiling, floor. */
function paintRoom(p: Painter, wall: string, floor: string): Room {
  const { ctx, width, height, unit } = p;
  const room: Room = {
    wallTop: height * 0.07,
    wallBottom: p.horizonY + (height - p.horizonY) * 0.18,
    wallLeft: width * 0.08,
    wallRight: width * 0.92,
  };
  rect(ctx, 0, 0, width, height, darken(wall, 0.25));
  perspectiveFloor(p, room.wallBottom, floor, 12, 7);
  polygon(
    ctx,
    [
      [0, 0],
      [room.wallLeft, room.wallTop],
      [room.wallLeft, room.wallBottom],
      [0, room.wallBottom + unit * 0.25],
    ],
    darken(wall, 0.15),
    p.ink,
  );
  polygon(
    ctx,
    [
      [width, 0],
      [room.wallRight, room.wallTop],
      [room.wallRight, room.wallBottom],
      [width, room.wallBottom + unit * 0.25],
    ],
    darken(wall, 0.1),
    p.ink,
  );
  polygon(
    ctx,
    [
      [0, 0],
      [width, 0],
      [room.wallRight, room.wallTop],
      [room.wallLeft, room.wallTop],
    ],
    lighten(wall, 0.15),
    p.ink,
  );
  rect(ctx, room.wallLeft, room.wallTop, room.wallRight - room.wallLeft, room.wallBottom - room.wallTop, wall, p.ink);
  rect(
    ctx,
    room.wallLeft,
    room.wallBottom - unit * 0.02,
    room.wallRight - room.wallLeft,
    unit * 0.02,
    darken(wall, 0.3),
  );
  return room;
}

function paintWindow(p: Painter, x: number, y: number, w: number, h: number): void {
  const gradient = p.ctx.createLinearGradient(0, y, 0, y + h);
  gradient.addColorStop(0, p.sky.top);
  gradient.addColorStop(1, p.sky.bottom);
  p.ctx.fillStyle = gradient;
  p.ctx.fillRect(x, y, w, h);
  p.ctx.save();
  p.ctx.beginPath();
  p.ctx.rect(x, y, w, h);
  p.ctx.clip();
  const saved = p.random.next();
  let bx = x;
  while (bx < x + w) {
    const bw = w * (0.15 + 0.2 * ((saved * 7 + bx) % 1));
    const bh = h * (0.25 + 0.4 * ((saved * 13 + bx * 0.37) % 1));
    rect(p.ctx, bx, y + h - bh, bw, bh, p.night ? '#1a2036' : '#8fa1b3');
    bx += bw + w * 0.03;
  }
  p.ctx.restore();
  if (p.setting.weather === 'rain') {
    p.ctx.strokeStyle = withAlpha('#dfe8f2', 0.6);
    p.ctx.lineWidth = 1.5;
    for (let i = 0; i < 25; i++) {
      const rx = x + p.random.between(0, w);
      const ry = y + p.random.between(0, h * 0.9);
      p.ctx.beginPath();
      p.ctx.moveTo(rx, ry);
      p.ctx.lineTo(rx - w * 0.02, ry + h * 0.08);
      p.ctx.stroke();
    }
  }
  p.ctx.strokeStyle = p.ink;
  p.ctx.lineWidth = Math.max(3, p.unit * 0.012);
  p.ctx.strokeRect(x, y, w, h);
  p.ctx.lineWidth = Math.max(2, p.unit * 0.006);
  p.ctx.beginPath();
  p.ctx.moveTo(x + w / 2, y);
  p.ctx.lineTo(x + w / 2, y + h);
  p.ctx.moveTo(x, y + h / 2);
  p.ctx.lineTo(x + w, y + h / 2);
  p.ctx.stroke();
}

function ceilingLamp(p: Painter, x: number, y: number): void {
  const { ctx, unit } = p;
  rect(ctx, x - 1, 0, 2, y, p.ink);
  polygon(
    ctx,
    [
      [x - unit * 0.05, y + unit * 0.04],
      [x + unit * 0.05, y + unit * 0.04],
      [x + unit * 0.02, y],
      [x - unit * 0.02, y],
    ],
    '#e6c36a',
    p.ink,
  );
  if (p.night || p.setting.time === 'dusk') glow(ctx, x, y + unit * 0.06, unit * 0.35, '#ffd98a', 0.35);
}

function paintInterior(p: Painter): void {
  const { ctx, unit, ink } = p;
  const walls: Record<string, [string, string]> = {
    kitchen: ['#e9e2cf', '#b9a88f'],
    home: ['#e7d6b8', '#9a6b45'],
    bedroom: ['#d8cde0', '#8d6a4e'],
    office: ['#dfe3e6', '#8c939b'],
    cafe: ['#c7956b', '#6e4a32'],
    classroom: ['#e9e4c9', '#a58c6a'],
    hospital: ['#d9eee6', '#c3cbc8'],
  };
  const [wall, floor] = walls[p.setting.place] ?? ['#e7d6b8', '#9a6b45'];
  const room = paintRoom(p, wall, floor);
  const wallWidth = room.wallRight - room.wallLeft;
  const wallHeight = room.wallBottom - room.wallTop;
  const at = (u: number): number => room.wallLeft + wallWidth * u;
  const down = (v: number): number => room.wallTop + wallHeight * v;
  switch (p.setting.place) {
    case 'kitchen': {
      for (let x = at(0); x < room.wallRight; x += unit * 0.05)
        for (let y = down(0.45); y < down(0.7); y += unit * 0.05)
          rect(ctx, x, y, unit * 0.05, unit * 0.05, '#f4f1ea', '#c9c3b6', 1);
      paintWindow(p, at(0.35), down(0.12), wallWidth * 0.3, wallHeight * 0.3);
      for (const u of [0, 0.7]) rect(ctx, at(u), down(0.08), wallWidth * 0.3, wallHeight * 0.28, '#8a5a3b', ink);
      rect(ctx, at(0), down(0.7), wallWidth, wallHeight * 0.3, '#7a5237', ink);
      rect(ctx, at(0), down(0.68), wallWidth, wallHeight * 0.04, '#d8d2c6', ink);
      rect(ctx, at(0.6), down(0.62), wallWidth * 0.22, wallHeight * 0.06, '#2d2d30', ink);
      ctx.beginPath();
      ctx.ellipse(at(0.68), down(0.58), wallWidth * 0.06, wallHeight * 0.05, 0, 0, Math.PI * 2);
      ctx.fillStyle = '#9aa2ab';
      ctx.fill();
      ctx.strokeStyle = ink;
      ctx.stroke();
      ctx.strokeStyle = withAlpha('#ffffff', 0.6);
      ctx.lineWidth = unit * 0.006;
      for (let i = 0; i < 3; i++) {
        ctx.beginPath();
        ctx.moveTo(at(0.66 + i * 0.02), down(0.52));
        ctx.bezierCurveTo(
          at(0.64 + i * 0.02),
          down(0.45),
          at(0.7 + i * 0.02),
          down(0.42),
          at(0.67 + i * 0.02),
          down(0.35),
        );
        ctx.stroke();
      }
      ceilingLamp(p, p.width * 0.5, down(0.02));
      break;
    }
    case 'bedroom': {
      paintWindow(p, at(0.1), down(0.15), wallWidth * 0.32, wallHeight * 0.42);
      rect(ctx, at(0.5), down(0.55), wallWidth * 0.48, wallHeight * 0.45, '#f1ece2', ink);
      rect(ctx, at(0.5), down(0.38), wallWidth * 0.06, wallHeight * 0.62, '#7b553a', ink);
      rect(ctx, at(0.56), down(0.62), wallWidth * 0.42, wallHeight * 0.38, '#6d8cc0', ink);
      rect(ctx, at(0.58), down(0.52), wallWidth * 0.15, wallHeight * 0.08, '#fbf8f1', ink);
      rect(ctx, at(0.02), down(0.7), wallWidth * 0.1, wallHeight * 0.3, '#7b553a', ink);
      glow(ctx, at(0.07), down(0.62), unit * 0.2, '#ffd98a', p.night ? 0.5 : 0.15);
      break;
    }
    case 'office': {
      for (const u of [0.05, 0.37, 0.69]) paintWindow(p, at(u), down(0.1), wallWidth * 0.26, wallHeight * 0.5);
      for (const u of [0.05, 0.6]) {
        rect(ctx, at(u), down(0.72), wallWidth * 0.35, wallHeight * 0.05, '#e8e8e4', ink);
        rect(ctx, at(u + 0.02), down(0.77), wallWidth * 0.02, wallHeight * 0.23, '#6c7178');
        rect(ctx, at(u + 0.31), down(0.77), wallWidth * 0.02, wallHeight * 0.23, '#6c7178');
        rect(ctx, at(u + 0.1), down(0.55), wallWidth * 0.16, wallHeight * 0.15, '#22252b', ink);
        rect(ctx, at(u + 0.11), down(0.565), wallWidth * 0.14, wallHeight * 0.12, p.night ? '#7fb2e6' : '#3d5a78');
      }
      for (const x of [0.25, 0.75]) rect(ctx, p.width * x - unit * 0.12, 0, unit * 0.24, unit * 0.02, '#f7f7f2', ink);
      break;
    }
    case 'cafe': {
      paintWindow(p, at(0.05), down(0.12), wallWidth * 0.5, wallHeight * 0.45);
      rect(ctx, at(0.62), down(0.55), wallWidth * 0.38, wallHeight * 0.45, '#4a3022', ink);
      for (let i = 0; i < 4; i++)
        rect(
          ctx,
          at(0.65 + i * 0.08),
          down(0.4),
          wallWidth * 0.05,
          wallHeight * 0.12,
          p.random.pick(['#7a3b2e', '#2f4f4f', '#b8860b']),
          ink,
        );
      for (const u of [0.2, 0.45]) {
        ctx.beginPath();
        ctx.ellipse(at(u), down(0.8), wallWidth * 0.1, wallHeight * 0.03, 0, 0, Math.PI * 2);
        ctx.fillStyle = '#f0e6d6';
        ctx.fill();
        ctx.strokeStyle = ink;
        ctx.stroke();
        rect(ctx, at(u) - 2, down(0.8), 4, wallHeight * 0.2, '#2b2b2b');
      }
      for (const x of [0.3, 0.55, 0.8]) ceilingLamp(p, p.width * x, down(0.1));
      break;
    }
    case 'classroom': {
      rect(ctx, at(0.15), down(0.18), wallWidth * 0.7, wallHeight * 0.38, '#2f4f3a', '#6b4a2f', unit * 0.015);
      ctx.strokeStyle = withAlpha('#f4f4f0', 0.8);
      ctx.lineWidth = unit * 0.004;
      for (let i = 0; i < 3; i++) {
        ctx.beginPath();
        ctx.moveTo(at(0.2), down(0.26 + i * 0.08));
        ctx.lineTo(at(0.2 + 0.3 + 0.1 * i), down(0.26 + i * 0.08));
        ctx.stroke();
      }
      ctx.beginPath();
      ctx.arc(at(0.92), down(0.12), unit * 0.03, 0, Math.PI * 2);
      ctx.fillStyle = '#f4f0e6';
      ctx.fill();
      ctx.strokeStyle = ink;
      ctx.stroke();
      for (const [u, v] of [
        [0.05, 0.8],
        [0.38, 0.8],
        [0.7, 0.8],
      ] as const)
        rect(ctx, at(u), down(v), wallWidth * 0.24, wallHeight * 0.07, '#b58a5a', ink);
      break;
    }
    case 'hospital': {
      for (const u of [0.05, 0.6]) {
        rect(ctx, at(u), down(0.25), wallWidth * 0.3, wallHeight * 0.75, '#b9d6e3', ink);
        rect(ctx, at(u + 0.05), down(0.35), wallWidth * 0.2, wallHeight * 0.15, '#e8f4f8', ink);
      }
      rect(ctx, at(0.38), down(0.3), wallWidth * 0.2, wallHeight * 0.12, '#2e8b57', ink);
      polygon(
        ctx,
        [
          [at(0.46), down(0.32)],
          [at(0.5), down(0.32)],
          [at(0.5), down(0.4)],
          [at(0.46), down(0.4)],
        ],
        '#ffffff',
      );
      for (const x of [0.3, 0.7])
        rect(ctx, p.width * x - unit * 0.1, room.wallTop * 0.5, unit * 0.2, unit * 0.015, '#ffffff', ink);
      break;
    }
    default: {
      paintWindow(p, at(0.58), down(0.12), wallWidth * 0.34, wallHeight * 0.42);
      rect(ctx, at(0.1), down(0.18), wallWidth * 0.22, wallHeight * 0.2, '#c9a86a', ink);
      rect(ctx, at(0.12), down(0.2), wallWidth * 0.18, wallHeight * 0.16, '#7fa37a');
      rect(ctx, at(0.05), down(0.62), wallWidth * 0.5, wallHeight * 0.22, '#8a3b2e', ink);
      rect(ctx, at(0.05), down(0.5), wallWidth * 0.5, wallHeight * 0.14, darken('#8a3b2e', 0.15), ink);
      rect(ctx, at(0.05), down(0.84), wallWidth * 0.5, wallHeight * 0.16, darken('#8a3b2e', 0.25), ink);
      rect(ctx, at(0.8), down(0.55), wallWidth * 0.04, wallHeight * 0.45, '#5b4636');
      polygon(
        ctx,
        [
          [at(0.76), down(0.55)],
          [at(0.88), down(0.55)],
          [at(0.85), down(0.45)],
          [at(0.79), down(0.45)],
        ],
        '#f0dca0',
        ink,
      );
      if (p.night || p.setting.time === 'dusk') glow(ctx, at(0.82), down(0.52), unit * 0.3, '#ffd98a', 0.4);
      break;
    }
  }
}

function tree(p: Painter, x: number, groundY: number, size: number): void {
  rect(p.ctx, x - size * 0.06, groundY - size, size * 0.12, size, '#6b4a2f', p.ink);
  for (const [dx, dy, r] of [
    [0, -1.1, 0.45],
    [-0.3, -0.9, 0.35],
    [0.3, -0.9, 0.35],
  ] as const) {
    p.ctx.beginPath();
    p.ctx.arc(x + dx * size, groundY + dy * size, r * size, 0, Math.PI * 2);
    p.ctx.fillStyle = p.night ? '#1f3a2a' : '#4f8f4a';
    p.ctx.fill();
    p.ctx.strokeStyle = p.ink;
    p.ctx.lineWidth = 2;
    p.ctx.stroke();
  }
}

function paintOutdoorNature(p: Painter): void {
  const { ctx, width, height, unit, horizonY, ink } = p;
  paintSky(p, horizonY);
  switch (p.setting.place) {
    case 'countryside': {
      polygon(
        ctx,
        [
          [0, horizonY],
          [width * 0.25, horizonY - unit * 0.25],
          [width * 0.5, horizonY - unit * 0.08],
          [width * 0.75, horizonY - unit * 0.3],
          [width, horizonY - unit * 0.05],
          [width, horizonY],
        ],
        p.night ? '#1d2a3a' : '#7d98a8',
      );
      for (let i = 0; i < 8; i++) {
        const y0 = lerp(horizonY, height, (i / 8) ** 1.6);
        const y1 = lerp(horizonY, height, ((i + 1) / 8) ** 1.6);
        rect(ctx, 0, y0, width, y1 - y0, i % 2 === 0 ? '#7fb554' : '#6aa348');
        ctx.strokeStyle = '#8c7a55';
        ctx.lineWidth = Math.max(2, unit * 0.006);
        ctx.beginPath();
        ctx.moveTo(0, y0);
        ctx.lineTo(width, y0);
        ctx.stroke();
      }
      const houseX = width * 0.62;
      rect(ctx, houseX, horizonY - unit * 0.08, unit * 0.16, unit * 0.09, '#d9c9a3', ink);
      polygon(
        ctx,
        [
          [houseX - unit * 0.02, horizonY - unit * 0.08],
          [houseX + unit * 0.08, horizonY - unit * 0.15],
          [houseX + unit * 0.18, horizonY - unit * 0.08],
        ],
        '#a0452e',
        ink,
      );
      tree(p, width * 0.15, horizonY + unit * 0.02, unit * 0.16);
      break;
    }
    case 'waterfront': {
      const water = p.ctx.createLinearGradient(0, horizonY, 0, height);
      water.addColorStop(0, p.night ? '#1b2a4a' : '#4f8fc0');
      water.addColorStop(1, p.night ? '#0d1628' : '#2f6a98');
      ctx.fillStyle = water;
      ctx.fillRect(0, horizonY, width, height - horizonY);
      ctx.strokeStyle = withAlpha('#ffffff', 0.5);
      ctx.lineWidth = Math.max(1, unit * 0.004);
      for (let i = 0; i < 18; i++) {
        const y = lerp(horizonY, height * 0.7, p.random.next());
        const x = p.random.between(0, width);
        ctx.beginPath();
        ctx.moveTo(x, y);
        ctx.lineTo(x + unit * 0.08, y);
        ctx.stroke();
      }
      polygon(
        ctx,
        [
          [0, height * 0.72],
          [width, height * 0.66],
          [width, height],
          [0, height],
        ],
        '#e3cf9f',
      );
      polygon(
        ctx,
        [
          [width * 0.6, horizonY + unit * 0.05],
          [width * 0.8, horizonY + unit * 0.05],
          [width * 0.76, horizonY + unit * 0.08],
          [width * 0.63, horizonY + unit * 0.08],
        ],
        '#8a5a3b',
        ink,
      );
      break;
    }
    default: {
      skyline(p, horizonY, unit * 0.18, p.night ? '#151a2a' : '#a9b6c4');
      rect(ctx, 0, horizonY, width, height - horizonY, p.night ? '#2c4a2f' : '#6fae59');
      polygon(
        ctx,
        [
          [p.vanishX - unit * 0.02, horizonY],
          [p.vanishX + unit * 0.02, horizonY],
          [width * 0.9, height],
          [width * 0.1, height],
        ],
        '#cdb994',
      );
      for (const [u, s] of [
        [0.12, 0.35],
        [0.85, 0.4],
        [0.35, 0.15],
        [0.68, 0.17],
      ] as const)
        tree(p, width * u, horizonY + unit * s * 0.4, unit * s);
      const benchY = horizonY + (height - horizonY) * 0.3;
      rect(ctx, width * 0.68, benchY - unit * 0.06, unit * 0.22, unit * 0.02, '#8a5a3b', ink);
      rect(ctx, width * 0.68, benchY - unit * 0.03, unit * 0.22, unit * 0.015, '#8a5a3b', ink);
      break;
    }
  }
}

/**
 * One stall seen from the customer's side: its striped awning, hanging lamps and shelf of jars
 * behind a counter, stools before it, and the street on either side.
 */
function paintStall(p: Painter): void {
  const { ctx, width, unit, horizonY, ink } = p;
  paintSky(p, horizonY);
  skyline(p, horizonY, unit * 0.35, p.night ? '#1b2033' : '#a7b3c0');
  perspectiveFloor(p, horizonY, '#8f8a80', 8, 5);
  const left = width * 0.06;
  const right = width * 0.94;
  const counterTop = horizonY + unit * 0.04;
  const awningTop = horizonY - unit * 0.62;
  const awningBottom = awningTop + unit * 0.12;
  const wood = p.random.pick(['#8b6b47', '#7a5a3a', '#9a7b52']);
  rect(ctx, left, awningBottom, right - left, counterTop - awningBottom, darken(wood, 0.35), ink);
  for (let shelf = 1; shelf <= 2; shelf++) {
    const y = awningBottom + (counterTop - awningBottom) * (shelf / 3);
    rect(ctx, left + unit * 0.02, y, right - left - unit * 0.04, unit * 0.012, wood, ink, 1);
    for (let x = left + unit * 0.05; x < right - unit * 0.06; x += unit * 0.07) {
      const jar = p.random.pick(['#c9d6c8', '#e8c56a', '#d46a4a', '#f0ead8', '#6a8fb0']);
      rect(ctx, x, y - unit * 0.06, unit * 0.045, unit * 0.06, jar, ink, 1);
    }
  }
  const stripe = p.random.pick(['#c0392b', '#2471a3', '#239b56', '#d68910']);
  const stripes = 10;
  for (let i = 0; i < stripes; i++)
    rect(
      ctx,
      left + ((right - left) / stripes) * i,
      awningTop,
      (right - left) / stripes,
      awningBottom - awningTop,
      i % 2 === 0 ? stripe : '#f4efe3',
      ink,
      1,
    );
  for (const x of [left, right - unit * 0.025])
    rect(ctx, x, awningBottom, unit * 0.025, counterTop + unit * 0.2 - awningBottom, '#5a4632', ink, 1);
  rect(ctx, left, counterTop, right - left, unit * 0.2, wood, ink);
  rect(
    ctx,
    left - unit * 0.01,
    counterTop - unit * 0.02,
    right - left + unit * 0.02,
    unit * 0.025,
    lighten(wood, 0.2),
    ink,
    1,
  );
  for (const u of [0.2, 0.5, 0.8]) {
    const x = lerp(left, right, u);
    rect(ctx, x - unit * 0.04, counterTop + unit * 0.24, unit * 0.08, unit * 0.02, '#c0392b', ink, 1);
    rect(ctx, x - unit * 0.005, counterTop + unit * 0.26, unit * 0.01, unit * 0.08, '#5a4632');
  }
}

/**
 * On a ferry's deck: planks under foot, a railing across the frame, the water beyond it and a
 * far shore, the cabin's wall at one side with its lifebuoy.
 */
function paintFerry(p: Painter): void {
  const { ctx, width, unit, horizonY, ink } = p;
  paintSky(p, horizonY);
  skyline(p, horizonY, unit * 0.12, p.night ? '#141a2c' : '#7f8f86');
  const railY = horizonY + unit * 0.22;
  const water = p.night ? '#10223a' : p.setting.time === 'dusk' ? '#4b5c78' : '#3d7ea6';
  rect(ctx, 0, horizonY, width, railY - horizonY, water);
  ctx.strokeStyle = withAlpha('#ffffff', p.night ? 0.15 : 0.35);
  ctx.lineWidth = Math.max(1, unit * 0.003);
  for (let i = 0; i < 14; i++) {
    const y = p.random.between(horizonY + unit * 0.01, railY);
    const x = p.random.between(0, width);
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + unit * p.random.between(0.04, 0.12), y);
    ctx.stroke();
  }
  perspectiveFloor(p, railY, '#8a7358', 12, 7);
  rect(ctx, 0, railY - unit * 0.16, width, unit * 0.015, '#e8e4da', ink, 1);
  rect(ctx, 0, railY - unit * 0.08, width, unit * 0.01, '#e8e4da', ink, 1);
  for (let x = unit * 0.02; x < width; x += unit * 0.12)
    rect(ctx, x, railY - unit * 0.16, unit * 0.012, unit * 0.16, '#e8e4da', ink, 1);
  const cabinSide = p.random.chance(0.5) ? 0 : 1;
  const cabinWidth = width * 0.16;
  const cabinX = cabinSide === 0 ? 0 : width - cabinWidth;
  rect(ctx, cabinX, horizonY - unit * 0.4, cabinWidth, railY - horizonY + unit * 0.4, '#e9ecef', ink);
  rect(
    ctx,
    cabinX + cabinWidth * 0.2,
    horizonY - unit * 0.32,
    cabinWidth * 0.6,
    unit * 0.1,
    p.night ? '#ffd27a' : '#9cc3e0',
    ink,
    1,
  );
  const buoyX = cabinX + cabinWidth / 2;
  const buoyY = horizonY + unit * 0.02;
  ctx.lineWidth = unit * 0.022;
  ctx.strokeStyle = '#e8552f';
  ctx.beginPath();
  ctx.arc(buoyX, buoyY, unit * 0.045, 0, Math.PI * 2);
  ctx.stroke();
}

function paintRooftop(p: Painter): void {
  const { ctx, width, height, unit, horizonY, ink } = p;
  paintSky(p, horizonY + unit * 0.2);
  skyline(p, horizonY + unit * 0.2, unit * 0.45, p.night ? '#141a2c' : '#8d9fb3');
  rect(ctx, 0, horizonY + unit * 0.2, width, height, '#9d9890');
  ctx.strokeStyle = '#3a3d44';
  ctx.lineWidth = Math.max(2, unit * 0.008);
  ctx.beginPath();
  ctx.moveTo(0, horizonY + unit * 0.05);
  ctx.lineTo(width, horizonY + unit * 0.05);
  ctx.moveTo(0, horizonY + unit * 0.12);
  ctx.lineTo(width, horizonY + unit * 0.12);
  ctx.stroke();
  for (let x = 0; x < width; x += unit * 0.08)
    rect(ctx, x, horizonY + unit * 0.05, unit * 0.008, unit * 0.15, '#3a3d44');
  rect(ctx, width * 0.75, horizonY - unit * 0.2, unit * 0.16, unit * 0.22, '#6f7a86', ink);
  ctx.strokeStyle = ink;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(0, unit * 0.3);
  ctx.lineTo(width, unit * 0.25);
  ctx.stroke();
  for (let i = 0; i < 4; i++)
    rect(
      ctx,
      width * (0.1 + i * 0.18),
      unit * 0.3 - i * unit * 0.012,
      unit * 0.08,
      unit * 0.12,
      p.random.pick(['#e8d2a6', '#b7c9e2', '#e2b7b7', '#f4f1ea']),
      ink,
      1,
    );
}

function paintTemple(p: Painter): void {
  const { ctx, width, unit, horizonY, ink } = p;
  paintSky(p, horizonY);
  perspectiveFloor(p, horizonY, '#b8a88c', 8, 6);
  const cx = width / 2;
  for (let i = 0; i < 3; i++) {
    const w = unit * (0.9 - i * 0.22);
    const y = horizonY - unit * (0.25 + i * 0.2);
    rect(ctx, cx - w * 0.38, y, w * 0.76, unit * 0.2, '#b23a2a', ink);
    polygon(
      ctx,
      [
        [cx - w / 2, y + unit * 0.02],
        [cx + w / 2, y + unit * 0.02],
        [cx + w * 0.4, y - unit * 0.05],
        [cx - w * 0.4, y - unit * 0.05],
      ],
      '#3f4a3c',
      ink,
    );
  }
  for (const u of [0.25, 0.75]) {
    rect(ctx, width * u - unit * 0.02, horizonY - unit * 0.25, unit * 0.04, unit * 0.25, '#c0392b', ink);
    ctx.beginPath();
    ctx.ellipse(width * u, horizonY - unit * 0.3, unit * 0.035, unit * 0.045, 0, 0, Math.PI * 2);
    ctx.fillStyle = '#e74c3c';
    ctx.fill();
    glow(ctx, width * u, horizonY - unit * 0.3, unit * 0.15, '#ff9a5a', p.night ? 0.6 : 0.2);
  }
}

/** Paints the set for the scene, and says where actors can stand and what light they are in. */
export function drawBackground(
  ctx: SKRSContext2D,
  setting: SceneSetting,
  width: number,
  height: number,
  random: SeededRandom,
): ActingArea {
  const unit = Math.min(width, height);
  const horizonY = height * (setting.indoor ? 0.5 : 0.45) + (height - unit) * -0.05;
  const painter: Painter = {
    ctx,
    setting,
    random,
    width,
    height,
    unit,
    horizonY,
    vanishX: width * random.between(0.42, 0.58),
    sky: skyFor(setting.time, setting.weather),
    ink: '#1d1a22',
    night: setting.time === 'night',
  };
  ctx.save();
  if (setting.indoor) paintInterior(painter);
  else if (setting.place === 'station') paintStation(painter);
  else if (setting.place === 'market') paintMarket(painter);
  else if (setting.place === 'stall') paintStall(painter);
  else if (setting.place === 'ferry') paintFerry(painter);
  else if (setting.place === 'rooftop') paintRooftop(painter);
  else if (setting.place === 'temple') paintTemple(painter);
  else if (setting.place === 'park' || setting.place === 'countryside' || setting.place === 'waterfront')
    paintOutdoorNature(painter);
  else paintStreet(painter);
  ctx.restore();
  if (painter.night && !setting.indoor) {
    ctx.fillStyle = withAlpha('#0a1030', 0.25);
    ctx.fillRect(0, 0, width, height);
  }
  if (setting.weather === 'rain' && !setting.indoor) {
    ctx.fillStyle = withAlpha(painter.night ? '#ffd98a' : '#ffffff', 0.12);
    for (let i = 0; i < 6; i++) {
      ctx.beginPath();
      ctx.ellipse(
        random.between(0, width),
        random.between(horizonY + (height - horizonY) * 0.3, height),
        unit * random.between(0.08, 0.2),
        unit * 0.015,
        0,
        0,
        Math.PI * 2,
      );
      ctx.fill();
    }
  }
  const sky = painter.sky;
  const indoorLight = setting.indoor
    ? painter.night
      ? { ambient: '#c9a878', ambientStrength: 0.12 }
      : { ambient: '#ffffff', ambientStrength: 0 }
    : sky;
  return {
    width,
    height,
    horizonY,
    vanishX: painter.vanishX,
    nearGroundY: height * 0.97,
    farGroundY: horizonY + (height - horizonY) * 0.4,
    ambient: indoorLight.ambient,
    ambientStrength: indoorLight.ambientStrength,
  };
}

/** Rain, snow or fog in front of everything, actors included. */
export function drawWeather(
  ctx: SKRSContext2D,
  setting: SceneSetting,
  width: number,
  height: number,
  random: SeededRandom,
  intensity: number,
): void {
  if (setting.indoor || setting.weather === 'clear') return;
  const unit = Math.min(width, height);
  if (setting.weather === 'rain') {
    ctx.strokeStyle = withAlpha('#d6e2f0', 0.35 + 0.25 * intensity);
    ctx.lineWidth = Math.max(1, unit * 0.0025);
    const slant = random.between(-0.15, 0.05);
    const count = Math.round((220 * intensity * (width * height)) / (1080 * 1920)) + 60;
    for (let i = 0; i < count; i++) {
      const x = random.between(-width * 0.1, width * 1.1);
      const y = random.between(0, height);
      const length = unit * random.between(0.03, 0.08);
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.lineTo(x + slant * length, y + length);
      ctx.stroke();
    }
  } else if (setting.weather === 'snow') {
    ctx.fillStyle = withAlpha('#ffffff', 0.85);
    const count = Math.round(200 * intensity) + 50;
    for (let i = 0; i < count; i++) {
      ctx.beginPath();
      ctx.arc(random.between(0, width), random.between(0, height), unit * random.between(0.002, 0.007), 0, Math.PI * 2);
      ctx.fill();
    }
  } else {
    const fog = ctx.createLinearGradient(0, 0, 0, height);
    fog.addColorStop(0, withAlpha('#dde3ea', 0.15 + 0.25 * intensity));
    fog.addColorStop(1, withAlpha('#dde3ea', 0.05 + 0.15 * intensity));
    ctx.fillStyle = fog;
    ctx.fillRect(0, 0, width, height);
  }
}
