import {
  BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
  type ConverseCommandOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ConverseScriptWriter } from '../../../../../../lambdas/adapters/providers/bedrock/converse-script-writer.js';
import {
  DEFAULT_GUARD_SETTINGS,
  ProviderGuard,
} from '../../../../../../lambdas/composition/resilience/provider-guard.js';
import type { EpisodeDevelopmentRequest, SceneCard } from '../../../../../../lambdas/core/contracts/ports.js';

const bedrock = new BedrockRuntimeClient({ region: 'us-east-1' });
const bedrockMock = mockClient(bedrock);
const guard = () =>
  new ProviderGuard(
    'bedrock',
    { take: async () => undefined },
    { ...DEFAULT_GUARD_SETTINGS, initialBackoffMs: 1, maxBackoffMs: 5 },
  );
const MODEL = 'us.amazon.nova-2-lite-v1:0';

afterEach(() => bedrockMock.reset());

/** A Converse answer to a forced tool, as the API reference shapes it: a toolUse block, stopReason tool_use. */
const toolAnswer = (name: string, input: unknown): ConverseCommandOutput => ({
  output: {
    message: {
      role: 'assistant',
      content: [{ toolUse: { toolUseId: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', name, input: input as never } }],
    },
  },
  stopReason: 'tool_use',
  usage: { inputTokens: 820, outputTokens: 140, totalTokens: 960 },
  metrics: { latencyMs: 900 },
  $metadata: {},
});

const sent = (call: number) => bedrockMock.commandCalls(ConverseCommand)[call]!.args[0].input as ConverseCommandInput;

const scene = {
  episodeId: 'ep01',
  sceneId: 's01',
  index: 0,
  location: 'Kitchen',
  outline: 'Ana hands Ben the letter.',
  characters: [
    { id: 'ana', name: 'Ana', description: 'red hair' },
    { id: 'ben', name: 'Ben', description: 'grey suit' },
  ],
};

const development: EpisodeDevelopmentRequest = {
  language: 'en-US',
  seed: 3,
  series: { title: 'The Night Ferry', locations: [] },
  characters: [
    { id: 'mai', name: 'Mai', description: 'deckhand' },
    { id: 'theo', name: 'Theo', description: 'stowaway' },
  ],
  episode: { id: 'ep01', title: 'Stowaway', synopsis: 'Mai finds Theo.', index: 0, episodeCount: 1, sceneCount: 2 },
  storySoFar: [],
  part: { index: 0, count: 1, sceneIds: ['s01', 's02'] },
  previousCards: [],
};

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

describe('bedrock structured output: Converse with a forced tool', () => {
  it("asks for a script through one forced tool whose input schema is the script's, and reads the answer from its toolUse input", async () => {
    // Prepare
    bedrockMock.on(ConverseCommand).resolves(
      toolAnswer('scene_script', {
        lines: [
          { character: 'ana', line: 'Read it.' },
          { character: 'ben', line: 'Later.' },
        ],
      }),
    );
    const writer = new ConverseScriptWriter(bedrock, guard(), MODEL);

    // Act
    const metered = await writer.writeScene({ language: 'en-US', title: 'T', seed: 1, scene });

    // Assess
    const { toolConfig } = sent(0);
    expect(toolConfig?.toolChoice).toEqual({ tool: { name: 'scene_script' } });
    expect(toolConfig?.tools).toHaveLength(1);
    const schema = toolConfig!.tools![0]!.toolSpec!.inputSchema!.json as {
      properties: { lines: { items: { properties: { character: { enum: string[] } } } } };
    };
    expect(toolConfig!.tools![0]!.toolSpec!.name).toBe('scene_script');
    expect(schema.properties.lines.items.properties.character.enum).toEqual(['ana', 'ben']);
    expect(schema).not.toHaveProperty('$schema');
    expect(metered.result.lines).toEqual([
      { character: 'ana', line: 'Read it.' },
      { character: 'ben', line: 'Later.' },
    ]);
    expect(metered.usage).toEqual({ inputTokens: 820, outputTokens: 140 });
  });

  it("develops scene cards through the forced tool, the cast an enum of the bible's ids, and mends the tool's input like any answer", async () => {
    // Prepare
    const input = {
      scenes: [card('1'), card('2', { characters: ['mai'], dialogue: [{ character: 'theo', line: 'Not here.' }] })],
      summary: 'Mai hides Theo.',
    };
    bedrockMock.on(ConverseCommand).resolves(toolAnswer('scene_cards', input));
    const writer = new ConverseScriptWriter(bedrock, guard(), MODEL);

    // Act
    const metered = await writer.developPart(development);

    // Assess
    const { toolConfig } = sent(0);
    expect(toolConfig?.toolChoice).toEqual({ tool: { name: 'scene_cards' } });
    const schema = toolConfig!.tools![0]!.toolSpec!.inputSchema!.json as {
      properties: { scenes: { items: { properties: { characters: { items: { enum: string[] } } } } } };
    };
    expect(schema.properties.scenes.items.properties.characters.items.enum).toEqual(['mai', 'theo']);
    expect(metered.result.scenes.map((scene) => [scene.id, scene.characters])).toEqual([
      ['s01', ['mai', 'theo']],
      ['s02', ['mai', 'theo']],
    ]);
    expect(metered.result.repairs?.filter((repair) => repair.by !== 'pipeline')).toEqual([]);
    expect(metered.result.repairs).toHaveLength(3);
  });

  it('sends a tool input that only the model can fix back with a repair prompt, the tool still forced', async () => {
    // Prepare
    bedrockMock
      .on(ConverseCommand)
      .resolvesOnce(toolAnswer('scene_script', { lines: [{ character: 'zed', line: 'Who?' }] }))
      .resolvesOnce(toolAnswer('scene_script', { lines: [{ character: 'ben', line: 'Me.' }] }));
    const writer = new ConverseScriptWriter(bedrock, guard(), MODEL);

    // Act
    const metered = await writer.writeScene({ language: 'en-US', title: 'T', seed: 1, scene });

    // Assess
    const repair = sent(1);
    expect(repair.toolConfig?.toolChoice).toEqual({ tool: { name: 'scene_script' } });
    expect(repair.messages!.at(-1)!.content![0]!.text).toContain(
      'lines.0.character: character must be one of ana, ben',
    );
    expect(metered.result.repairs).toEqual([
      { path: 'lines.0.character', repaired: 'character must be one of ana, ben', by: 'model' },
    ]);
    expect(metered.earlierCharges).toEqual([
      { provider: 'bedrock', model: MODEL, usage: { inputTokens: 820, outputTokens: 140 } },
    ]);
  });
});

describe('bedrock structured output: an episode listing', () => {
  it('asks for the listing through the episode_listing tool in the target language, and mends the hashtags it answers', async () => {
    // Prepare
    bedrockMock.on(ConverseCommand).resolves(
      toolAnswer('episode_listing', {
        description: 'A stowaway with a secret.',
        hashtags: ['mystery', '#night ferry'],
      }),
    );
    const writer = new ConverseScriptWriter(bedrock, guard(), MODEL);

    // Act
    const metered = await writer.writeListing({
      language: 'ko-KR',
      series: { title: 'The Night Ferry', logline: 'A deckhand finds a stowaway.', genre: 'mystery' },
      episode: {
        id: 'ep01',
        title: 'Stowaway',
        synopsis: 'Mai finds Theo.',
        scenes: [{ outline: 'Mai lifts the tarpaulin.' }],
      },
      seed: 3,
    });

    // Assess
    const { toolConfig, system, messages } = sent(0);
    expect(toolConfig?.toolChoice).toEqual({ tool: { name: 'episode_listing' } });
    expect(system?.map((block) => block.text).join('')).toContain('Write in the language ko-KR');
    const user = messages?.map((message) => message.content?.map((block) => block.text).join('')).join('\n');
    expect(user).toContain('Logline: A deckhand finds a stowaway.');
    expect(user).toContain('Synopsis: Mai finds Theo.');
    expect(metered.result.hashtags).toEqual(['#mystery', '#nightferry']);
    expect(metered.result.repairs?.map((repair) => repair.path)).toEqual(['hashtags.0', 'hashtags.1']);
    expect(metered).toMatchObject({
      provider: 'bedrock',
      model: MODEL,
      usage: { inputTokens: 820, outputTokens: 140 },
    });
  });

  it("translates a dub's line through the forced tool, with the speaker, the scene and the length budget, and asks once more for an empty line", async () => {
    // Prepare
    bedrockMock
      .on(ConverseCommand)
      .resolvesOnce(toolAnswer('dub_line', { line: '' }))
      .resolvesOnce(toolAnswer('dub_line', { line: '편지 읽어.' }));
    const writer = new ConverseScriptWriter(bedrock, guard(), MODEL);

    // Act
    const metered = await writer.translateLine({
      from: 'en-US',
      to: 'ko-KR',
      scene: { ...scene, mood: 'tense' },
      speaker: scene.characters[0]!,
      sceneLines: [
        { character: 'ana', line: 'Read it.' },
        { character: 'ben', line: 'Later.' },
      ],
      index: 0,
      budgetSeconds: 1.2,
      seed: 3,
    });

    // Assess
    const { toolConfig, system, messages } = sent(0);
    expect(toolConfig?.toolChoice).toEqual({ tool: { name: 'dub_line' } });
    const schema = toolConfig!.tools![0]!.toolSpec!.inputSchema!.json as { required: string[] };
    expect(schema.required).toEqual(['line']);
    expect(system?.map((block) => block.text).join('')).toContain('into Korean (ko-KR)');
    const user = messages?.map((message) => message.content?.map((block) => block.text).join('')).join('\n');
    expect(user).toContain('Speaker: Ana (red hair)');
    expect(user).toContain('Scene: Kitchen. Ana hands Ben the letter.');
    expect(user).toContain('at most 1.2 seconds');
    expect(user).toContain('>> Ana: Read it.');
    expect(bedrockMock.commandCalls(ConverseCommand), 'one repair prompt after the empty line').toHaveLength(2);
    expect(metered.result.line).toBe('편지 읽어.');
    expect(metered).toMatchObject({ provider: 'bedrock', model: MODEL, earlierCharges: [{ provider: 'bedrock' }] });
  });
});
