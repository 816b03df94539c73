import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { probeMedia, withTempDir } from '../../../../../../lambdas/adapters/media/ffmpeg.js';
import { ChatScriptWriter } from '../../../../../../lambdas/adapters/providers/openai-compatible/chat-script-writer.js';
import { OpenAiConnection } from '../../../../../../lambdas/adapters/providers/openai-compatible/connection.js';
import { OpenAiImageModel } from '../../../../../../lambdas/adapters/providers/openai-compatible/image-model.js';
import { OpenAiSpeechModel } from '../../../../../../lambdas/adapters/providers/openai-compatible/speech-model.js';
import { OpenAiTranscriber } from '../../../../../../lambdas/adapters/providers/openai-compatible/transcriber.js';
import { OpenAiVideoModel } from '../../../../../../lambdas/adapters/providers/openai-compatible/video-model.js';
import { VisionConsistencyScorer } from '../../../../../../lambdas/adapters/providers/openai-compatible/vision-consistency.js';
import {
  DEFAULT_GUARD_SETTINGS,
  ProviderGuard,
} from '../../../../../../lambdas/composition/resilience/provider-guard.js';
import { RoutedTextModel } from '../../../../../../lambdas/composition/routing/routed-ports.js';
import {
  ProviderContentFiltered,
  ProviderOutputInvalid,
  ProviderQuotaExceeded,
  ProviderThrottled,
  ProviderUnavailable,
} from '../../../../../../lambdas/core/contracts/errors.js';
import type { ClipSpeaker, SceneScriptRequest, TextModel } from '../../../../../../lambdas/core/contracts/ports.js';
import { CONTENT_POLICY_PREAMBLE } from '../../../../../../lambdas/core/prompts/content-rewrite.js';
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

const request: SceneScriptRequest = {
  language: 'en-US',
  title: 'The letter',
  seed: 7,
  scene: {
    episodeId: 'ep01',
    sceneId: 's01',
    index: 0,
    location: 'Harbour at dawn',
    outline: 'Ana hands Ben a letter.',
    characters: [
      { id: 'ana', name: 'Ana', description: 'red hair' },
      { id: 'ben', name: 'Ben', description: 'grey suit' },
    ],
  },
};

