import type { CharacterBrief } from '../../../../core/contracts/ports.js';
import { type Species, speciesOf } from '../../../../core/domain/creatures.js';
import { darken, lighten, mix } from './colour.js';
import { seededRandom } from './seeded-random.js';

export type HairStyle = 'long' | 'short' | 'bun' | 'ponytail' | 'braid' | 'curly' | 'bald';
export type CostumeKind =
  | 'ao-dai'
  | 'qipao'
  | 'dress'
  | 'suit'
  | 'jacket'
  | 'cardigan'
  | 'hoodie'
  | 'uniform'
  | 'shirt';
export type AgeGroup = 'child' | 'young' | 'adult' | 'elder';
/** A brimmed hat, a peaked cap, a brimless peci or songkok, a conical nón lá or salakot. */
export type HatKind = 'brimmed' | 'cap' | 'peci' | 'conical';
export type FacialHair = 'beard' | 'moustache' | 'stubble';
/** A cloth's own pattern, drawn over its colour. */
export type ClothPattern = 'batik';
export type Gender = 'female' | 'male';

/** Everything the painter needs to draw one character the same way in every frame. */
export interface CharacterLook {
  characterId: string;
  /** A person, or the animal the painter draws instead of a person (core/domain/creatures.ts). */
  species: Species;
  /** An animal's fur or feathers. */
  coat: string;
  /** Stripes or patches on the coat: "tabby", or a second colour named. */
  markings?: string;
  gender: Gender;
  age: AgeGroup;
  skin: string;
  hair: string;
  hairStyle: HairStyle;
  costumeKind: CostumeKind;
  costume: string;
  /** Batik and the like, over the costume's colour. */
  clothPattern?: ClothPattern;
  /** Collar, lapels, inner shirt, piping. */
  costumeTrim: string;
  /** The shirt under an open jacket, cardigan or suit, when the description names its colour. */
  inner?: string;
  /** Trousers, or bare legs under a dress. */
  legs: string;
  shoes: string;
  /** Hat colour, when the character wears one. */
  hat?: string;
  hatKind?: HatKind;
  glasses: boolean;
  /** A beard, a moustache alone, or stubble, as the description names it. */
  facialHair?: FacialHair;
  /** The facial hair's own colour ("grey beard"); the hair's otherwise. */
  beardColour?: string;
  /** Relative to an average adult (1.0). */
  height: number;
  /** Shoulder and hip width relative to average (1.0). */
  build: number;
}

type ColourName =
  | 'black'
  | 'white'
  | 'grey'
  | 'brown'
  | 'red'
  | 'blue'
  | 'navy'
  | 'green'
  | 'yellow'
  | 'gold'
  | 'pink'
  | 'purple'
  | 'orange'
  | 'beige'
  | 'blonde'
  | 'maroon'
  | 'teal';

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

type Subject = 'hair' | 'costume' | 'legs' | 'eyes' | 'hat' | 'skin' | 'beard' | 'coat';

type Token =
  | { kind: 'colour'; colour: ColourName }
  | {
      kind: 'subject';
      subject: Subject;
      costume?: CostumeKind;
      hairStyle?: HairStyle;
      hatKind?: HatKind;
      clothPattern?: ClothPattern;
    }
  | { kind: 'length'; length: 'long' | 'short' }
  | { kind: 'age'; age: AgeGroup }
  | { kind: 'gender'; gender: Gender }
  | { kind: 'height'; height: 'tall' | 'short' }
  | { kind: 'build'; build: 'slim' | 'heavy' }
  | { kind: 'skinTone'; tone: 'light' | 'dark' }
  | { kind: 'glasses' }
  | { kind: 'beard'; style: FacialHair }
  | { kind: 'pattern'; pattern: 'tabby' };

/**
 * Phrases in every language of core/text/languages.ts (English, Vietnamese, Thai, Indonesian,
 * Malay, Filipino, Chinese in both scripts, Japanese, Korean); the longest match at a
 * position wins, so "áo dài" beats "áo".
 */
