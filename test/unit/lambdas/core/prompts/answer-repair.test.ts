import { describe, expect, it } from 'vitest';
import { ProviderOutputInvalid } from '../../../../../lambdas/core/contracts/errors.js';
import type {
  EpisodeDevelopmentRequest,
  SceneCard,
  SceneScriptRequest,
} from '../../../../../lambdas/core/contracts/ports.js';
import { MANIFEST_LIMITS } from '../../../../../lambdas/core/manifest/limits.js';
import {
  type ChatAnswer,
  type ChatMessage,
  splitAtSentences,
} from '../../../../../lambdas/core/prompts/answer-repair.js';
import {
  CARD_DEFAULTS,
  checkDevelopedPart,
  developPartWithRepair,
} from '../../../../../lambdas/core/prompts/development-prompt.js';
import { checkScript, writeSceneWithRepair } from '../../../../../lambdas/core/prompts/script-prompt.js';

function request(): EpisodeDevelopmentRequest {
  return {
    language: 'en-US',
    seed: 7,
    series: { title: 'The Night Ferry', locations: ['the ferry deck'] },
    characters: [
      { id: 'mai', name: 'Mai', description: 'deckhand' },
      { id: 'theo', name: 'Theo', description: 'stowaway' },
      { id: 'miu', name: 'Miu', description: 'a grey tabby cat', speaks: false },
    ],
    episode: { id: 'ep01', title: 'Stowaway', synopsis: 'Mai finds Theo.', index: 0, episodeCount: 1, sceneCount: 2 },
    storySoFar: [],
    part: { index: 0, count: 1, sceneIds: ['s01', 's02'] },
    previousCards: [],
  };
}

const card = (id: string, overrides: Partial<SceneCard> = {}): SceneCard => ({
  id,
  location: 'the ferry deck',
  characters: ['mai', 'theo'],
  outline: 'Mai confronts Theo.',
  mood: 'tense',
  camera: 'close-up',
  dialogue: [{ character: 'mai', line: 'Tell me.' }],
  ...overrides,
});

const answer = (value: unknown): ChatAnswer => ({
  text: typeof value === 'string' ? value : JSON.stringify(value),
  usage: { inputTokens: 100, outputTokens: 50 },
  filtered: false,
});

/** A model that gives these answers in turn, and the conversations it was sent. */
function model(...answers: ChatAnswer[]) {
  const sent: ChatMessage[][] = [];
  const complete = async (messages: ChatMessage[]) => {
    sent.push([...messages]);
    const next = answers.shift();
    if (!next) throw new Error('the model was asked more often than the test scripted');
    return next;
  };
  return { sent, complete };
}

const serving = { provider: 'p', model: 'm' };
const longSentence = (words: number) => `Word ${Array.from({ length: words - 1 }, () => 'word').join(' ')}.`;