describe('openai-compatible chat script writer', () => {
  it('returns the script and the usage the server reported, with an idempotency key', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    const writer = new ChatScriptWriter(connectionTo(server), 'deepseek-chat', 'json_object');

    // Act
    const metered = await writer.writeScene(request, { idempotencyKey: 'script#abc' });

    // Assess
    expect(metered.result.lines.map((l) => l.character)).toEqual(['ana', 'ben']);
    expect(metered.usage).toEqual({ inputTokens: server.billed[0]!.usage.inputTokens, outputTokens: 88 });
    expect(metered).toMatchObject({ provider: 'openai-compatible', model: 'deepseek-chat' });
    const sent = server.requestsTo(CHAT)[0]!;
    expect(sent.headers['idempotency-key']).toBe('script#abc:deepseek-chat:1');
    expect(sent.json).toMatchObject({ response_format: { type: 'json_object' }, model: 'deepseek-chat' });
  });

  it("asks with structured output in json_schema mode: the script's JSON schema, the speakers an enum of the cast", async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    const writer = new ChatScriptWriter(connectionTo(server), 'gpt-4.1-mini', 'json_schema');

    // Act
    await writer.writeScene(request);

    // Assess
    const format = server.requestsTo(CHAT)[0]!.json!.response_format as {
      type: string;
      json_schema: {
        name: string;
        strict: boolean;
        schema: { properties: { lines: { items: { properties: { character: { enum: string[] } } } } } };
      };
    };
    expect(format).toMatchObject({ type: 'json_schema', json_schema: { name: 'scene_script', strict: true } });
    expect(format.json_schema.schema.properties.lines.items.properties.character.enum).toEqual(['ana', 'ben']);
  });

  it('waits out a 429 with Retry-After, then succeeds', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    server.queue(CHAT, scripted.rateLimited(1));
    const writer = new ChatScriptWriter(connectionTo(server), 'deepseek-chat', 'json_object');

    // Act
    const metered = await writer.writeScene(request);

    // Assess
    expect(metered.result.lines).toHaveLength(2);
    expect(server.requestsTo(CHAT)).toHaveLength(2);
  });

  it('throttles back to the workflow when Retry-After is longer than a Lambda should wait', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    server.queue(CHAT, scripted.rateLimited(600));
    const writer = new ChatScriptWriter(connectionTo(server), 'deepseek-chat', 'json_object');

    // Act
    const failure = await writer.writeScene(request).catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(ProviderThrottled);
    expect((failure as ProviderThrottled).retryAfterSeconds).toBe(600);
    expect(server.requestsTo(CHAT)).toHaveLength(1);
  });

  it('retries 500s and a malformed body', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    server.queue(CHAT, scripted.serverError(), scripted.malformed());
    const writer = new ChatScriptWriter(connectionTo(server), 'deepseek-chat', 'json_object');

    // Act
    const attempt = writer.writeScene(request);

    // Assess
    await expect(attempt).resolves.toBeDefined();
    expect(server.requestsTo(CHAT)).toHaveLength(3);
  });

  it('names a lasting outage ProviderUnavailable', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    server.queue(CHAT, scripted.serverError(), scripted.serverError(), scripted.serverError());
    const writer = new ChatScriptWriter(connectionTo(server), 'deepseek-chat', 'json_object');

    // Act
    const attempt = writer.writeScene(request);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ProviderUnavailable);
  });

  it('repairs an invalid script once, and counts both calls in the cost', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    server.queue(CHAT, scripted.chatAnswer('deepseek-chat', '{"lines":[{"character":"zed","line":"Who?"}]}'));
    const writer = new ChatScriptWriter(connectionTo(server), 'deepseek-chat', 'json_object');

    // Act
    const metered = await writer.writeScene(request);

    // Assess
    expect(metered.result.lines.map((l) => l.character)).toEqual(['ana', 'ben']);
    expect(metered.earlierCharges).toEqual([
      { provider: 'openai-compatible', model: 'deepseek-chat', usage: { inputTokens: 310, outputTokens: 95 } },
    ]);
    const repair = server.requestsTo(CHAT)[1]!.json!.messages as { content: string }[];
    expect(repair.at(-1)!.content).toMatch(/not valid .*character must be one of ana, ben/);
  });

  it('names a content-filter refusal ProviderContentFiltered', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    server.queue(CHAT, scripted.contentFiltered());
    const writer = new ChatScriptWriter(connectionTo(server), 'deepseek-chat', 'json_object');

    // Act
    const attempt = writer.writeScene(request);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ProviderContentFiltered);
  });

  it('names a spent quota ProviderQuotaExceeded', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    server.queue(CHAT, scripted.quotaExceeded());
    const writer = new ChatScriptWriter(connectionTo(server), 'deepseek-chat', 'json_object');

    // Act
    const attempt = writer.writeScene(request);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ProviderQuotaExceeded);
  });

  it('names a script still invalid after its repair ProviderOutputInvalid, carrying both charges', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    server.queue(
      CHAT,
      scripted.chatAnswer('deepseek-chat', 'Sure! Here is the scene.'),
      scripted.chatAnswer('deepseek-chat', '{"lines": "none"}'),
    );
    const writer = new ChatScriptWriter(connectionTo(server), 'deepseek-chat', 'json_object');

    // Act
    const invalid = await writer.writeScene(request).catch((e: unknown) => e);

    // Assess
    expect(invalid).toBeInstanceOf(ProviderOutputInvalid);
    expect((invalid as ProviderOutputInvalid).charges).toHaveLength(2);
  });
});

