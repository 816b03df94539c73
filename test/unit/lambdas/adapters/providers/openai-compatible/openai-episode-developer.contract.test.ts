import { describe, expect, it } from 'vitest';
import { ChatEpisodeDeveloper } from '../../../../../../lambdas/adapters/providers/openai-compatible/chat-episode-developer.js';
import { OpenAiConnection } from '../../../../../../lambdas/adapters/providers/openai-compatible/connection.js';
import {
  DEFAULT_GUARD_SETTINGS,
  ProviderGuard,
} from '../../../../../../lambdas/composition/resilience/provider-guard.js';
import { RoutedEpisodeDeveloper } from '../../../../../../lambdas/composition/routing/routed-ports.js';
import { ProviderOutputInvalid } from '../../../../../../lambdas/core/contracts/errors.js';
import type { EpisodeDeveloper, EpisodeDevelopmentRequest } from '../../../../../../lambdas/core/contracts/ports.js';
import { FakeOpenAiServer, scripted } from '../../../../../support/fake-openai-server.js';

const CHAT = 'POST /v1/chat/completions';
const noRateLimit = { take: async () => undefined };
const quickGuard = () =>
  new ProviderGuard('openai-compatible', noRateLimit, {
    ...DEFAULT_GUARD_SETTINGS,
    initialBackoffMs: 5,
    maxBackoffMs: 20,
    maxRetryAfterMs: 2_000,
    attemptTimeoutMs: 30_000,
  });
const connectionTo = (target: FakeOpenAiServer) =>
  new OpenAiConnection({ baseUrl: target.baseUrl, apiKey: 'test-key', timeoutMs: 30_000 }, quickGuard());

const request: EpisodeDevelopmentRequest = {
  language: 'en-US',
  seed: 3,
  series: { title: 'The Night Ferry', logline: 'A deckhand and a stowaway.', locations: [] },
  characters: [
    { id: 'mai', name: 'Mai', description: 'deckhand' },
    { id: 'theo', name: 'Theo', description: 'stowaway' },
  ],
  episode: {
    id: 'ep01',
    title: 'Stowaway',
    synopsis: 'Mai finds Theo on the deck.',
    index: 0,
    episodeCount: 1,
    sceneCount: 2,
  },
  storySoFar: [],
  part: { index: 0, count: 1, sceneIds: ['s01', 's02'] },
  previousCards: [],
};

/** An answer whose second scene casts someone the bible does not have. */
const inventedCast = JSON.stringify({
  scenes: ['s01', 's02'].map((id) => ({
    id,
    location: 'the deck',
    characters: id === 's02' ? ['mai', 'ghost'] : ['mai'],
    outline: 'Mai looks out.',
    mood: 'tense',
    camera: 'wide',
    dialogue: [{ character: 'mai', line: 'Who is there?' }],
  })),
  summary: 'Mai found someone.',
});

const ladder = (target: FakeOpenAiServer, models: string[]) =>
  models.map((model, index) => ({
    port: new ChatEpisodeDeveloper(connectionTo(target), model, 'json_schema') as EpisodeDeveloper,
    provider: 'openai-compatible',
    model,
    tier: (['draft', 'review', 'final'] as const)[index]!,
  }));

describe('openai-compatible episode developer', () => {
  it("asks for structured output held to the cards' JSON schema, whose cast is the bible's", async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();

    // Act
    const metered = await new ChatEpisodeDeveloper(connectionTo(server), 'gpt-4.1', 'json_schema').developPart(request);

    // Assess
    const sent = server.requestsTo(CHAT)[0]!.json! as {
      response_format: {
        type: string;
        json_schema: {
          name: string;
          strict: boolean;
          schema: { properties: { scenes: { items: { properties: { characters: { items: { enum: string[] } } } } } } };
        };
      };
    };
    expect(sent.response_format.type).toBe('json_schema');
    expect(sent.response_format.json_schema.strict).toBe(true);
    expect(sent.response_format.json_schema.schema.properties.scenes.items.properties.characters.items.enum).toEqual([
      'mai',
      'theo',
    ]);
    expect(metered.result.scenes.map((scene) => scene.id)).toEqual(['s01', 's02']);
    expect(metered.usage.inputTokens).toBeGreaterThan(0);
  });

  it('uses JSON mode for a provider without structured output', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();

    // Act
    await new ChatEpisodeDeveloper(connectionTo(server), 'deepseek-chat', 'json_object').developPart(request);

    // Assess
    expect((server.requestsTo(CHAT)[0]!.json! as { response_format: unknown }).response_format).toEqual({
      type: 'json_object',
    });
  });

  it('repairs an answer that names a character the bible lacks, naming that character in the repair prompt', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    server.queue(CHAT, scripted.chatAnswer('gpt-4.1', inventedCast));

    // Act
    const metered = await new ChatEpisodeDeveloper(connectionTo(server), 'gpt-4.1', 'json_schema').developPart(request);

    // Assess
    const repair = (server.requestsTo(CHAT)[1]!.json!.messages as { role: string; content: string }[]).at(-1)!;
    expect(repair.content).toContain('scenes.1.characters.1: "ghost" is not a character of the bible (mai, theo)');
    expect(metered.result.scenes.flatMap((scene) => scene.characters)).not.toContain('ghost');
    expect(metered.earlierCharges).toHaveLength(1);
  });

  it('escalates a tier when the repair is invalid too, and bills both draft calls', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    server.queue(
      CHAT,
      scripted.chatAnswer('deepseek-chat', inventedCast),
      scripted.chatAnswer('deepseek-chat', '{"scenes": []}'),
    );
    const routed = new RoutedEpisodeDeveloper([ladder(server, ['deepseek-chat', 'gpt-4.1-mini'])]);

    // Act
    const metered = await routed.developPart(request);

    // Assess
    expect(metered.model).toBe('gpt-4.1-mini');
    expect(metered.earlierCharges?.map((charge) => charge.model)).toEqual(['deepseek-chat', 'deepseek-chat']);
    expect(server.requestsTo(CHAT).map((r) => r.json!.model)).toEqual([
      'deepseek-chat',
      'deepseek-chat',
      'gpt-4.1-mini',
    ]);
  });

  it('fails with ProviderOutputInvalid naming the invented character when every tier keeps inventing', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    server.queue(CHAT, ...Array.from({ length: 4 }, () => scripted.chatAnswer('gpt-4.1', inventedCast)));
    const routed = new RoutedEpisodeDeveloper([ladder(server, ['deepseek-chat', 'gpt-4.1'])]);

    // Act
    const failure = await routed.developPart(request).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(ProviderOutputInvalid);
    expect((failure as Error).message).toContain('"ghost" is not a character of the bible');
    expect((failure as ProviderOutputInvalid).charges).toHaveLength(4);
  });
});
