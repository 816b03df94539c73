import { describe, expect, it } from 'vitest';
import {
  moodOf,
  OfflineScriptWriter,
  PHRASEBOOK_BY_LANGUAGE,
  phrasebookFor,
} from '../../../../../../lambdas/adapters/providers/offline/offline-script-writer.js';
import { enUS } from '../../../../../../lambdas/adapters/providers/offline/phrasebook/en-US.js';
import { MOODS } from '../../../../../../lambdas/adapters/providers/offline/phrasebook/phrasebook.js';
import { viVN } from '../../../../../../lambdas/adapters/providers/offline/phrasebook/vi-VN.js';
import { zhCN } from '../../../../../../lambdas/adapters/providers/offline/phrasebook/zh-CN.js';
import { zhTW } from '../../../../../../lambdas/adapters/providers/offline/phrasebook/zh-TW.js';
import { ProviderNotConfigured } from '../../../../../../lambdas/core/contracts/errors.js';
import type { CharacterBrief, SceneScriptRequest } from '../../../../../../lambdas/core/contracts/ports.js';
import { LANGUAGES, languagesSupportedBy } from '../../../../../../lambdas/core/text/languages.js';
import { isWrittenIn, usesVocabularyOf, WRITTEN_IN_LANGUAGES } from '../../../../../support/written-in.js';

const writer = new OfflineScriptWriter();

const lan: CharacterBrief = {
  id: 'lan',
  name: 'Lan',
  description: '25, long black hair, red áo dài',
  voice: { gender: 'female' },
};
const minh: CharacterBrief = {
  id: 'minh',
  name: 'Minh',
  description: '27, waits with a motorbike',
  voice: { gender: 'male' },
};
const tu: CharacterBrief = { id: 'ba-tu', name: 'Bà Tư', description: 'the grandmother', voice: { gender: 'female' } };
const hai: CharacterBrief = { id: 'hai', name: 'Hải', description: 'a cousin' };

function request(
  overrides: Partial<SceneScriptRequest['scene']> = {},
  language = 'vi-VN',
  seed = 7,
): SceneScriptRequest {
  return {
    language,
    title: 'Về nhà ăn Tết',
    seed,
    scene: {
      episodeId: 'ep01',
      sceneId: 's01',
      index: 0,
      location: 'Ga Hà Nội, đêm mưa phùn',
      outline: 'Lan steps off the last train of the year; Minh waits with a motorbike.',
      mood: 'tender',
      characters: [lan, minh],
      ...overrides,
    },
  };
}

async function lines(req: SceneScriptRequest) {
  return (await writer.writeScene(req)).result.lines;
}