describe('routing over the fake server', () => {
  const ladder = (target: FakeOpenAiServer, models: string[]) =>
    models.map((model, index) => ({
      port: new ChatScriptWriter(connectionTo(target), model, 'json_object') as TextModel,
      provider: 'openai-compatible',
      model,
      tier: (['draft', 'review', 'final'] as const)[3 - models.length + index]!,
    }));

  it('climbs a tier when the draft fails validation twice, and bills the draft too', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    server.queue(CHAT, scripted.chatAnswer('deepseek-chat', 'not json'), scripted.chatAnswer('deepseek-chat', '{}'));
    const routed = new RoutedTextModel([ladder(server, ['deepseek-chat', 'gpt-4.1-mini', 'gpt-4.1'])]);

    // Act
    const metered = await routed.writeScene(request);

    // Assess
    expect(metered.model).toBe('gpt-4.1-mini');
    expect(metered.earlierCharges?.map((c) => c.model)).toEqual(['deepseek-chat', 'deepseek-chat']);
  });

  it('skips the draft tier for a prompt longer than the draft model handles', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    const [draft, review] = ladder(server, ['deepseek-chat', 'gpt-4.1-mini']);
    const routed = new RoutedTextModel([
      [
        { ...draft!, tier: 'draft', maxPromptTokens: 10 },
        { ...review!, tier: 'final' },
      ],
    ]);

    // Act
    const metered = await routed.writeScene(request);

    // Assess
    expect(metered.model).toBe('gpt-4.1-mini');
    expect(server.requestsTo(CHAT).map((r) => r.json!.model)).toEqual(['gpt-4.1-mini']);
  });

  it('rewrites the prompt once after a content-filter refusal, and stays with the provider', async () => {
    // Prepare
    const [server, backup] = [await FakeOpenAiServer.ownedByTest(), await FakeOpenAiServer.ownedByTest()];
    server.queue(CHAT, scripted.contentFiltered());
    const routed = new RoutedTextModel([ladder(server, ['gpt-4.1']), ladder(backup, ['gpt-4.1'])]);

    // Act
    await routed.writeScene(request);

    // Assess
    const retried = server.requestsTo(CHAT)[1]!.json!.messages as { role: string; content: string }[];
    expect(retried.find((m) => m.role === 'user')!.content.startsWith(CONTENT_POLICY_PREAMBLE)).toBe(true);
    expect(backup.requests).toHaveLength(0);
  });

  it('fails over to the next provider when the rewritten prompt is refused too', async () => {
    // Prepare
    const [server, backup] = [await FakeOpenAiServer.ownedByTest(), await FakeOpenAiServer.ownedByTest()];
    server.queue(CHAT, scripted.contentFiltered(), scripted.contentFiltered());
    const routed = new RoutedTextModel([ladder(server, ['gpt-4.1']), ladder(backup, ['gpt-4.1'])]);

    // Act
    const metered = await routed.writeScene(request);

    // Assess
    expect(backup.requestsTo(CHAT)).toHaveLength(1);
    expect(metered.result.lines).toHaveLength(2);
  });

  it('fails over to the next provider when the quota is spent', async () => {
    // Prepare
    const [server, backup] = [await FakeOpenAiServer.ownedByTest(), await FakeOpenAiServer.ownedByTest()];
    server.queue(CHAT, scripted.quotaExceeded());
    const routed = new RoutedTextModel([ladder(server, ['gpt-4.1']), ladder(backup, ['gpt-4.1'])]);

    // Act
    const attempt = routed.writeScene(request);

    // Assess
    await expect(attempt).resolves.toBeDefined();
    expect(server.requestsTo(CHAT)).toHaveLength(1);
    expect(backup.requestsTo(CHAT)).toHaveLength(1);
  });
});