const LEXICON: [string[], Token][] = [
  [
    ['black', 'đen', '黑', 'ดำ', 'hitam', 'itim', '黒', '검은', '검정', '까만', '검은색'],
    { kind: 'colour', colour: 'black' },
  ],
  [
    ['white', 'trắng', '白', 'ขาว', 'putih', 'puti', 'puting', '흰', '하얀', '흰색', '하얀색'],
    { kind: 'colour', colour: 'white' },
  ],
  [
    [
      'grey',
      'gray',
      'silver',
      'xám',
      'bạc',
      '灰',
      '银',
      '銀',
      'เทา',
      'abu-abu',
      'kelabu',
      'abo',
      'kulay-abo',
      'グレー',
      '회색',
      '은색',
    ],
    { kind: 'colour', colour: 'grey' },
  ],
  [
    [
      'brown',
      'chestnut',
      'nâu',
      '棕',
      '褐',
      '咖啡',
      'น้ำตาล',
      'coklat',
      'cokelat',
      'perang',
      'kayumanggi',
      '茶色',
      '갈색',
    ],
    { kind: 'colour', colour: 'brown' },
  ],
  [
    [
      'red',
      'crimson',
      'scarlet',
      'đỏ',
      '红',
      '紅',
      'แดง',
      'merah',
      'pula',
      'pulang',
      '赤',
      '빨간',
      '빨강',
      '붉은',
      '빨간색',
    ],
    { kind: 'colour', colour: 'red' },
  ],
  [
    ['maroon', 'burgundy', 'đỏ đô', 'đỏ mận', '酒红', '暗红', '酒紅', '暗紅', 'เลือดหมู'],
    { kind: 'colour', colour: 'maroon' },
  ],
  [
    [
      'blue',
      'denim',
      'xanh',
      'xanh dương',
      'xanh da trời',
      'xanh lam',
      '蓝',
      '牛仔',
      '藍',
      'น้ำเงิน',
      'ฟ้า',
      'biru',
      'asul',
      '青い',
      '파란',
      '파랑',
      '파란색',
    ],
    { kind: 'colour', colour: 'blue' },
  ],
  [
    [
      'navy',
      'dark blue',
      'xanh navy',
      'xanh đậm',
      'xanh than',
      '藏青',
      '深蓝',
      '深藍',
      'กรมท่า',
      'biru tua',
      '紺',
      '남색',
    ],
    { kind: 'colour', colour: 'navy' },
  ],
  [
    [
      'green',
      'olive',
      'xanh lá',
      'xanh lục',
      '绿',
      '綠',
      'เขียว',
      'hijau',
      'berde',
      'berdeng',
      '緑',
      '초록',
      '녹색',
      '초록색',
    ],
    { kind: 'colour', colour: 'green' },
  ],
  [['teal', 'turquoise', 'xanh ngọc', '青色', '碧', 'เขียวอมฟ้า'], { kind: 'colour', colour: 'teal' }],
  [
    ['yellow', 'vàng', '黄', '黃', 'เหลือง', 'kuning', 'dilaw', '黄色', '노란', '노랑', '노란색'],
    { kind: 'colour', colour: 'yellow' },
  ],
  [['gold', 'golden', 'vàng kim', '金', 'ทอง', 'emas', 'ginto', '금색'], { kind: 'colour', colour: 'gold' }],
  [['blonde', 'blond', 'vàng hoe', '金发', '金髮', '金髪', '금발'], { kind: 'colour', colour: 'blonde' }],
  [
    ['pink', 'hồng', '粉', 'ชมพู', 'merah muda', 'merah jambu', 'rosas', 'ピンク', '분홍', '분홍색', '핑크'],
    { kind: 'colour', colour: 'pink' },
  ],
  [
    ['purple', 'violet', 'lilac', 'tím', '紫', 'ม่วง', 'ungu', 'lila', 'lilang', '보라', '보라색'],
    { kind: 'colour', colour: 'purple' },
  ],
  [
    ['orange', 'cam', '橙', '橘', 'ส้ม', 'oranye', 'jingga', 'oren', 'kahel', 'オレンジ', '주황', '주황색'],
    { kind: 'colour', colour: 'orange' },
  ],
  [
    ['beige', 'cream', 'khaki', 'màu kem', 'màu be', '米色', '卡其', 'ครีม', 'krem', 'ベージュ', '베이지'],
    { kind: 'colour', colour: 'beige' },
  ],

  [
    ['hair', 'tóc', '发', '髮', 'ผม', 'rambut', 'buhok', '髪', '머리', '머리카락'],
    { kind: 'subject', subject: 'hair' },
  ],
  [['fur', 'feathers', 'lông', 'ขนสี', 'bulu', 'balahibo', '毛', '털', '깃털'], { kind: 'subject', subject: 'coat' }],
  [
    [
      'tabby',
      'striped',
      'stripes',
      'mướp',
      'ลายทาง',
      'ลายเสือ',
      'belang',
      'may guhit',
      '虎斑',
      'トラ猫',
      'キジトラ',
      '줄무늬',
    ],
    { kind: 'pattern', pattern: 'tabby' },
  ],
  [
    ['bun', 'chignon', 'topknot', 'búi', 'búi tóc', '发髻', '盘发', '丸子头'],
    { kind: 'subject', subject: 'hair', hairStyle: 'bun' },
  ],
  [['ponytail', 'đuôi ngựa', '马尾'], { kind: 'subject', subject: 'hair', hairStyle: 'ponytail' }],
  [
    ['braid', 'braids', 'plait', 'pigtails', 'bím', 'tết tóc', '辫'],
    { kind: 'subject', subject: 'hair', hairStyle: 'braid' },
  ],
  [
    ['curly', 'curls', 'wavy', 'perm', 'xoăn', 'quăn', '卷发', '卷'],
    { kind: 'subject', subject: 'hair', hairStyle: 'curly' },
  ],
  [['bald', 'shaved head', 'hói', 'trọc', '光头', '秃'], { kind: 'subject', subject: 'hair', hairStyle: 'bald' }],
  [
    ['bob', 'crew cut', 'buzz cut', 'pixie', 'undercut', '寸头', '平头'],
    { kind: 'subject', subject: 'hair', hairStyle: 'short' },
  ],

  [['áo dài', 'ao dai', 'aodai', '奥黛', '奧黛'], { kind: 'subject', subject: 'costume', costume: 'ao-dai' }],
  [
    ['qipao', 'cheongsam', 'sườn xám', '旗袍', 'ชุดกี่เพ้า', 'チャイナドレス', '치파오'],
    { kind: 'subject', subject: 'costume', costume: 'qipao' },
  ],
  [
    [
      'dress',
      'gown',
      'skirt',
      'sundress',
      'kimono',
      'yukata',
      'hanbok',
      'kebaya',
      'baju kurung',
      'váy',
      'đầm',
      '裙',
      '连衣裙',
      '洋裝',
      '連身裙',
      'ชุดกระโปรง',
      'กระโปรง',
      'ชุดไทย',
      'gaun',
      'rok',
      'bestida',
      'palda',
      "baro't saya",
      'ワンピース',
      'ドレス',
      'スカート',
      '着物',
      '浴衣',
      '원피스',
      '치마',
      '드레스',
      '한복',
    ],
    { kind: 'subject', subject: 'costume', costume: 'dress' },
  ],
  [
    [
      'suit',
      'blazer',
      'tuxedo',
      'vest',
      'com lê',
      'comple',
      '西装',
      '西服',
      '西裝',
      'สูท',
      'jas',
      'amerikana',
      'スーツ',
      '정장',
      '양복',
    ],
    { kind: 'subject', subject: 'costume', costume: 'suit' },
  ],
  [
    [
      'jacket',
      'coat',
      'parka',
      'raincoat',
      'trench',
      'áo khoác',
      'áo choàng',
      'áo mưa',
      '夹克',
      '外套',
      '大衣',
      '风衣',
      '夾克',
      '風衣',
      'เสื้อแจ็คเก็ต',
      'แจ็คเก็ต',
      'เสื้อคลุม',
      'เสื้อโค้ท',
      'jaket',
      'mantel',
      'dyaket',
      'ジャケット',
      'コート',
      '上着',
      '재킷',
      '자켓',
      '코트',
      '외투',
    ],
    { kind: 'subject', subject: 'costume', costume: 'jacket' },
  ],
  [
    [
      'cardigan',
      'sweater',
      'jumper',
      'knit',
      'áo len',
      'áo cardigan',
      '毛衣',
      '开衫',
      '针织',
      '開衫',
      '針織',
      'เสื้อไหมพรม',
      'เสื้อกันหนาว',
      'คาร์ดิแกน',
      'sweter',
      'kardigan',
      'baju sejuk',
      'panlamig',
      'カーディガン',
      'セーター',
      'ニット',
      '카디건',
      '가디건',
      '스웨터',
      '니트',
    ],
    { kind: 'subject', subject: 'costume', costume: 'cardigan' },
  ],
  [
    ['hoodie', 'hoody', 'sweatshirt', 'áo hoodie', 'áo nỉ', '卫衣', '帽T', 'เสื้อฮู้ด', 'ฮู้ด', 'パーカー', '후드티', '후드'],
    { kind: 'subject', subject: 'costume', costume: 'hoodie' },
  ],
  [
    [
      'uniform',
      'đồng phục',
      'quân phục',
      '制服',
      '校服',
      '警服',
      '军装',
      '軍裝',
      'ชุดนักเรียน',
      'เครื่องแบบ',
      'seragam',
      'pakaian seragam',
      'uniporme',
      '교복',
      '제복',
    ],
    { kind: 'subject', subject: 'costume', costume: 'uniform' },
  ],
  [
    [
      'shirt',
      't-shirt',
      'tshirt',
      'tee',
      'blouse',
      'polo',
      'top',
      'barong',
      'damit',
      'áo',
      'áo sơ mi',
      'áo thun',
      'áo phông',
      '衬衫',
      't恤',
      '上衣',
      '襯衫',
      'เสื้อ',
      'เสื้อเชิ้ต',
      'เสื้อยืด',
      'kemeja',
      'kaos',
      'baju',
      'blus',
      'kamiseta',
      'blusa',
      'シャツ',
      'tシャツ',
      'ブラウス',
      '셔츠',
      '티셔츠',
      '블라우스',
    ],
    { kind: 'subject', subject: 'costume', costume: 'shirt' },
  ],
  [
    [
      'jeans',
      'trousers',
      'pants',
      'slacks',
      'quần',
      'quần jean',
      '裤',
      '褲',
      'กางเกง',
      'ยีนส์',
      'celana',
      'seluar',
      'pantalon',
      'ズボン',
      'パンツ',
      'ジーンズ',
      '바지',
      '청바지',
    ],
    { kind: 'subject', subject: 'legs' },
  ],
  [['eyes', 'eye', 'mắt', '眼睛', '眼', 'ดวงตา', 'mata', '瞳', '눈'], { kind: 'subject', subject: 'eyes' }],
  [
    ['hat', 'beanie', 'mũ', 'nón', '帽', 'หมวก', 'sombrero', '帽子', '모자', 'sumbrero'],
    { kind: 'subject', subject: 'hat', hatKind: 'brimmed' },
  ],
  [
    [
      'cap',
      'baseball cap',
      'mũ lưỡi trai',
      '鸭舌帽',
      '棒球帽',
      '鴨舌帽',
      'キャップ',
      '野球帽',
      '캡',
      '야구모자',
      'หมวกแก๊ป',
      'topi',
      'topi bisbol',
    ],
    { kind: 'subject', subject: 'hat', hatKind: 'cap' },
  ],
  [
    ['peci', 'songkok', 'kopiah', 'kopyah', 'kupiah', 'fez', 'skullcap'],
    { kind: 'subject', subject: 'hat', hatKind: 'peci' },
  ],
  [
    ['conical hat', 'nón lá', '斗笠', '笠', 'งอบ', 'caping', 'salakot', '삿갓'],
    { kind: 'subject', subject: 'hat', hatKind: 'conical' },
  ],
  [
    ['batik', 'ผ้าบาติก', '蜡染', '蠟染', 'バティック', '바틱'],
    { kind: 'subject', subject: 'costume', costume: 'shirt', clothPattern: 'batik' },
  ],
  [
    ['skin', 'complexion', 'làn da', 'da', '皮肤', '肤', '皮膚', 'ผิว', 'kulit', 'balat', '肌', '피부'],
    { kind: 'subject', subject: 'skin' },
  ],

  [
    ['long', 'dài', '长', '長', 'ยาว', 'panjang', 'mahaba', 'mahabang', '長い', '긴'],
    { kind: 'length', length: 'long' },
  ],
  [['short', 'ngắn', '短', 'สั้น', 'pendek', 'maikli', 'maikling', '短い', '짧은'], { kind: 'length', length: 'short' }],
  [
    [
      'คุณยาย',
      'คุณตา',
      'nenek',
      'kakek',
      'datuk',
      'lola',
      'lolo',
      '老人',
      'おばあさん',
      'おじいさん',
      '할머니',
      '할아버지',
    ],
    { kind: 'age', age: 'elder' },
  ],
  [
    [
      'ผู้หญิง',
      'หญิง',
      'สาว',
      'wanita',
      'perempuan',
      'gadis',
      'babae',
      'dalaga',
      '女性',
      '여자',
      '소녀',
      '할머니',
      'คุณยาย',
      'nenek',
      'lola',
      'おばあさん',
    ],
    { kind: 'gender', gender: 'female' },
  ],
  [
    [
      'ผู้ชาย',
      'ชาย',
      'pria',
      'lelaki',
      'laki-laki',
      'lalaki',
      '男性',
      '남자',
      '소년',
      '할아버지',
      'คุณตา',
      'kakek',
      'datuk',
      'lolo',
      'おじいさん',
    ],
    { kind: 'gender', gender: 'male' },
  ],

  [
    [
      'grandmother',
      'grandma',
      'granny',
      'grandfather',
      'grandpa',
      'elderly',
      'old',
      'aged',
      'senior',
      'bà nội',
      'bà ngoại',
      'ông nội',
      'ông ngoại',
      'cụ',
      'già',
      '奶奶',
      '外婆',
      '姥姥',
      '爷爷',
      '外公',
      '老人',
      '老太',
      '老奶奶',
      '老爷爷',
      '年迈',
    ],
    { kind: 'age', age: 'elder' },
  ],
  [
    [
      'child',
      'kid',
      'toddler',
      'little girl',
      'little boy',
      'em bé',
      'cậu bé',
      'cô bé',
      'bé',
      '孩子',
      '小孩',
      '儿童',
      '小女孩',
      '小男孩',
    ],
    { kind: 'age', age: 'child' },
  ],
  [
    ['teen', 'teenager', 'student', 'young', 'học sinh', 'sinh viên', 'trẻ', '学生', '少女', '少年', '年轻'],
    { kind: 'age', age: 'young' },
  ],
  [['middle-aged', 'middle aged', 'trung niên', '中年'], { kind: 'age', age: 'adult' }],

  [
    [
      'woman',
      'women',
      'girl',
      'lady',
      'mother',
      'mom',
      'mum',
      'grandmother',
      'grandma',
      'granny',
      'aunt',
      'sister',
      'daughter',
      'wife',
      'she',
      'her',
      'female',
      'bride',
      'cô',
      'chị',
      'bà',
      'mẹ',
      'nữ',
      'con gái',
      'vợ',
      'em gái',
      'cô bé',
      '女',
      '妈',
      '母',
      '奶奶',
      '外婆',
      '姥姥',
      '姐',
      '妹',
      '妻',
      '她',
      '阿姨',
      '婆',
      '老奶奶',
      '老太',
      '老太太',
    ],
    { kind: 'gender', gender: 'female' },
  ],
  [
    [
      'man',
      'men',
      'boy',
      'gentleman',
      'father',
      'dad',
      'grandfather',
      'grandpa',
      'uncle',
      'brother',
      'son',
      'husband',
      'he',
      'his',
      'male',
      'groom',
      'anh',
      'ông',
      'chú',
      'bố',
      'cha',
      'con trai',
      'chồng',
      'em trai',
      'cậu bé',
      '男',
      '爸',
      '父',
      '爷爷',
      '外公',
      '哥',
      '弟',
      '丈夫',
      '他',
      '叔',
      '伯',
      '老爷爷',
      '老大爷',
    ],
    { kind: 'gender', gender: 'male' },
  ],

  [['tall', 'lanky', 'cao', '高'], { kind: 'height', height: 'tall' }],
  [['petite', 'thấp', 'lùn', '矮', '娇小'], { kind: 'height', height: 'short' }],
  [['slim', 'thin', 'slender', 'skinny', 'gầy', 'mảnh khảnh', '瘦', '苗条'], { kind: 'build', build: 'slim' }],
  [
    [
      'stocky',
      'heavy',
      'heavyset',
      'plump',
      'chubby',
      'burly',
      'broad',
      'muscular',
      'stout',
      'béo',
      'mập',
      'vạm vỡ',
      '胖',
      '壮',
      '魁梧',
    ],
    { kind: 'build', build: 'heavy' },
  ],
  [['pale', 'fair', 'porcelain', 'trắng trẻo', '白皙'], { kind: 'skinTone', tone: 'light' }],
  [
    ['tan', 'tanned', 'sun-browned', 'weathered', 'ngăm', 'rám nắng', '黝黑', '古铜'],
    { kind: 'skinTone', tone: 'dark' },
  ],
  [
    [
      'glasses',
      'spectacles',
      'kính',
      'đeo kính',
      '眼镜',
      '眼鏡',
      'แว่น',
      'แว่นตา',
      'kacamata',
      'cermin mata',
      'salamin',
      'メガネ',
      'めがね',
      '안경',
    ],
    { kind: 'glasses' },
  ],
  [
    [
      'beard',
      'full beard',
      'râu',
      'râu quai nón',
      '胡子',
      '胡须',
      '鬍子',
      '鬍鬚',
      '大胡子',
      'เครา',
      'janggut',
      'jenggot',
      'brewok',
      'cambang',
      'balbas',
      'あごひげ',
      'ひげ',
      '수염',
      '턱수염',
    ],
    { kind: 'beard', style: 'beard' },
  ],
  [
    [
      'moustache',
      'mustache',
      'ria',
      'ria mép',
      'râu mép',
      '八字胡',
      '小胡子',
      '八字鬍',
      '小鬍子',
      'หนวด',
      'kumis',
      'misai',
      'bigote',
      '口ひげ',
      '口髭',
      '髭',
      '콧수염',
    ],
    { kind: 'beard', style: 'moustache' },
  ],
  [['stubble', 'râu lún phún', '胡茬', '胡渣', '鬍渣', '無精ひげ', '수염 자국'], { kind: 'beard', style: 'stubble' }],
];