describe('OfflineScriptWriter', () => {
  it('writes the same lines for the same request', async () => {
    // Act
    const first = await writer.writeScene(request());
    const again = await writer.writeScene(request());

    // Assess
    expect(first).toEqual(again);
  });

  it('usually writes different lines for different seeds and different scenes', async () => {
    // Act
    const bySeed = new Set<string>();
    const byScene = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      bySeed.add(JSON.stringify(await lines(request({ mood: 'tense' }, 'vi-VN', seed))));
      byScene.add(JSON.stringify(await lines(request({ mood: 'tense', sceneId: `s${seed}` }))));
    }

    // Assess
    expect(bySeed.size).toBeGreaterThanOrEqual(15);
    expect(byScene.size).toBeGreaterThanOrEqual(15);
  });

  it('writes nothing for a scene without characters', async () => {
    // Act
    const { result, usage } = await writer.writeScene(request({ characters: [] }));

    // Assess
    expect(result.lines).toEqual([]);
    expect(usage.outputTokens).toBe(0);
  });

  it('gives a lone character a monologue of one or two lines', async () => {
    // Act
    const monologues = [];
    for (let seed = 1; seed <= 20; seed++)
      monologues.push(await lines(request({ characters: [lan], mood: 'sad' }, 'vi-VN', seed)));

    // Assess
    for (const monologue of monologues) {
      expect(monologue.length).toBeGreaterThanOrEqual(1);
      expect(monologue.length).toBeLessThanOrEqual(2);
      expect(new Set(monologue.map((line) => line.line)).size).toBe(monologue.length);
      for (const line of monologue) expect(line.character).toBe('lan');
    }
  });

  it.each([
    [[lan, minh]],
    [[lan, minh, tu]],
    [
      [
        lan,
        minh,
        tu,
        hai,
        { ...hai, id: 'hai-2', name: 'Hà' },
        { ...lan, id: 'lan-2', name: 'Liên' },
        { ...minh, id: 'minh-2', name: 'Mạnh' },
      ],
    ],
  ])('lets only the scene cast speak, in turns, 2 to 6 lines (%#)', async (cast) => {
    // Prepare
    const castIds = new Set(cast.map((character) => character.id));

    // Act
    const scenes = [];
    for (let seed = 1; seed <= 30; seed++) scenes.push(await lines(request({ characters: cast }, 'vi-VN', seed)));

    // Assess
    for (const scene of scenes) {
      expect(scene.length).toBeGreaterThanOrEqual(Math.min(6, Math.max(2, cast.length)));
      expect(scene.length).toBeLessThanOrEqual(6);
      for (const [i, line] of scene.entries()) {
        expect(castIds.has(line.character)).toBe(true);
        if (i > 0) expect(line.character).not.toBe(scene[i - 1]!.character);
      }
      if (cast.length <= 6) expect(new Set(scene.map((line) => line.character)).size).toBe(cast.length);
    }
  });

  it('opens by addressing another character in the scene by name', async () => {
    // Prepare
    const cast = [lan, minh, tu];

    // Act
    const openings = [];
    for (let seed = 1; seed <= 20; seed++)
      openings.push((await lines(request({ characters: cast }, 'zh-CN', seed)))[0]);

    // Assess
    for (const opening of openings) {
      const others = cast.filter((character) => character.id !== opening!.character);
      expect(
        others.filter((character) => opening!.line.includes(character.name)),
        `"${opening!.line}" names none of ${others.map((character) => character.name).join(', ')}`,
      ).not.toEqual([]);
    }
  });

  it.each(WRITTEN_IN_LANGUAGES)('writes %s lines in that language and its script, for every mood', async (language) => {
    // Act
    const written: { mood: string; line: string }[] = [];
    for (const mood of [...MOODS, 'something else']) {
      for (let seed = 1; seed <= 12; seed++) {
        for (const cast of [[lan, minh], [minh]]) {
          for (const { line } of await lines(
            request({ mood, characters: cast, location: 'Hanoi railway station, night' }, language, seed),
          )) {
            written.push({ mood, line });
          }
        }
      }
    }

    // Assess
    for (const { mood, line } of written) {
      expect(isWrittenIn(language, line, [lan.name, minh.name]), `${language} ${mood}: ${line}`).toBe(true);
      expect(line).not.toMatch(/[{}]/);
    }
    expect(
      usesVocabularyOf(
        language,
        written.map(({ line }) => line),
      ),
    ).toBe(true);
  });

  it('refuses a language it has no phrasebook for rather than writing another language', async () => {
    // Act
    const write = () => writer.writeScene(request({}, 'fr-FR'));

    // Assess
    await expect(write()).rejects.toThrow(ProviderNotConfigured);
  });

  it('names the location only when it reads well in the language', async () => {
    // Prepare
    const spoken = async (location: string, language: string, place: string) => {
      let count = 0;
      for (let seed = 1; seed <= 40; seed++) {
        for (const { line } of await lines(request({ location, mood: 'default' }, language, seed)))
          if (line.includes(place)) count++;
      }
      return count;
    };

    // Act
    const vietnameseInVietnamese = await spoken('Ga Hà Nội, đêm mưa phùn', 'vi-VN', 'Ga Hà Nội');
    const englishInVietnamese = await spoken('Hanoi railway station, night', 'vi-VN', 'Hanoi');
    const chineseInChinese = await spoken('北京西站，深夜', 'zh-CN', '北京西站');
    const englishInEnglish = await spoken('Hanoi railway station, night', 'en-US', 'Hanoi railway station');
    const vietnameseInEnglish = await spoken('Ga Hà Nội, đêm mưa phùn', 'en-US', 'Ga Hà Nội');

    // Assess
    expect(vietnameseInVietnamese).toBeGreaterThan(0);
    expect(englishInVietnamese).toBe(0);
    expect(chineseInChinese).toBeGreaterThan(0);
    expect(englishInEnglish).toBeGreaterThan(0);
    expect(vietnameseInEnglish).toBe(0);
  });

  it('counts its usage and names itself', async () => {
    // Act
    const { usage, provider, model } = await writer.writeScene(request());

    // Assess
    expect(usage.inputTokens).toBeGreaterThan(10);
    expect(usage.outputTokens).toBeGreaterThan(0);
    expect(provider).toBe('offline');
    expect(model).toBe('phrasebook-v1');
  });
});

