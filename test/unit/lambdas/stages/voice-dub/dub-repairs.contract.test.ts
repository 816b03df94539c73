import { describe, expect, it, onTestFinished } from 'vitest';
import { ChatScriptWriter } from '../../../../../lambdas/adapters/providers/openai-compatible/chat-script-writer.js';
import { OpenAiConnection } from '../../../../../lambdas/adapters/providers/openai-compatible/connection.js';
import { DEFAULT_GUARD_SETTINGS, ProviderGuard } from '../../../../../lambdas/composition/resilience/provider-guard.js';
import { dubScene } from '../../../../../lambdas/stages/voice-dub/voice-dub.js';
import { FakeOpenAiServer, scripted } from '../../../../support/fake-openai-server.js';
import { ledgerAndBucket } from '../../../../support/ledger-and-bucket.js';
import { mockedStageDeps, unitManifest } from '../../../../support/mocked-stage-deps.js';
import { pacedSpeech } from '../../../../support/paced-speech.js';

const CHAT = 'POST /v1/chat/completions';
const MODEL = 'deepseek-chat';

const manifest = unitManifest({
  characters: [{ id: 'mai', name: 'Mai', description: 'a deckhand', voice: { gender: 'female' } }],
  episodes: [
    {
      id: 'ep01',
      title: 'Stowaway',
      scenes: [{ id: 's01', location: 'Ferry deck', characters: ['mai'], outline: 'Mai finds a stowaway.' }],
    },
  ],
});
const ref = { productionId: manifest.production, episodeId: 'ep01', sceneId: 's01' };
const script = { source: 'manifest' as const, lines: [{ character: 'mai', line: 'Who are you?' }] };
const master = {
  durationSeconds: 4,
  cues: [{ index: 0, characterId: 'mai', speaker: 'Mai', text: 'Who are you?', startSeconds: 0.4, endSeconds: 2.9 }],
};

describe("a dubbed scene's translation repairs", () => {
  it('are carried out of the translator with the scene and line they mended, by the model and by the pipeline', async () => {
    // Prepare: an empty line only the model can mend, then the speaker's name and quotation marks the pipeline leaves out
    const server = await new FakeOpenAiServer().start();
    onTestFinished(() => server.stop());
    server.answerOnly(
      CHAT,
      scripted.chatAnswer(MODEL, JSON.stringify({ line: '  ' })),
      scripted.chatAnswer(MODEL, JSON.stringify({ line: 'Mai: "คุณเป็นใคร"' })),
    );
    const guard = new ProviderGuard(
      'openai-compatible',
      { take: async () => undefined },
      { ...DEFAULT_GUARD_SETTINGS, initialBackoffMs: 1, maxBackoffMs: 5 },
    );
    const connection = new OpenAiConnection({ baseUrl: server.baseUrl, apiKey: 'test-key', timeoutMs: 30_000 }, guard);
    const translator = new ChatScriptWriter(connection, MODEL, 'json_schema');
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

    // Act
    const dubbed = await dubScene(deps, {
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
    });

    // Assess
    expect(dubbed.cues.map((cue) => cue.text)).toEqual(['คุณเป็นใคร']);
    expect(dubbed.repairs).toEqual([
      expect.objectContaining({ sceneId: 's01', line: 0, path: 'line', by: 'model' }),
      { sceneId: 's01', line: 0, path: 'line', repaired: 'the speaker\'s name "Mai:" left out', by: 'pipeline' },
      { sceneId: 's01', line: 0, path: 'line', repaired: 'quotation marks "" around it left out', by: 'pipeline' },
    ]);
  });
});
