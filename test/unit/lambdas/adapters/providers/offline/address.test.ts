import { describe, expect, it } from 'vitest';
import { OfflineScriptWriter } from '../../../../../../lambdas/adapters/providers/offline/offline-script-writer.js';
import { thTH } from '../../../../../../lambdas/adapters/providers/offline/phrasebook/th-TH.js';
import { viVN } from '../../../../../../lambdas/adapters/providers/offline/phrasebook/vi-VN.js';
import type { CharacterBrief } from '../../../../../../lambdas/core/contracts/ports.js';

const writer = new OfflineScriptWriter();

/** Every line the young speaker says to the elder, over many scenes: in a two-hander each line answers the other. */
async function linesTo(language: string, young: CharacterBrief, elder: CharacterBrief): Promise<string[]> {
  const said: string[] = [];
  for (let seed = 1; seed <= 12; seed++) {
    for (const mood of ['tender', 'tense', 'sad', 'angry', 'joyful', 'comic']) {
      const { result } = await writer.writeScene({
        language,
        title: 'Warung',
        seed,
        scene: {
          episodeId: 'ep01',
          sceneId: 's01',
          index: 0,
          location: 'x',
          outline: 'They talk.',
          mood,
          characters: [young, elder],
        },
      });
      said.push(...result.lines.filter((line) => line.character === young.id).map((line) => line.line));
    }
  }
  return said;
}

const person = (id: string, name: string, description: string, gender: 'female' | 'male'): CharacterBrief => ({
  id,
  name,
  description,
  voice: { gender },
});

describe('address follows age and relationship', () => {
  it('has a young Indonesian speaker call a 55-year-old Bapak, never kamu, and peers kamu', async () => {
    // Prepare
    const sari = person('sari', 'Sari', 'perempuan 24 tahun', 'female');
    const bima = person('bima', 'Pak Bima', 'pria 55 tahun, kumis', 'male');
    const untitled = person('bima', 'Bima', 'pria 55 tahun, kumis', 'male');
    const dimas = person('dimas', 'Dimas', 'pria 26 tahun', 'male');

    // Act
    const toTitled = await linesTo('id-ID', sari, bima);
    const toUntitled = await linesTo('id-ID', sari, untitled);
    const toPeer = await linesTo('id-ID', sari, dimas);

    // Assess
    const rude = /\bkamu\b|\b(?!bertemu\b)[a-z]+mu\b|\baku\b/iu;
    expect([...toTitled, ...toUntitled].filter((line) => rude.test(line))).toEqual([]);
    expect(toTitled.filter((line) => /Bapak|Pak Bima/u.test(line)).length).toBeGreaterThan(toTitled.length / 3);
    expect(toUntitled.filter((line) => /\bBima\b/u.test(line) && !/Pak Bima/u.test(line))).toEqual([]);
    expect(toPeer).toContainEqual(expect.stringMatching(/\bkamu\b/iu));
  });

  it('chooses Vietnamese pronouns by the generation between speakers', () => {
    // Prepare
    const lan = person('lan', 'Lan', 'cô gái 24 tuổi', 'female');
    const bima = person('bima', 'Bima', 'người đàn ông 55 tuổi', 'male');
    const nga = person('nga', 'Nga', 'bà cụ 78 tuổi', 'female');
    const hoa = person('hoa', 'Hoa', 'phụ nữ 32 tuổi', 'female');
    const tuan = person('tuan', 'Tuấn', 'chàng trai 24 tuổi', 'male');

    // Act
    const pairs = {
      lanToBima: viVN.pronouns!(lan, bima),
      bimaToLan: viVN.pronouns!(bima, lan),
      lanToNga: viVN.pronouns!(lan, nga),
      hoaToTuan: viVN.pronouns!(hoa, tuan),
      tuanToHoa: viVN.pronouns!(tuan, hoa),
    };

    // Assess
    expect(pairs).toEqual({
      lanToBima: { I: 'cháu', you: 'chú' },
      bimaToLan: { I: 'chú', you: 'cháu' },
      lanToNga: { I: 'cháu', you: 'bà' },
      hoaToTuan: { I: 'chị', you: 'em' },
      tuanToHoa: { I: 'em', you: 'chị' },
    });
  });

  it('has a young Vietnamese speaker call a 55-year-old chú by name', async () => {
    // Prepare
    const lan = person('lan', 'Lan', 'cô gái 24 tuổi', 'female');
    const bima = person('bima', 'Bima', 'người đàn ông 55 tuổi', 'male');

    // Act
    const said = await linesTo('vi-VN', lan, bima);

    // Assess
    expect(said.filter((line) => /\bBima\b/u.test(line) && !/Chú Bima/u.test(line))).toEqual([]);
    // "mình" stays: besides a friend's "I" it is the "we" of "mình về nhà thôi" and the "một mình" of alone.
    expect(said.filter((line) => /(^|\s)(cậu|em)(\s|[.,!?]|$)/iu.test(line))).toEqual([]);
  });

  it('ends a Thai line to an elder on the polite particle of the speaker, and calls a parent’s age ลุง', async () => {
    // Prepare
    const mali = person('mali', 'มะลิ', 'หญิงสาวอายุ 24', 'female');
    const somchai = person('somchai', 'สมชาย', 'ชายวัย 55', 'male');
    const nop = person('nop', 'นพ', 'ชายหนุ่มอายุ 22', 'male');

    // Act
    const fromHer = await linesTo('th-TH', mali, somchai);
    const fromHim = await linesTo('th-TH', nop, somchai);
    const pair = thTH.pronouns!(mali, somchai);

    // Assess
    expect(fromHer.filter((line) => !/(ค่ะ|คะ)[!.…]*$/u.test(line))).toEqual([]);
    expect(fromHim.filter((line) => !/ครับ[!.…]*$/u.test(line))).toEqual([]);
    expect(fromHer.filter((line) => /(?<!ลุง)สมชาย/u.test(line))).toEqual([]);
    expect(pair).toEqual({ I: 'หนู', you: 'ลุง' });
  });

  it('puts さん on an older listener’s name in Japanese and drops あなた', async () => {
    // Prepare
    const mina = person('mina', 'ミナ', '女性、22歳', 'female');
    const kenji = person('kenji', 'ケンジ', '男性、50歳', 'male');

    // Act
    const said = await linesTo('ja-JP', mina, kenji);

    // Assess
    expect(said.filter((line) => line.includes('あなた') || /ケンジ(?!さん)/u.test(line))).toEqual([]);
    expect(said).toContainEqual(expect.stringContaining('ケンジさん'));
  });

  it('gives a Korean elder a title and polite endings, and never 너', async () => {
    // Prepare
    const jisu = person('jisu', '지수', '여자, 23살', 'female');
    const minho = person('minho', '민호', '남자, 56살', 'male');
    const junho = person('junho', '준호', '남자, 29살', 'male');

    // Act
    const toElder = await linesTo('ko-KR', jisu, minho);
    const toOlderBrother = await linesTo('ko-KR', jisu, junho);

    // Assess
    expect(toElder.filter((line) => /너(?!무)|네가|민호|(^|\s)나(\s|$)/u.test(line))).toEqual([]);
    expect(toElder.filter((line) => /(요|니다|세요)[.?!…]*$/u.test(line)).length).toBeGreaterThan(toElder.length / 2);
    expect(toOlderBrother.filter((line) => /준호(?! 오빠)/u.test(line))).toEqual([]);
  });
});
