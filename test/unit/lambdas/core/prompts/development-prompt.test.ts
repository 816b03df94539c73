import { describe, expect, it } from 'vitest';
import { ProviderOutputInvalid } from '../../../../../lambdas/core/contracts/errors.js';
import type { EpisodeDevelopmentRequest, SceneCard } from '../../../../../lambdas/core/contracts/ports.js';
import type { ChatAnswer, ChatMessage } from '../../../../../lambdas/core/prompts/answer-repair.js';
import { describeProblems } from '../../../../../lambdas/core/prompts/answer-repair.js';
import {
  checkDevelopedPart,
  developmentJsonSchema,
  developmentMessages,
  developmentParts,
  developPartWithRepair,
} from '../../../../../lambdas/core/prompts/development-prompt.js';

function request(overrides: Partial<EpisodeDevelopmentRequest> = {}): EpisodeDevelopmentRequest {
  return {
    language: 'en-US',
    seed: 7,
    series: { title: 'The Night Ferry', logline: 'A deckhand and a stowaway.', locations: ['the ferry deck'] },
    characters: [
      { id: 'mai', name: 'Mai', description: 'deckhand' },
      { id: 'theo', name: 'Theo', description: 'stowaway' },
    ],
    episode: {
      id: 'ep02',
      title: 'The Compass',
      synopsis: 'Mai demands the truth.',
      index: 1,
      episodeCount: 3,
      sceneCount: 2,
    },
    storySoFar: [{ episodeId: 'ep01', title: 'Stowaway', summary: 'Mai hid Theo from the harbourmaster.' }],
    part: { index: 0, count: 1, sceneIds: ['s01', 's02'] },
    previousCards: [],
    ...overrides,
  };
}

const card = (id: string, characters = ['mai', 'theo']): SceneCard => ({
  id,
  location: 'the ferry deck',
  characters,
  outline: 'Mai confronts Theo.',
  mood: 'tense',
  camera: 'close-up',
  dialogue: [{ character: characters[0]!, line: 'Tell me.' }],
});

/** The problems left once the pipeline mended what it could, as `path: reason`. */
const problemsOf = (asked: EpisodeDevelopmentRequest, part: unknown) => {
  const checked = checkDevelopedPart(asked, part);
  return checked.ok ? [] : describeProblems(checked.problems).split('; ');
};

const answer = (text: string): ChatAnswer => ({ text, usage: { inputTokens: 100, outputTokens: 50 }, filtered: false });

describe('the development prompt and its checks', () => {
  it('splits a long episode into parts of six scene ids', () => {
    // Act
    const parts = developmentParts(14);

    // Assess
    expect(parts.map((part) => part.length)).toEqual([6, 6, 2]);
    expect(parts[2]).toEqual(['s13', 's14']);
  });

  it('tells the model the bible, the story so far, the previous part and the ids to write', () => {
    // Prepare
    const second = request({ part: { index: 1, count: 2, sceneIds: ['s07'] }, previousCards: [card('s06')] });

    // Act
    const user = developmentMessages(second, false)[1]!.content;

    // Assess
    expect(user).toContain('Logline: A deckhand and a stowaway.');
    expect(user).toContain('ep01 "Stowaway": Mai hid Theo from the harbourmaster.');
    expect(user).toContain('part 2 of 2');
    expect(user).toContain('"id":"s06"');
    expect(user).toContain('Write the scenes s07.');
  });

  it('names a character the bible lacks, in the cast and among the speakers', () => {
    // Prepare
    const invented = {
      scenes: [
        card('s01', ['mai', 'ghost']),
        { ...card('s02', ['mai']), dialogue: [{ character: 'nobody', line: 'Hi.' }] },
      ],
      summary: 'So far.',
    };

    // Act
    const problems = problemsOf(request(), invented);

    // Assess
    expect(problems).toEqual([
      'scenes.0.characters.1: "ghost" is not a character of the bible (mai, theo)',
      'scenes.1.dialogue.0.character: "nobody" is not a character of the bible (mai, theo)',
    ]);
  });

  it('holds the answer to the scene count it was given', () => {
    // Act
    const short = problemsOf(request(), { scenes: [card('s01')], summary: 'So far.' });

    // Assess
    expect(short).toEqual(['scenes: exactly 2 scenes: s01, s02']);
  });

  it("gives structured output a JSON schema whose cast is the bible's ids", () => {
    // Act
    const schema = developmentJsonSchema(request()) as {
      properties: { scenes: { items: { properties: { characters: { items: { enum: string[] } } } } } };
    };

    // Assess
    expect(schema.properties.scenes.items.properties.characters.items.enum).toEqual(['mai', 'theo']);
    expect(schema).not.toHaveProperty('$schema');
  });

  it('repairs an invalid answer with a prompt naming the problem, and counts the repaired call', async () => {
    // Prepare
    const sent: ChatMessage[][] = [];
    const answers = [
      answer(JSON.stringify({ scenes: [card('s01', ['ghost']), card('s02')], summary: 'x' })),
      answer(JSON.stringify({ scenes: [card('s01'), card('s02')], summary: 'Mai learns the truth.' })),
    ];
    const complete = async (messages: ChatMessage[]) => {
      sent.push([...messages]);
      return answers.shift()!;
    };

    // Act
    const metered = await developPartWithRepair(request(), { provider: 'p', model: 'm' }, false, complete);

    // Assess
    expect(metered.result.summary).toBe('Mai learns the truth.');
    expect(metered.earlierCharges).toHaveLength(1);
    expect(sent[1]!.at(-1)!.content).toContain('"ghost" is not a character of the bible');
  });

  it('fails with ProviderOutputInvalid carrying both billed calls when the repair is invalid too', async () => {
    // Prepare
    const complete = async () => answer('{"scenes": []}');

    // Act
    const failure = await developPartWithRepair(request(), { provider: 'p', model: 'm' }, false, complete).catch(
      (error: unknown) => error,
    );

    // Assess
    expect(failure).toBeInstanceOf(ProviderOutputInvalid);
    expect((failure as ProviderOutputInvalid).charges).toHaveLength(2);
  });
});