describe('openai-compatible media', () => {
  it('draws a keyframe from the reference sheets at the frame size, priced from token usage', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    const images = new OpenAiImageModel(connectionTo(server), 'gpt-image-1');
    const sheet = await images.drawReferenceSheet({ character: request.scene.characters[0]!, seed: 1 });

    // Act
    const keyframe = await images.drawKeyframe({
      scene: request.scene,
      width: 270,
      height: 480,
      seed: 2,
      references: { ana: sheet.result.png, ben: sheet.result.png },
    });

    // Assess
    expect(server.requestsTo('POST /v1/images/generations')).toHaveLength(1);
    expect(server.requestsTo('POST /v1/images/edits')).toHaveLength(1);
    expect(keyframe.usage).toEqual({ inputTokens: 60, inputImageTokens: 646, outputTokens: 1_056 });
    const decoded = await loadImage(keyframe.result.png);
    expect([decoded.width, decoded.height]).toEqual([270, 480]);
    expect(keyframe.result.regions).toEqual({});
  });

  it('judges consistency with a vision model', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    const png = (
      await new OpenAiImageModel(connectionTo(server), 'gpt-image-1').drawReferenceSheet({
        character: request.scene.characters[0]!,
        seed: 1,
      })
    ).result;
    const scorer = new VisionConsistencyScorer(connectionTo(server), 'gpt-4.1-mini');

    // Act
    const score = await scorer.score({ keyframe: png, reference: png, characterId: 'ana' });

    // Assess
    expect(score.result).toEqual({ score: 0.82 });
    expect(score.usage).toEqual({ inputTokens: 1_620, outputTokens: 9 });
  });

  it('reads a verdict wrapped in prose, and asks once more for one that is not a 0..1 score, the pictures still sent', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    const png = (
      await new OpenAiImageModel(connectionTo(server), 'gpt-image-1').drawReferenceSheet({
        character: request.scene.characters[0]!,
        seed: 1,
      })
    ).result;
    server.queue(
      CHAT,
      scripted.chatAnswer('gpt-4.1-mini', 'The score is {"score": "high"}'),
      scripted.chatAnswer('gpt-4.1-mini', 'Corrected: {"score": 0.64}'),
    );
    const scorer = new VisionConsistencyScorer(connectionTo(server), 'gpt-4.1-mini');

    // Act
    const score = await scorer.score({ keyframe: png, reference: png, characterId: 'ana' });

    // Assess
    expect(score.result).toEqual({
      score: 0.64,
      repairs: [
        { path: 'score', repaired: 'Invalid input: expected number, received string', by: 'model' },
        {
          path: '(answer)',
          repaired: expect.stringMatching(/^dropped \d+ characters of text around the JSON object$/),
          by: 'pipeline',
        },
      ],
    });
    expect(score.earlierCharges).toHaveLength(1);
    const repair = server.requestsTo(CHAT)[1]!.json!.messages as { role: string; content: unknown }[];
    expect(repair.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(Array.isArray(repair[1]!.content)).toBe(true);
    expect(String(repair[3]!.content)).toContain('score: Invalid input: expected number');
  });

  it('refuses a judge whose repaired verdict is still no score: ProviderOutputInvalid with both calls', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    const png = (
      await new OpenAiImageModel(connectionTo(server), 'gpt-image-1').drawReferenceSheet({
        character: request.scene.characters[0]!,
        seed: 1,
      })
    ).result;
    server.queue(
      CHAT,
      scripted.chatAnswer('gpt-4.1-mini', 'Looks the same to me.'),
      scripted.chatAnswer('gpt-4.1-mini', '{"score": 7}'),
    );
    const scorer = new VisionConsistencyScorer(connectionTo(server), 'gpt-4.1-mini');

    // Act
    const failure = await scorer
      .score({ keyframe: png, reference: png, characterId: 'ana' })
      .catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(ProviderOutputInvalid);
    expect((failure as ProviderOutputInvalid).charges).toHaveLength(2);
  });

  it('speaks lines as WAV', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    const speaker = new OpenAiSpeechModel(connectionTo(server), 'tts-1');

    // Act
    const speech = await speaker.speak({
      text: 'Xin chào, anh Minh!',
      language: 'vi-VN',
      characterId: 'ana',
      voice: { gender: 'female' },
    });

    // Assess
    expect(speech.result.wav.subarray(0, 4).toString()).toBe('RIFF');
    expect(speech.result.durationSeconds).toBeGreaterThan(0.4);
    expect(speech.usage).toEqual({ speechCharacters: 19 });
    expect(server.requestsTo('POST /v1/audio/speech')[0]!.json).toMatchObject({
      voice: 'nova',
      response_format: 'wav',
    });
  });

  /** A spoken line as the fake's speech endpoint returns it, ready to transcribe. */
  async function spokenLine(server: FakeOpenAiServer) {
    const speech = await new OpenAiSpeechModel(connectionTo(server), 'tts-1').speak({
      text: 'Xin chào, anh Minh!',
      language: 'vi-VN',
      characterId: 'ana',
      voice: {},
    });
    return {
      wav: speech.result.wav,
      durationSeconds: speech.result.durationSeconds,
      text: 'Xin chào, anh Minh!',
      language: 'vi-VN',
    };
  }

  it('transcribes a line with word timestamps, billed by the seconds the provider reports', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    const line = await spokenLine(server);
    const transcriber = new OpenAiTranscriber(connectionTo(server), 'whisper-1');

    // Act
    const heard = await transcriber.transcribe(line, { idempotencyKey: 'subtitle-timing#9' });

    // Assess
    expect(heard.result.map((word) => word.text)).toEqual(['Xin', 'chào', 'anh', 'Minh']);
    expect(heard.result[0]!.startSeconds).toBeCloseTo(0.12, 2);
    expect(heard.result.at(-1)!.endSeconds).toBeCloseTo(line.durationSeconds - 0.2, 2);
    expect(heard.usage).toEqual({ transcribedAudioSeconds: Math.round(line.durationSeconds) });
    const sent = server.requestsTo('POST /v1/audio/transcriptions')[0]!;
    expect(sent.headers['idempotency-key']).toBe('subtitle-timing#9:whisper-1');
    expect(sent.body.toString('utf8')).toContain('name="language"\r\n\r\nvi\r\n');
  });

  it('takes a provider that reports its billed duration at its word', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    const line = await spokenLine(server);
    const transcriber = new OpenAiTranscriber(connectionTo(server), 'whisper-1');
    server.queue('POST /v1/audio/transcriptions', {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        task: 'transcribe',
        language: 'vietnamese',
        duration: 1.33,
        text: 'Xin chào',
        words: [{ word: 'Xin', start: 0.1, end: 0.4 }],
        usage: { type: 'duration', seconds: 3 },
      }),
    });

    // Act
    const heard = await transcriber.transcribe(line);

    // Assess
    expect(heard.usage).toEqual({ transcribedAudioSeconds: 3 });
  });

  it('starts a video job, reports it running, then returns the finished video as delivered', async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    const video = new OpenAiVideoModel(connectionTo(server), 'sora-2', 1, 10);
    const keyframe = (
      await new OpenAiImageModel(connectionTo(server), 'gpt-image-1').drawReferenceSheet({
        character: request.scene.characters[0]!,
        seed: 1,
      })
    ).result.png;
    const clipRequest = {
      keyframePng: keyframe,
      width: 180,
      height: 320,
      fps: 12,
      durationSeconds: 5.2,
      seed: 3,
      prompt: 'Harbour at dawn.',
    };

    // Act: the job's life, start to the finished clip
    const { jobId } = await video.startClip(clipRequest, { idempotencyKey: 'video#123' });
    const running = await video.pollClip(jobId);
    const done = await video.pollClip(jobId);

    // Assess
    expect(server.requestsTo('POST /v1/videos')[0]!.headers['idempotency-key']).toBe('video#123:sora-2');
    expect(running).toEqual({ state: 'running' });
    if (done.state !== 'succeeded') throw new Error('the job should be done');
    expect(done.clip.usage).toEqual({ videoSeconds: 8 });
    const probe = await withTempDir(async (dir) => {
      const file = path.join(dir, 'clip.mp4');
      await writeFile(file, done.clip.result.mp4);
      return probeMedia(file);
    });
    // The clip is used as the provider delivered it (8 s at its own size and rate): the episode's one encode fits it.
    expect(probe.durationSeconds).toBeCloseTo(8, 1);
    const stream = probe.streams.find((s) => s.codecType === 'video')!;
    expect(stream.fps).toBe(24);
    expect([stream.width, stream.height]).toEqual([144, 256]);
  });

  it("sends a natively voiced scene's reference voices as files where the request has them, and none where it has only descriptions", async () => {
    // Prepare
    const server = await FakeOpenAiServer.ownedByTest();
    const video = new OpenAiVideoModel(connectionTo(server), 'sora-2', 1, 10);
    const keyframe = (
      await new OpenAiImageModel(connectionTo(server), 'gpt-image-1').drawReferenceSheet({
        character: request.scene.characters[0]!,
        seed: 1,
      })
    ).result.png;
    const lines = [{ characterId: 'ana', text: 'You came back.' }];
    const described = { characterId: 'ana', name: 'Ana', voice: 'a female voice, speaking at an even pace' };
    const clip = (speakers: ClipSpeaker[]) => ({
      keyframePng: keyframe,
      width: 180,
      height: 320,
      fps: 12,
      durationSeconds: 3,
      seed: 3,
      prompt: 'Harbour at dawn.',
      dialogue: { lines, speakers },
    });

    // Act
    await video.startClip(clip([{ ...described, referenceVoiceWav: Buffer.from('RIFF-ana-voice') }]));
    await video.startClip(clip([described]));

    // Assess
    const [withVoice, withoutVoice] = server.requestsTo('POST /v1/videos').map((r) => r.body.toString('latin1'));
    expect(withVoice).toMatch(/name="reference_voices\[\]"; filename="ana\.wav"/);
    expect(withVoice).toContain('RIFF-ana-voice');
    expect(withoutVoice).not.toContain('reference_voices');
  });
});