describe('what the pipeline decides in scene cards', () => {
  it('gives the scenes their ids by position', () => {
    // Act
    const checked = checkDevelopedPart(request(), { scenes: [card('scene-1'), card('scene-2')], summary: 'So far.' });

    // Assess
    expect(checked.ok && checked.value.scenes.map((scene) => scene.id)).toEqual(['s01', 's02']);
    expect(checked.ok && checked.repairs).toEqual([
      { path: 'scenes.0.id', repaired: '"scene-1" became "s01", the id of scene 1 of the part', by: 'pipeline' },
      { path: 'scenes.1.id', repaired: '"scene-2" became "s02", the id of scene 2 of the part', by: 'pipeline' },
    ]);
  });

  it("adds a bible character who speaks to the scene's cast, and names a character named twice once", () => {
    // Prepare
    const speakerMissing = card('s01', { characters: ['mai'], dialogue: [{ character: 'theo', line: 'Not here.' }] });
    const namedTwice = card('s02', { characters: ['mai', 'theo', 'mai'] });

    // Act
    const checked = checkDevelopedPart(request(), { scenes: [speakerMissing, namedTwice], summary: 'So far.' });

    // Assess
    expect(checked.ok && checked.value.scenes.map((scene) => scene.characters)).toEqual([
      ['mai', 'theo'],
      ['mai', 'theo'],
    ]);
    expect(checked.ok && checked.repairs.map((repair) => `${repair.path}: ${repair.repaired}`)).toEqual([
      'scenes.0.characters: "theo" speaks in the scene: added to its characters',
      'scenes.1.characters: a character named twice is named once',
    ]);
  });

  it('cuts a line over the limit between sentences into lines of the same speaker', () => {
    // Prepare
    const first = longSentence(60);
    const second = longSentence(50);
    const long = card('s01', {
      dialogue: [
        { character: 'theo', line: `${first} ${second}` },
        { character: 'mai', line: 'Go on.' },
      ],
    });

    // Act
    const checked = checkDevelopedPart(request(), { scenes: [long, card('s02')], summary: 'So far.' });

    // Assess
    expect(`${first} ${second}`.length).toBeGreaterThan(MANIFEST_LIMITS.lineCharacters);
    expect(checked.ok && checked.value.scenes[0]!.dialogue).toEqual([
      { character: 'theo', line: first },
      { character: 'theo', line: second },
      { character: 'mai', line: 'Go on.' },
    ]);
    expect(checked.ok && checked.repairs[0]!.path).toBe('scenes.0.dialogue.0');
  });

  it('fills a missing field with its documented default, and a missing summary from the outlines', () => {
    // Prepare
    const { mood: _mood, camera: _camera, dialogue: _dialogue, ...bare } = card('s01');

    // Act
    const checked = checkDevelopedPart(request(), { scenes: [bare, card('s02', { outline: 'Theo runs.' })] });

    // Assess
    expect(checked.ok && checked.value.scenes[0]).toMatchObject(CARD_DEFAULTS);
    expect(checked.ok && checked.value.summary).toBe('Mai confronts Theo. Theo runs.');
    expect(checked.ok && checked.repairs.map((repair) => repair.path)).toEqual([
      'scenes.0.mood',
      'scenes.0.camera',
      'scenes.0.dialogue',
      'summary',
    ]);
  });

  it('drops the text around the JSON, and records that it did', async () => {
    // Prepare
    const wrapped = `Here are your cards:\n\`\`\`json\n${JSON.stringify({ scenes: [card('s01'), card('s02')], summary: 'So far.' })}\n\`\`\`\nEnjoy!`;
    const { sent, complete } = model(answer(wrapped));

    // Act
    const metered = await developPartWithRepair(request(), serving, false, complete);

    // Assess
    expect(sent).toHaveLength(1);
    expect(metered.result.repairs).toEqual([
      {
        path: '(answer)',
        repaired: expect.stringMatching(/^dropped \d+ characters of text around the JSON object$/),
        by: 'pipeline',
      },
    ]);
  });

  it('gives a clean answer no repairs at all', async () => {
    // Prepare
    const { complete } = model(answer({ scenes: [card('s01'), card('s02')], summary: 'So far.' }));

    // Act
    const metered = await developPartWithRepair(request(), serving, false, complete);

    // Assess
    expect(metered.result).not.toHaveProperty('repairs');
  });
});

