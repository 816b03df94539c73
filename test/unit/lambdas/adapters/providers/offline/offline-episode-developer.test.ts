import { describe, expect, it } from 'vitest';
import {
  beatsFor,
  OfflineEpisodeDeveloper,
} from '../../../../../../lambdas/adapters/providers/offline/offline-episode-developer.js';
import type { EpisodeDevelopmentRequest } from '../../../../../../lambdas/core/contracts/ports.js';
import { describeProblems } from '../../../../../../lambdas/core/prompts/answer-repair.js';
import { checkDevelopedPart } from '../../../../../../lambdas/core/prompts/development-prompt.js';

function request(overrides: Partial<EpisodeDevelopmentRequest> = {}): EpisodeDevelopmentRequest {
  return {
    language: 'en-US',
    seed: 11,
    series: {
      title: 'The Night Ferry',
      locations: ['the ferry deck, night, rain', 'the harbour office, strip lights', 'the fish market at dawn'],
    },
    characters: [
      { id: 'mai', name: 'Mai', description: 'deckhand' },
      { id: 'theo', name: 'Theo', description: 'stowaway' },
      { id: 'quan', name: 'Mr Quan', description: 'harbourmaster' },
      { id: 'linh', name: 'Linh', description: 'a cousin who never appears in this episode' },
    ],
    episode: {
      id: 'ep01',
      title: 'Stowaway',
      synopsis:
        'Mai finds Theo hiding on the ferry deck. Theo carries her father’s compass. Mr Quan orders her to hand him over at the harbour office. Mai lies to Mr Quan, and Theo says her father did not drown by accident.',
      index: 0,
      episodeCount: 1,
      sceneCount: 4,
    },
    storySoFar: [],
    part: { index: 0, count: 1, sceneIds: ['s01', 's02', 's03', 's04'] },
    previousCards: [],
    ...overrides,
  };
}