interface Match {
  start: number;
  end: number;
  token: Token;
  segment: number;
}

const LETTER = /[\p{L}\p{M}\p{N}]/u;
/** Scripts whose words are not set off by spaces (Thai, Kana, Han), or take particles glued on (Hangul): matched anywhere. */
const CJK = /[\u0E00-\u0E7F\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/u;
/** Clause breaks: colours and lengths only attach to subjects within the same clause. */
const CLAUSE_BREAK =
  /[,，、;；.。!！?？\n()（）]|\band\b|\bwith\b|\bwearing\b|\bin\b|\bover\b|\bunder\b|\b(?:dan|dengan|memakai|berbaju|at|may|suot|sa)\b|(?<![\p{L}])(?:và|với|mặc|đội)(?![\p{L}])|(?<=\p{Script=Thai}) (?=\p{Script=Thai})|和|穿|戴|与|與/gu;

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
      if (
        previous &&
        previous.start === match.start &&
        previous.end === match.end &&
        previous.token.kind !== match.token.kind
      ) {
        kept.push({ ...match, segment: previous.segment });
      }
      continue;
    }
    kept.push({ ...match, segment: breaks.filter((b) => b < match.start).length });
    coveredTo = match.end;
  }
  return kept;
}

/** Garments worn open at the front, showing what is under them. */
const OPEN_FRONTED = new Set<CostumeKind>(['jacket', 'cardigan', 'suit']);

