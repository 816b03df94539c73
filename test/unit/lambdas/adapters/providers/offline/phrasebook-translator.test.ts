import { describe, expect, it } from 'vitest';
import { PhrasebookTranslator } from '../../../../../../lambdas/adapters/providers/offline/phrasebook-translator.js';
import type { CharacterBrief, LineTranslationRequest } from '../../../../../../lambdas/core/contracts/ports.js';
import { isWrittenIn } from '../../../../../support/written-in.js';

const translator = new PhrasebookTranslator();

const lan: CharacterBrief = { id: 'lan', name: 'Lan', description: '25, red áo dài', voice: { gender: 'female' } };
const minh: CharacterBrief = {
  id: 'minh',
  name: 'Minh',
  description: '27, with a motorbike',
  voice: { gender: 'male' },
};

function request(to: string, overrides: Partial<LineTranslationRequest> = {}): LineTranslationRequest {
  return {
    from: 'vi-VN',
    to,
    scene: {
      episodeId: 'ep01',
      sceneId: 's01',
      index: 0,
      location: 'Ga Hà Nội',
      outline: 'Lan steps off the train.',
      mood: 'tender',
      characters: [lan, minh],
    },
    speaker: minh,
    sceneLines: [
      { character: 'lan', line: 'Minh ơi, em về rồi đây!' },
      { character: 'minh', line: 'Anh chờ em cả buổi chiều rồi đó.' },
    ],
    index: 1,
    budgetSeconds: 2.5,
    seed: 1,
    ...overrides,
  };
}

const base = request('th-TH');

const spokenSeconds = (line: string, charactersPerSecond: number) => Array.from(line).length / charactersPerSecond;

describe('the offline stand-in for a translator', () => {
  it.each(['th-TH', 'ko-KR', 'ja-JP', 'en-US'])('answers in %s, the same line for the same request', async (to) => {
    // Act
    const first = await translator.translateLine(request(to));
    const again = await translator.translateLine(request(to));

    // Assess
    expect(isWrittenIn(to, first.result.line, ['Lan', 'Minh'])).toBe(true);
    expect(again.result.line).toBe(first.result.line);
    expect(first.usage.outputTokens).toBeGreaterThan(0);
  });

  it('chooses a longer line for a longer budget', async () => {
    // Act
    const short = await translator.translateLine(request('ko-KR', { budgetSeconds: 1 }));
    const long = await translator.translateLine(request('ko-KR', { budgetSeconds: 6 }));

    // Assess
    expect(Array.from(long.result.line).length).toBeGreaterThan(Array.from(short.result.line).length);
  });

  it('records a line it had to cut because no phrasebook line fits the budget, and none for a line that fits', async () => {
    // Act
    const cut = await translator.translateLine(request('th-TH', { budgetSeconds: 0.3 }));
    const fitting = await translator.translateLine(request('th-TH', { budgetSeconds: 6 }));

    // Assess
    expect(cut.result.repairs).toEqual([
      {
        path: 'line',
        repaired: 'no phrasebook line fits 0.3 s: the shortest cut after its last word that fits',
        by: 'pipeline',
      },
    ]);
    expect(fitting.result.repairs).toBeUndefined();
  });

  it('asked again because its line ran long, answers with a shorter one', async () => {
    // Prepare: the first answer was spoken at half the pace the stand-in assumed
    const first = (await translator.translateLine(request('th-TH', { budgetSeconds: 3 }))).result.line;

    // Act
    const second = (
      await translator.translateLine(
        request('th-TH', { budgetSeconds: 3, tooLong: { line: first, seconds: spokenSeconds(first, 11) * 2 } }),
      )
    ).result.line;

    // Assess
    expect(Array.from(second).length).toBeLessThan(Array.from(first).length);
  });

  it.each(['th-TH', 'ko-KR'])(
    "gives a title in %s of about the master title's spoken length, the same each time",
    async (to) => {
      // Prepare
      const request = { from: 'vi-VN', to, title: 'Về nhà ăn Tết', scene: { ...base.scene, mood: 'tender' }, seed: 1 };

      // Act
      const [title, again] = [await translator.translateTitle(request), await translator.translateTitle(request)];

      // Assess
      expect(isWrittenIn(to, title.result.line, ['Lan', 'Minh'])).toBe(true);
      expect(title.result.line.length).toBeGreaterThan(0);
      expect(Array.from(title.result.line).length).toBeLessThanOrEqual(12);
      expect(again.result.line).toBe(title.result.line);
    },
  );
});