describe('the offline episode developer', () => {
  it('plays the beats in order: setup first, cliffhanger last, complications before the turn', () => {
    // Act
    const four = beatsFor(4);
    const seven = beatsFor(7);

    // Assess
    expect(four).toEqual(['setup', 'complication', 'turn', 'cliffhanger']);
    expect(seven).toEqual(['setup', 'complication', 'complication', 'complication', 'turn', 'turn', 'cliffhanger']);
  });

  it("tells the synopsis in order, in the bible's places, with the characters each part of it names", async () => {
    // Act
    const { result } = await new OfflineEpisodeDeveloper().developPart(request());

    // Assess
    expect(checkDevelopedPart(request(), result)).toEqual({ ok: true, value: result, repairs: [] });
    expect(result.scenes[0]!.outline).toContain('Mai finds Theo hiding on the ferry deck.');
    expect(result.scenes[0]!.location).toBe('the ferry deck, night, rain');
    expect(result.scenes[2]!.location).toBe('the harbour office, strip lights');
    expect(result.scenes[2]!.characters).toContain('quan');
    expect(result.scenes.at(-1)!.camera).toMatch(/close-up|zoom/);
    expect(result.scenes.flatMap((scene) => scene.characters)).not.toContain('linh');
    for (const scene of result.scenes)
      expect(scene.dialogue.filter((line) => !scene.characters.includes(line.character))).toEqual([]);
  });

  it('never gives lines to a character that does not speak, and the check refuses a draft that does', async () => {
    // Prepare
    const withCat = request({
      characters: [
        { id: 'mai', name: 'Mai', description: 'deckhand' },
        { id: 'miu', name: 'Miu', description: 'a grey tabby cat', speaks: false },
      ],
      episode: {
        ...request().episode,
        synopsis: 'Mai finds Miu hiding on the ferry deck. Miu follows Mai to the harbour office.',
      },
    });

    // Act
    const { result } = await new OfflineEpisodeDeveloper().developPart(withCat);
    const catTalks = {
      ...result,
      scenes: result.scenes.map((scene, index) =>
        index === 0
          ? {
              ...scene,
              characters: [...new Set([...scene.characters, 'miu'])],
              dialogue: [{ character: 'miu', line: 'Meow.' }],
            }
          : scene,
      ),
    };

    // Assess
    expect(result.scenes.flatMap((scene) => scene.characters)).toContain('miu');
    expect(result.scenes.flatMap((scene) => scene.dialogue).map((line) => line.character)).not.toContain('miu');
    const checked = checkDevelopedPart(withCat, catTalks);
    expect(checked.ok ? '' : describeProblems(checked.problems)).toContain('"miu" does not speak');
  });

  it('gives the same cards for the same seed and other cards for another', async () => {
    // Act
    const first = await new OfflineEpisodeDeveloper().developPart(request());
    const again = await new OfflineEpisodeDeveloper().developPart(request());
    const otherSeed = await new OfflineEpisodeDeveloper().developPart(request({ seed: 12 }));

    // Assess
    expect(again.result).toEqual(first.result);
    expect(otherSeed.result).not.toEqual(first.result);
  });

  it("writes outlines and dialogue in the manifest's language", async () => {
    // Prepare
    const vietnamese = request({
      language: 'vi-VN',
      series: { title: 'Chuyến phà đêm', locations: ['bến phà, đêm mưa'] },
      characters: [
        { id: 'lan', name: 'Lan', description: 'cô gái 25 tuổi', voice: { gender: 'female' } },
        { id: 'minh', name: 'Minh', description: 'chàng trai 27 tuổi', voice: { gender: 'male' } },
      ],
      episode: {
        id: 'ep01',
        title: 'Người lạ',
        synopsis: 'Lan gặp Minh ở bến phà. Minh giấu một bí mật. Lan phát hiện ra sự thật. Minh biến mất.',
        index: 0,
        episodeCount: 1,
        sceneCount: 4,
      },
    });

    // Act
    const { result } = await new OfflineEpisodeDeveloper().developPart(vietnamese);

    // Assess
    expect(checkDevelopedPart(vietnamese, result)).toEqual({ ok: true, value: result, repairs: [] });
    expect(result.scenes[0]!.outline).toContain('Mở đầu');
    expect(result.scenes[3]!.outline).toContain('Kết treo');
    expect(
      result.scenes
        .flatMap((scene) => scene.dialogue)
        .map((line) => line.line)
        .join('\n'),
    ).toMatch(/[ăâđêôơư]/i);
  });

  it("continues a later part from the previous part's last place", async () => {
    // Prepare
    const long = request({
      episode: { ...request().episode, sceneCount: 8 },
      part: { index: 1, count: 2, sceneIds: ['s07', 's08'] },
    });
    const previous = await new OfflineEpisodeDeveloper().developPart({
      ...long,
      part: { index: 0, count: 2, sceneIds: ['s01', 's02', 's03', 's04', 's05', 's06'] },
    });

    // Act
    const { result } = await new OfflineEpisodeDeveloper().developPart({
      ...long,
      previousCards: previous.result.scenes,
    });

    // Assess
    expect(result.scenes.map((scene) => scene.id)).toEqual(['s07', 's08']);
    expect(checkDevelopedPart({ ...long, previousCards: previous.result.scenes }, result)).toEqual({
      ok: true,
      value: result,
      repairs: [],
    });
    expect(result.scenes.at(-1)!.outline).toContain('Theo says her father did not drown by accident.');
  });

  it.each([
    ['th-TH', 'เปิดเรื่อง', 'ทิ้งท้ายให้ลุ้น'],
    ['id-ID', 'Pembuka', 'Akhir menggantung'],
    ['ms-MY', 'Permulaan', 'Penamat tergantung'],
    ['fil-PH', 'Simula', 'Bitin na wakas'],
    ['zh-TW', '開場', '懸念'],
    ['ja-JP', '導入', '引き'],
    ['ko-KR', '도입', '엔딩'],
  ])('tells the beats of a %s synopsis in that language', async (language, setup, cliffhanger) => {
    // Prepare
    const asked = request({ language });

    // Act
    const { result } = await new OfflineEpisodeDeveloper().developPart(asked);

    // Assess
    expect(checkDevelopedPart(asked, result)).toEqual({ ok: true, value: result, repairs: [] });
    expect(result.scenes[0]!.outline.startsWith(`${setup}: `)).toBe(true);
    expect(result.scenes[3]!.outline.startsWith(`${cliffhanger}: `)).toBe(true);
    expect(result.scenes.map((scene) => scene.outline).join(' ')).not.toMatch(
      /We meet|the answer held back|walks in before/,
    );
  });

  it.each([
    {
      language: 'id-ID',
      locations: [
        'warung kopi, sore hari, lampu gantung kuning',
        'dapur rumah Sari, malam',
        'dermaga kapal feri, pagi',
      ],
      synopsis:
        'Sari membuka warungnya sebelum subuh dan Pak Bima datang pertama. Di dapur, Sari menemukan surat lama. Pak Bima menunggu Sari di atas kapal. Sari berlari kembali ke warung.',
      expected: [
        'warung kopi, sore hari, lampu gantung kuning',
        'dapur rumah Sari, malam',
        'dermaga kapal feri, pagi',
        'warung kopi, sore hari, lampu gantung kuning',
      ],
    },
    {
      language: 'vi-VN',
      locations: ['quán cóc đầu ngõ, buổi trưa', 'bếp nhà Sari, tối', 'trên phà qua sông Hồng'],
      synopsis: 'Sari ngồi ở quán nước chờ Pak Bima. Pak Bima nấu cơm trong bếp. Sari lên phà đi Hà Nội.',
      expected: ['quán cóc đầu ngõ, buổi trưa', 'bếp nhà Sari, tối', 'trên phà qua sông Hồng'],
    },
    {
      language: 'zh-CN',
      locations: ['路边摊，夜晚，灯笼', '老家的厨房，傍晚', '渡轮甲板，清晨'],
      synopsis: 'Sari在小吃摊前等Pak Bima。Pak Bima在厨房里做饭。Sari登上渡船离开。',
      expected: ['路边摊，夜晚，灯笼', '老家的厨房，傍晚', '渡轮甲板，清晨'],
    },
  ])(
    'sets each $language scene in the bible location of the class of place its part of the synopsis names',
    async ({ language, locations, synopsis, expected }) => {
      // Prepare
      const asked = request({
        language,
        series: { title: 'Warung', locations },
        characters: [
          { id: 'sari', name: 'Sari', description: 'perempuan 24 tahun' },
          { id: 'bima', name: 'Pak Bima', description: 'pria 55 tahun' },
        ],
        episode: { id: 'ep01', title: 'Warung', synopsis, index: 0, episodeCount: 1, sceneCount: expected.length },
        part: { index: 0, count: 1, sceneIds: expected.map((_, i) => `s0${i + 1}`) },
      });

      // Act
      const { result } = await new OfflineEpisodeDeveloper().developPart(asked);

      // Assess
      expect(result.scenes.map((scene) => scene.location)).toEqual(expected);
    },
  );
});
