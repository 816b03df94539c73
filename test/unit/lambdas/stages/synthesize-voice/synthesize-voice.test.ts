import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { VOICE_SAMPLE_RATE, wavFromPcm } from '../../../../../lambdas/adapters/media/voice-track.js';
import { OpenAiConnection } from '../../../../../lambdas/adapters/providers/openai-compatible/connection.js';
import { OpenAiSpeechModel } from '../../../../../lambdas/adapters/providers/openai-compatible/speech-model.js';
import { OpenAiTranscriber } from '../../../../../lambdas/adapters/providers/openai-compatible/transcriber.js';
import { DEFAULT_GUARD_SETTINGS, ProviderGuard } from '../../../../../lambdas/composition/resilience/provider-guard.js';
import type { SpeechRequest } from '../../../../../lambdas/core/contracts/ports.js';
import type { StoredVoiceCues } from '../../../../../lambdas/core/domain/scene-artifacts.js';
import { costUsd } from '../../../../../lambdas/core/pricing/pricing.js';
import { synthesizeVoice } from '../../../../../lambdas/stages/synthesize-voice/synthesize-voice.js';
import { FakeOpenAiServer, scripted } from '../../../../support/fake-openai-server.js';
import { mockedStageDeps, unitManifest } from '../../../../support/mocked-stage-deps.js';

const TRANSCRIBE = 'POST /v1/audio/transcriptions';
const scene = { productionId: 'unit-series', episodeId: 'ep01', sceneId: 's01' };
const manifest = unitManifest({
  characters: [
    { id: 'ana', name: 'Ana', description: 'red hair', voice: { gender: 'female' } },
    { id: 'ben', name: 'Ben', description: 'bald', voice: { gender: 'male' } },
  ],
  episodes: [
    {
      id: 'ep01',
      title: 'One',
      scenes: [{ id: 's01', location: 'Harbour', characters: ['ana', 'ben'], outline: 'They meet.' }],
    },
  ],
});
const script = {
  source: 'manifest',
  lines: [
    { character: 'ana', line: 'You came back.' },
    { character: 'ben', line: 'I never really left.' },
  ],
};

/** The voice stage over the openai-compatible speech and transcriber, both against the fake server. */
function voiceStageWithTranscription(server: FakeOpenAiServer) {
  const guard = new ProviderGuard(
    'openai-compatible',
    { take: async () => undefined },
    { ...DEFAULT_GUARD_SETTINGS, initialBackoffMs: 1, maxBackoffMs: 5 },
  );
  const connection = new OpenAiConnection({ baseUrl: server.baseUrl, apiKey: 'test-key', timeoutMs: 30_000 }, guard);
  const mocks = mockedStageDeps({
    objects: new Map([
      ['productions/unit-series/manifest.json', Buffer.from(JSON.stringify(manifest))],
      ['productions/unit-series/scenes/ep01/s01/script.json', Buffer.from(JSON.stringify(script))],
    ]),
    providers: {
      speech: { port: new OpenAiSpeechModel(connection, 'tts-1'), provider: 'openai-compatible', model: 'tts-1' },
      transcription: {
        port: new OpenAiTranscriber(connection, 'whisper-1'),
        provider: 'openai-compatible',
        model: 'whisper-1',
      },
    },
  });
  mocks.dynamoMock.on(GetCommand).resolves({});
  mocks.dynamoMock.on(UpdateCommand).resolves({});
  mocks.dynamoMock.on(PutCommand).resolves({});
  const warn = vi.spyOn(mocks.deps.logger, 'warn');
  return { mocks, warn };
}

/** The cues the stage stored, and the ledger settlements it made for provider calls. */
function recorded(mocks: ReturnType<typeof mockedStageDeps>) {
  const stored = mocks.s3Mock
    .commandCalls(PutObjectCommand)
    .find((call) => call.args[0].input.Key === 'productions/unit-series/scenes/ep01/s01/voice-cues.json')!;
  const settled = mocks.dynamoMock
    .commandCalls(UpdateCommand)
    .map((call) => call.args[0].input.ExpressionAttributeValues ?? {})
    .filter((values) => values[':settled'] === 'SETTLED' && ':provider' in values);
  return { cues: (JSON.parse(String(stored.args[0].input.Body)) as StoredVoiceCues).cues, settled };
}

/** The fake answers every line's speech with 0.4 s + 0.05 s per character of tone. */
const lineSeconds = (text: string) => 0.4 + text.length * 0.05;