/** Standing height relative to an average adult. */
const ANIMAL_HEIGHT: Readonly<Record<Exclude<Species, 'person'>, number>> = { cat: 0.26, dog: 0.36, bird: 0.16 };

/** The hex a cloth colour name is drawn with. */
export function clothColour(name: string): string | undefined {
  return (CLOTH_COLOURS as Record<string, string>)[name];
}

const SKIN_TONES = ['#f6dcc4', '#eec9a6', '#e2b48c', '#cf9a70', '#b07a52', '#8a5a3a'];
const FALLBACK_COSTUMES = [
  '#c3232d',
  '#2f62b8',
  '#3a8a48',
  '#e4b932',
  '#7a4ca3',
  '#e27a25',
  '#1f8a8a',
  '#e68db0',
  '#7a4e2d',
  '#1f2c57',
  '#8c8d93',
  '#7d1f2c',
];
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

/** The first age a description states in years ("pria 55 tahun", "25, long black hair"). */
export function statedYears(description: string): number | undefined {
  return firstAge(description.normalize('NFC').toLowerCase());
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
  const garmentColours = new Map<CostumeKind, ColourName>();
  const coatColours: ColourName[] = [];
  const orphanColours: ColourName[] = [];
  let tabby = false;
  let hairStyle: HairStyle | undefined;
  let hairLength: 'long' | 'short' | undefined;
  let costumeKind: CostumeKind | undefined;
  let age: AgeGroup | undefined;
  let heightCue: 'tall' | 'short' | undefined;
  let buildCue: 'slim' | 'heavy' | undefined;
  let skinCue: 'light' | 'dark' | undefined;
  let hasHat = false;
  let hatKind: HatKind | undefined;
  let clothPattern: ClothPattern | undefined;
  let glasses = false;
  let facialHair: FacialHair | undefined;
  const genderVotes = { female: 0, male: 0 };

  const segments = new Map<number, Match[]>();
  for (const match of matches) segments.set(match.segment, [...(segments.get(match.segment) ?? []), match]);

  for (const segmentMatches of segments.values()) {
    // A beard takes a colour as a garment does: "grey beard, green cardigan" is a green cardigan.
    const subjects = segmentMatches.filter((m) => m.token.kind === 'subject' || m.token.kind === 'beard');
    const talksAboutHair = subjects.some((m) => m.token.kind === 'subject' && m.token.subject === 'hair');
    for (const match of segmentMatches) {
      const token = match.token;
      switch (token.kind) {
        case 'subject':
          if (token.hairStyle) hairStyle ??= token.hairStyle;
          if (token.costume)
            costumeKind = costumeKind === undefined || costumeKind === 'shirt' ? token.costume : costumeKind;
          if (token.subject === 'hat') {
            hasHat = true;
            hatKind ??= token.hatKind;
          }
          if (token.clothPattern) clothPattern ??= token.clothPattern;
          break;
        case 'colour': {
          const centre = (match.start + match.end) / 2;
          const nearest = subjects
            .map((s) => ({ s, distance: Math.abs((s.start + s.end) / 2 - centre) }))
            .sort((a, b) => a.distance - b.distance)[0]?.s.token;
          if (nearest === undefined) {
            orphanColours.push(token.colour);
            coatColours.push(token.colour);
          } else if (nearest.kind === 'beard') {
            colours.beard ??= token.colour;
          } else if (nearest.kind === 'subject') {
            colours[nearest.subject] ??= token.colour;
            if (nearest.subject === 'coat' || nearest.subject === 'hair') coatColours.push(token.colour);
            if (nearest.costume && !garmentColours.has(nearest.costume))
              garmentColours.set(nearest.costume, token.colour);
          }
          break;
        }
        case 'pattern':
          tabby = true;
          break;
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
          facialHair ??= token.style;
          break;
      }
    }
  }

  // A colour named with no garment, hair or beard in its clause ("a red one") dresses the figure only if no garment has a colour.
  if (colours.costume === undefined && orphanColours[0] !== undefined) colours.costume = orphanColours[0];
  const years = firstAge(text);
  const ageGroup: AgeGroup =
    years !== undefined ? ageFromYears(years) : (age ?? random.pick(['young', 'adult'] as const));

  const longHairStyle =
    hairStyle === 'bun' || hairStyle === 'braid' || hairStyle === 'ponytail' || hairLength === 'long';
  const gender: Gender =
    genderVotes.female !== genderVotes.male
      ? genderVotes.female > genderVotes.male
        ? 'female'
        : 'male'
      : character.voice?.gender === 'female' || character.voice?.gender === 'male'
        ? character.voice.gender
        : costumeKind === 'ao-dai' || costumeKind === 'dress' || costumeKind === 'qipao' || longHairStyle
          ? 'female'
          : facialHair
            ? 'male'
            : random.pick(['female', 'male'] as const);

  const resolvedHairStyle: HairStyle =
    hairStyle ??
    hairLength ??
    (ageGroup === 'elder'
      ? gender === 'female'
        ? 'bun'
        : random.pick(['short', 'bald'] as const)
      : gender === 'female'
        ? random.pick(['long', 'long', 'ponytail', 'short'] as const)
        : random.pick(['short', 'short', 'curly'] as const));
  const resolvedCostume = costumeKind ?? random.pick(FALLBACK_COSTUME_KINDS[gender]);

  const hairColourName = colours.hair;
  const hair = hairColourName
    ? (HAIR_COLOURS[hairColourName] ?? mix(CLOTH_COLOURS[hairColourName], '#17130f', 0.35))
    : ageGroup === 'elder'
      ? random.pick(['#b9b6b0', '#d2cfc8', '#9a9690'])
      : random.pick(['#17130f', '#241812', '#33231a']);

  const costumeColourName = garmentColours.get(resolvedCostume) ?? colours.costume;
  const costume = costumeColourName ? CLOTH_COLOURS[costumeColourName] : random.pick(FALLBACK_COSTUMES);
  // A second top garment ("over a white shirt") shows as the layer under an open one.
  const innerColourName = OPEN_FRONTED.has(resolvedCostume)
    ? [...garmentColours].find(([kind]) => kind !== resolvedCostume)?.[1]
    : undefined;
  const costumeTrim =
    resolvedCostume === 'suit'
      ? innerColourName
        ? CLOTH_COLOURS[innerColourName]
        : '#f1ede4'
      : resolvedCostume === 'ao-dai' || resolvedCostume === 'qipao'
        ? mix(costume, '#e8c15a', 0.55)
        : darken(costume, 0.3);
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
  const height =
    heightBase * (heightCue === 'tall' ? 1.07 : heightCue === 'short' ? 0.93 : 1) * random.between(0.98, 1.02);
  const build =
    (buildCue === 'slim' ? 0.86 : buildCue === 'heavy' ? 1.2 : 1) *
    (gender === 'male' ? 1.06 : 0.96) *
    random.between(0.97, 1.03);

  const species = speciesOf(character.description);
  const coatName = coatColours[0];
  const coat = coatName
    ? (HAIR_COLOURS[coatName] ?? CLOTH_COLOURS[coatName])
    : random.pick(['#8c8d93', '#7a4e2d', '#e0c27a', '#232127', '#f1ede4']);
  const secondCoat = coatColours.find((name) => name !== coatName);
  const markings = secondCoat ? CLOTH_COLOURS[secondCoat] : tabby ? darken(coat, 0.45) : undefined;
  const animalSize = /\b(small|little|tiny|kitten|puppy)\b|nhỏ|เล็ก|kecil|maliit|小|작은/u.test(text)
    ? 0.8
    : /\b(big|large|huge)\b|to lớn|ใหญ่|besar|malaki|大|큰/u.test(text)
      ? 1.25
      : 1;

  return {
    characterId: character.id,
    species,
    coat,
    ...(markings ? { markings } : {}),
    ...(innerColourName ? { inner: CLOTH_COLOURS[innerColourName] } : {}),
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
    ...(clothPattern ? { clothPattern } : {}),
    hat: hasHat ? (colours.hat ? CLOTH_COLOURS[colours.hat] : lighten(costume, 0.2)) : undefined,
    ...(hasHat ? { hatKind: hatKind ?? 'brimmed' } : {}),
    glasses,
    ...(facialHair && gender === 'male' ? { facialHair } : {}),
    ...(colours.beard ? { beardColour: HAIR_COLOURS[colours.beard] ?? CLOTH_COLOURS[colours.beard] } : {}),
    height: species === 'person' ? height : ANIMAL_HEIGHT[species] * animalSize,
    build,
  };
}
