import { describe, expect, it, onTestFinished } from 'vitest';
import { ChatScriptWriter } from '../../../../../lambdas/adapters/providers/openai-compatible/chat-script-writer.js';
import { OpenAiConnection } from '../../../../../lambdas/adapters/providers/openai-compatible/connection.js';
import { DEFAULT_GUARD_SETTINGS, ProviderGuard } from '../../../../../lambdas/composition/resilience/provider-guard.js';
import type { LineTranslationRequest } from '../../../../../lambdas/core/contracts/ports.js';
import { dubScene } from '../../../../../lambdas/stages/voice-dub/voice-dub.js';
import { FakeOpenAiServer, scripted } from '../../../../support/fake-openai-server.js';
import { ledgerAndBucket } from '../../../../support/ledger-and-bucket.js';
import { mockedStageDeps, unitManifest } from '../../../../support/mocked-stage-deps.js';
import { pacedSpeech } from '../../../../support/paced-speech.js';

const CHAT = 'POST /v1/chat/completions';
const MODEL = 'deepseek-chat';

const manifest = unitManifest({
  characters: [
    { id: 'mai', name: 'Mai', description: 'a deckhand in a yellow raincoat', voice: { gender: 'female' } },
    { id: 'theo', name: 'Theo', description: 'a stowaway', voice: { gender: 'male' } },
  ],
  episodes: [
    {
      id: 'ep01',
      title: 'Stowaway',
      scenes: [
        {
          id: 's01',
          location: 'Ferry deck',
          characters: ['mai', 'theo'],
          outline: 'Mai lifts the tarpaulin and finds Theo.',
          mood: 'tense',
        },
      ],
    },
  ],
});
const ref = { productionId: manifest.production, episodeId: 'ep01', sceneId: 's01' };
const script = {
  source: 'manifest' as const,
  lines: [
    { character: 'mai', line: 'Who are you?' },
    { character: 'theo', line: 'Nobody you know.' },
  ],
};
/** The master: Mai speaks for 2.5 s, Theo for 3 s. */
const master = {
  durationSeconds: 7,
  cues: [
    { index: 0, characterId: 'mai', speaker: 'Mai', text: 'Who are you?', startSeconds: 0.4, endSeconds: 2.9 },
    { index: 1, characterId: 'theo', speaker: 'Theo', text: 'Nobody you know.', startSeconds: 3.2, endSeconds: 6.2 },
  ],
};

async function gatewayTranslator() {
  const server = await new FakeOpenAiServer().start();
  onTestFinished(() => server.stop());
  const guard = new ProviderGuard(
    'openai-compatible',
    { take: async () => undefined },
    { ...DEFAULT_GUARD_SETTINGS, initialBackoffMs: 1, maxBackoffMs: 5 },
  );
  const connection = new OpenAiConnection({ baseUrl: server.baseUrl, apiKey: 'test-key', timeoutMs: 30_000 }, guard);
  return { server, translator: new ChatScriptWriter(connection, MODEL, 'json_schema') };
}

const promptOf = (body: Record<string, unknown> | undefined) =>
  (body!.messages as { content: string }[]).map((m) => m.content).join('\n');

const lineRequest: LineTranslationRequest = {
  from: 'en-US',
  to: 'th-TH',
  scene: {
    episodeId: 'ep01',
    sceneId: 's01',
    index: 0,
    location: 'Ferry deck',
    outline: 'Mai lifts the tarpaulin and finds Theo.',
    characters: [
      { id: 'mai', name: 'Mai', description: 'a deckhand' },
      { id: 'theo', name: 'Theo', description: 'a stowaway' },
    ],
  },
  speaker: { id: 'mai', name: 'Mai', description: 'a deckhand' },
  sceneLines: script.lines,
  index: 0,
  budgetSeconds: 2.5,
  seed: 4,
};