describe('what goes back to the model', () => {
  it('an invented character: a repair prompt names it, and the repair is recorded as the model’s', async () => {
    // Prepare
    const { sent, complete } = model(
      answer({ scenes: [card('s01', { characters: ['mai', 'ghost'] }), card('s02')], summary: 'So far.' }),
      answer({ scenes: [card('s01'), card('s02')], summary: 'So far.' }),
    );

    // Act
    const metered = await developPartWithRepair(request(), serving, false, complete);

    // Assess
    expect(sent[1]!.at(-1)!.content).toContain(
      'scenes.0.characters.1: "ghost" is not a character of the bible (mai, theo, miu)',
    );
    expect(metered.result.repairs).toEqual([
      {
        path: 'scenes.0.characters.1',
        repaired: '"ghost" is not a character of the bible (mai, theo, miu)',
        by: 'model',
      },
    ]);
    expect(metered.earlierCharges).toHaveLength(1);
  });

  it('a wrong number of scenes, still wrong after the repair prompt: ProviderOutputInvalid with both calls', async () => {
    // Prepare
    const { sent, complete } = model(
      answer({ scenes: [card('s01')], summary: 'So far.' }),
      answer({ scenes: [card('s01')], summary: 'So far.' }),
    );

    // Act
    const failure = await developPartWithRepair(request(), serving, false, complete).catch((error: unknown) => error);

    // Assess
    expect(sent[1]!.at(-1)!.content).toContain('scenes: exactly 2 scenes: s01, s02');
    expect(failure).toBeInstanceOf(ProviderOutputInvalid);
    expect((failure as ProviderOutputInvalid).message).toContain('exactly 2 scenes');
    expect((failure as ProviderOutputInvalid).charges).toHaveLength(2);
  });

  it('an unparseable answer', async () => {
    // Prepare
    const { sent, complete } = model(answer('{"scenes": [{"id": "s01",}'), answer('I cannot do that.'));

    // Act
    const failure = await developPartWithRepair(request(), serving, false, complete).catch((error: unknown) => error);

    // Assess
    expect(sent[1]!.at(-1)!.content).toMatch(/\(answer\): not parseable JSON/);
    expect((failure as ProviderOutputInvalid).message).toContain('(answer): no JSON object in the answer');
  });

  it('a character that does not speak given lines: not added to the cast, named', () => {
    // Act
    const checked = checkDevelopedPart(request(), {
      scenes: [card('s01', { dialogue: [{ character: 'miu', line: 'Meow.' }] }), card('s02')],
      summary: 'So far.',
    });

    // Assess
    expect(checked).toEqual({
      ok: false,
      problems: [{ path: 'scenes.0.dialogue.0.character', reason: '"miu" does not speak: give it no lines' }],
    });
  });

  it('a single sentence over the limit: where to cut it is the writer’s call', () => {
    // Act
    const checked = checkDevelopedPart(request(), {
      scenes: [card('s01', { dialogue: [{ character: 'mai', line: longSentence(120) }] }), card('s02')],
      summary: 'So far.',
    });

    // Assess
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.problems[0]!.path).toBe('scenes.0.dialogue.0.line');
  });
});

describe('scripts', () => {
  const scriptRequest: SceneScriptRequest = {
    language: 'zh-CN',
    title: 'T',
    seed: 1,
    scene: {
      episodeId: 'ep01',
      sceneId: 's01',
      index: 0,
      location: 'Kitchen',
      outline: 'Ana reads the letter.',
      characters: [
        { id: 'ana', name: 'Ana', description: 'red hair' },
        { id: 'ben', name: 'Ben', description: 'grey suit' },
      ],
    },
  };

  it('cuts a Chinese line over the limit at a sentence boundary, and records it with the text dropped around the JSON', async () => {
    // Prepare
    const first = `${'我'.repeat(300)}。`;
    const second = `${'你'.repeat(250)}！`;
    const { complete } = model(
      answer(`Sure! ${JSON.stringify({ lines: [{ character: 'ana', line: first + second }] })}`),
    );

    // Act
    const metered = await writeSceneWithRepair(scriptRequest, serving, false, complete);

    // Assess
    expect(metered.result.lines).toEqual([
      { character: 'ana', line: first },
      { character: 'ana', line: second },
    ]);
    expect(metered.result.repairs?.map((repair) => repair.path)).toEqual(['(answer)', 'lines.0']);
  });

  it("refuses a speaker outside the scene's cast: the script's cast is the manifest's", () => {
    // Act
    const checked = checkScript(scriptRequest, { lines: [{ character: 'zed', line: 'Who?' }] });

    // Assess
    expect(checked).toEqual({
      ok: false,
      problems: [{ path: 'lines.0.character', reason: 'character must be one of ana, ben' }],
    });
  });
});

describe('splitting at sentences', () => {
  it('packs sentences into as few lines as fit', () => {
    // Act
    const pieces = splitAtSentences('One. Two. Three.', 10);

    // Assess
    expect(pieces).toEqual(['One. Two.', 'Three.']);
  });
});