describe('synthesize-voice with subtitle timing by transcription', () => {
  it('times each cue to the words the transcription heard, and bills the transcription by the second', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    const { mocks, warn } = voiceStageWithTranscription(server);

    // Act
    await synthesizeVoice(scene, mocks.deps);

    // Assess
    const { cues, settled } = recorded(mocks);
    const transcriptions = server.requestsTo(TRANSCRIBE);
    expect(transcriptions).toHaveLength(2);
    const form = transcriptions[0]!.body.toString('utf8');
    for (const field of [
      ['model', 'whisper-1'],
      ['response_format', 'verbose_json'],
      ['timestamp_granularities[]', 'word'],
      ['language', 'en'],
      ['prompt', 'You came back.'],
    ]) {
      expect(form).toContain(`name="${field[0]}"\r\n\r\n${field[1]}\r\n`);
    }
    expect(typeof transcriptions[0]!.headers['idempotency-key']).toBe('string');
    // The fake's words run from 0.12 s to 0.2 s before the end of each line's audio.
    const firstLine = lineSeconds('You came back.');
    const secondStart = 0.4 + firstLine + 0.3;
    expect(cues[0]!.startSeconds).toBeCloseTo(0.4 + 0.12, 2);
    expect(cues[0]!.endSeconds).toBeCloseTo(0.4 + firstLine - 0.2, 2);
    expect(cues[1]!.startSeconds).toBeCloseTo(secondStart + 0.12, 2);
    expect(cues[1]!.endSeconds).toBeCloseTo(secondStart + lineSeconds('I never really left.') - 0.2, 2);
    expect(warn).not.toHaveBeenCalled();

    const whisper = server.billed.filter((answer) => answer.model === 'whisper-1');
    expect(whisper.map((answer) => answer.usage)).toEqual([
      { transcribedAudioSeconds: 1 },
      { transcribedAudioSeconds: 1 },
    ]);
    const billedUsd = server.billed.reduce(
      (sum, answer) => sum + costUsd('openai-compatible', answer.model, answer.usage),
      0,
    );
    const settledUsd = settled.reduce((sum, values) => sum + Number(values[':usd']), 0);
    expect(settled).toHaveLength(4);
    expect(settledUsd).toBeCloseTo(billedUsd, 8);
  });

  it('keeps a line whose transcription fails, its cue spanning the whole audio, with a warning', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    server.queue(TRANSCRIBE, scripted.serverError(), scripted.serverError(), scripted.serverError());
    const { mocks, warn } = voiceStageWithTranscription(server);

    // Act
    await synthesizeVoice(scene, mocks.deps);

    // Assess
    const { cues } = recorded(mocks);
    expect(server.requestsTo(TRANSCRIBE)).toHaveLength(4);
    expect(cues).toHaveLength(2);
    expect(cues[0]!.startSeconds).toBeCloseTo(0.4, 3);
    expect(cues[0]!.endSeconds).toBeCloseTo(0.4 + lineSeconds('You came back.'), 2);
    expect(cues[1]!.startSeconds).toBeCloseTo(0.4 + lineSeconds('You came back.') + 0.3 + 0.12, 2);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/transcription failed/);
    expect(server.billed.filter((answer) => answer.model === 'whisper-1')).toHaveLength(1);
  });
});

describe('synthesize-voice given speech too short to hold its line', () => {
  it('refuses it as ProviderOutputInvalid naming the line, keeps the charge, and stores no cue that lasts no time', async () => {
    // Prepare
    const clip = (seconds: number) =>
      wavFromPcm(Buffer.alloc(Math.max(1, Math.round(seconds * VOICE_SAMPLE_RATE)) * 2));
    const spoken: string[] = [];
    const mocks = mockedStageDeps({
      objects: new Map([
        ['productions/unit-series/manifest.json', Buffer.from(JSON.stringify(manifest))],
        ['productions/unit-series/scenes/ep01/s01/script.json', Buffer.from(JSON.stringify(script))],
      ]),
      providers: {
        speech: {
          // The first line is spoken at a human pace; the second comes back a thousand times too fast.
          port: {
            speak: async (request: SpeechRequest) => {
              spoken.push(request.text);
              const seconds = spoken.length === 1 ? lineSeconds(request.text) : lineSeconds(request.text) / 1000;
              return {
                result: { wav: clip(seconds), durationSeconds: seconds },
                usage: { speechCharacters: request.text.length },
                provider: 'openai-compatible',
                model: 'tts-1',
              };
            },
          },
          provider: 'openai-compatible',
          model: 'tts-1',
        },
      },
    });
    mocks.dynamoMock.on(GetCommand).resolves({});
    mocks.dynamoMock.on(UpdateCommand).resolves({});
    mocks.dynamoMock.on(PutCommand).resolves({});

    // Act
    const refused = await synthesizeVoice(scene, mocks.deps).catch((error: unknown) => error as Error);

    // Assess
    expect(refused).toMatchObject({
      name: 'ProviderOutputInvalid',
      message: expect.stringContaining('spoke "I never really left."'),
    });
    const settledShortLine = mocks.dynamoMock
      .commandCalls(UpdateCommand)
      .map((call) => call.args[0].input.ExpressionAttributeValues ?? {})
      .filter((values) => values[':settled'] === 'SETTLED' && ':provider' in values);
    expect(settledShortLine).toHaveLength(2);
    expect(
      mocks.s3Mock
        .commandCalls(PutObjectCommand)
        .some((call) => String(call.args[0].input.Key).endsWith('voice-cues.json')),
    ).toBe(false);
  });
});