describe('dub translation by the script model, through an OpenAI-compatible gateway', () => {
  it('asks each line with its speaker, scene and length budget, and a second dub into the same language buys nothing', async () => {
    // Prepare
    const { server, translator } = await gatewayTranslator();
    const { deps: ledgered, ledger, productions } = await ledgerAndBucket(5);
    await productions.openProduction({
      productionId: manifest.production,
      title: manifest.title,
      language: manifest.language,
      budgetUsd: 5,
      manifestKey: 'manifests/unit-series.yaml',
      executionName: 'e',
    });
    const deps = { ...mockedStageDeps().deps, assets: ledgered.assets, ledger };
    const dub = {
      manifest,
      providers: {
        translation: { port: translator, provider: 'openai-compatible', model: MODEL },
        speech: pacedSpeech,
      },
      ref,
      language: 'th-TH',
      master,
      script,
      pay: () => undefined,
    };

    // Act
    const first = await dubScene(deps, dub);
    const askedFirst = server.requestsTo(CHAT).length;
    const second = await dubScene(deps, dub);

    // Assess
    const asked = server.requestsTo(CHAT);
    expect(askedFirst, 'one chat completion for each line').toBe(2);
    expect(asked, 'the second dub asked the gateway again').toHaveLength(2);
    const prompts = asked.map((request) => promptOf(request.json));
    const maiLine = prompts.find((prompt) => prompt.includes('Line to translate: Who are you?'));
    const theoLine = prompts.find((prompt) => prompt.includes('Line to translate: Nobody you know.'));
    expect(maiLine, "the prompt of Mai's line").toContain('Speaker: Mai');
    expect(maiLine).toContain('Scene: Ferry deck. Mai lifts the tarpaulin and finds Theo.');
    expect(maiLine).toContain('at most 2.5 seconds');
    expect(maiLine).toContain('into Thai (th-TH)');
    expect(theoLine, "the prompt of Theo's line").toContain('Speaker: Theo');
    expect(theoLine).toContain('at most 3 seconds');
    expect(theoLine, 'the line before it').toContain('Mai: Who are you?');
    expect(asked[0]!.json!.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'dub_line' } });
    expect(first.cues.map((cue) => cue.text)).toEqual(['[th-TH] Who are you?', '[th-TH] Nobody you know.']);
    expect(second.cues).toEqual(first.cues);
    const translations = (await ledger.listCosts(manifest.production)).filter((row) => row.stage === 'translation');
    expect(
      translations.map((row) => row.model),
      'translation rows in the ledger',
    ).toEqual([MODEL, MODEL]);
  });

  it('asks once more when the answer is an empty line, and keeps the repaired one', async () => {
    // Prepare
    const { server, translator } = await gatewayTranslator();
    server.answerOnly(
      CHAT,
      scripted.chatAnswer(MODEL, JSON.stringify({ line: '  ' })),
      scripted.chatAnswer(MODEL, JSON.stringify({ line: 'Mai: "คุณเป็นใคร"' })),
    );

    // Act
    const translated = await translator.translateLine(lineRequest);

    // Assess
    const asked = server.requestsTo(CHAT);
    expect(asked).toHaveLength(2);
    expect(promptOf(asked[1]!.json), 'the repair prompt').toContain('That answer is not valid (line:');
    // The speaker's name and the quotation marks are the pipeline's to mend.
    expect(translated.result.line).toBe('คุณเป็นใคร');
    expect(translated.earlierCharges, 'the refused answer is billed').toHaveLength(1);
  });

  it('asks the listing once more when it has the wrong count of hashtags, then keeps one for each of the master', async () => {
    // Prepare
    const { server, translator } = await gatewayTranslator();
    server.answerOnly(
      CHAT,
      scripted.chatAnswer(MODEL, JSON.stringify({ description: 'เรือข้ามฟากยามค่ำคืน', hashtags: ['#ละครสั้น'] })),
      scripted.chatAnswer(
        MODEL,
        JSON.stringify({ description: 'เรือข้ามฟากยามค่ำคืน', hashtags: ['#ละครสั้น', '#ลึกลับ', '#โรแมนติก'] }),
      ),
    );

    // Act
    const translated = await translator.translateListing({
      from: 'en-US',
      to: 'th-TH',
      listing: { description: 'The night ferry hides a stowaway.', hashtags: ['#shortdrama', '#mystery', '#romance'] },
      genre: 'mystery romance',
      title: 'ผู้ลักลอบ',
      scene: lineRequest.scene,
      seed: 4,
    });

    // Assess
    const asked = server.requestsTo(CHAT);
    expect(asked).toHaveLength(2);
    expect(promptOf(asked[0]!.json)).toContain('exactly 3 hashtags');
    expect(promptOf(asked[1]!.json), 'the repair prompt').toContain('1 distinct hashtags, but the master has 3');
    expect(translated.result.hashtags).toEqual(['#ละครสั้น', '#ลึกลับ', '#โรแมนติก']);
    expect(translated.result.repairs).toContainEqual(expect.objectContaining({ path: 'hashtags', by: 'model' }));
  });
});