describe('moodOf', () => {
  it.each([
    [{ mood: 'tender', outline: '' }, 'tender'],
    [{ mood: 'Romantic reunion', outline: '' }, 'tender'],
    [{ mood: 'căng thẳng', outline: '' }, 'tense'],
    [{ mood: '悲伤', outline: '' }, 'sad'],
    [{ mood: 'furious', outline: '' }, 'angry'],
    [{ mood: 'comic', outline: '' }, 'comic'],
    [{ mood: 'joyful', outline: '' }, 'joyful'],
    [{ outline: 'The brothers argue over the inheritance.' }, 'angry'],
    [{ outline: 'A swarm of bees fills the room.' }, 'default'],
    [{ mood: 'wistful', outline: 'They walk.' }, 'default'],
  ])('reads %j as %s', (scene, expected) => {
    // Act
    const mood = moodOf(scene);

    // Assess
    expect(mood).toBe(expected);
  });
});

describe('phrasebooks', () => {
  it.each([
    ['vi-VN', viVN],
    ['vi', viVN],
    ['zh-CN', zhCN],
    ['zh-TW', zhTW],
    ['zh-Hant', zhTW],
    ['en-US', enUS],
  ])('serves %j from the right phrasebook', (language, phrasebook) => {
    // Act
    const served = phrasebookFor(language);

    // Assess
    expect(served).toBe(phrasebook);
  });

  it('has a phrasebook for every language the offline profile supports', () => {
    // Act
    const missing = languagesSupportedBy('offline').filter((tag) => !PHRASEBOOK_BY_LANGUAGE[tag]);

    // Assess
    expect(missing).toEqual([]);
    expect(LANGUAGES.map((language) => language.tag).filter((tag) => tag !== 'en-GB')).toEqual(
      expect.arrayContaining(WRITTEN_IN_LANGUAGES),
    );
  });

  it.each(Object.entries(PHRASEBOOK_BY_LANGUAGE))(
    '%s has enough lines in every mood to write any scene without a place',
    (_, phrasebook) => {
      // Prepare
      const withoutPlace = (templates: readonly string[]) =>
        templates.filter((template) => !template.includes('{place}'));

      // Act
      const moods = MOODS.map((mood) => phrasebook.moods[mood]);

      // Assess
      for (const lines of moods) {
        expect(withoutPlace(lines.openers).length).toBeGreaterThanOrEqual(1);
        expect(new Set(withoutPlace(lines.replies)).size).toBeGreaterThanOrEqual(4);
        expect(withoutPlace(lines.closers).length).toBeGreaterThanOrEqual(1);
        expect(new Set(withoutPlace(lines.monologue)).size).toBeGreaterThanOrEqual(2);
        for (const opener of lines.openers) expect(opener).toContain('{listener}');
        for (const line of lines.monologue) expect(line).not.toMatch(/\{(listener|I|you)\}/);
        for (const line of Object.values(lines).flat())
          expect(line.replace(/\{(listener|place|I|you)\}/g, '')).not.toMatch(/[{}]/);
      }
    },
  );

  it('gives Vietnamese speakers the pronouns of their relationship', () => {
    // Prepare
    const pronouns = viVN.pronouns!;

    // Act
    const minhToLan = pronouns(minh, lan);
    const lanToMinh = pronouns(lan, minh);
    const lanToHai = pronouns(lan, hai);
    const lanToTu = pronouns(lan, tu);
    const tuToMinh = pronouns(tu, minh);
    const chiHaiToLan = pronouns({ ...hai, name: 'Chị Hai' }, lan);

    // Assess
    expect(minhToLan).toEqual({ I: 'anh', you: 'em' });
    expect(lanToMinh).toEqual({ I: 'em', you: 'anh' });
    expect(lanToHai).toEqual({ I: 'mình', you: 'cậu' });
    expect(lanToTu).toEqual({ I: 'con', you: 'bà' });
    expect(tuToMinh).toEqual({ I: 'bà', you: 'con' });
    expect(chiHaiToLan).toEqual({ I: 'chị', you: 'em' });
  });
});
