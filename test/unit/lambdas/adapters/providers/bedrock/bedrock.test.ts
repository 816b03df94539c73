import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  GetAsyncInvokeCommand,
  InvokeModelCommand,
  StartAsyncInvokeCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { PollyClient, SynthesizeSpeechCommand } from '@aws-sdk/client-polly';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { loadImage } from '@napi-rs/canvas';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { runFfmpeg, withTempDir } from '../../../../../../lambdas/adapters/media/ffmpeg.js';
import { buildSceneVoiceTrack } from '../../../../../../lambdas/adapters/media/voice-track.js';
import { ConverseScriptWriter } from '../../../../../../lambdas/adapters/providers/bedrock/converse-script-writer.js';
import { EmbeddingConsistencyScorer } from '../../../../../../lambdas/adapters/providers/bedrock/embedding-consistency.js';
import { LumaRayVideoModel } from '../../../../../../lambdas/adapters/providers/bedrock/luma-ray-video-model.js';
import {
  PollySpeechModel,
  wordsFromSpeechMarks,
} from '../../../../../../lambdas/adapters/providers/bedrock/polly-speech-model.js';
import { StabilityImageModel } from '../../../../../../lambdas/adapters/providers/bedrock/stability-image-model.js';
import {
  DEFAULT_GUARD_SETTINGS,
  ProviderGuard,
} from '../../../../../../lambdas/composition/resilience/provider-guard.js';
import {
  ProviderContentFiltered,
  ProviderNotConfigured,
  ProviderRejected,
  ProviderThrottled,
} from '../../../../../../lambdas/core/contracts/errors.js';

const bedrock = new BedrockRuntimeClient({ region: 'us-east-1' });
const polly = new PollyClient({ region: 'us-east-1' });
const s3 = new S3Client({ region: 'us-east-1' });
const bedrockMock = mockClient(bedrock);
const pollyMock = mockClient(polly);
const s3Mock = mockClient(s3);
const guard = () =>
  new ProviderGuard(
    'bedrock',
    { take: async () => undefined },
    { ...DEFAULT_GUARD_SETTINGS, initialBackoffMs: 1, maxBackoffMs: 5 },
  );
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)) as never;
/** The part of an SDK stream body the adapters read. */
const stream = (bytes: Buffer) => ({ transformToByteArray: async () => new Uint8Array(bytes) }) as never;

const scene = {
  episodeId: 'ep01',
  sceneId: 's01',
  index: 0,
  location: 'Kitchen',
  outline: 'Ben reads the letter.',
  characters: [{ id: 'ben', name: 'Ben', description: 'bald, grey suit' }],
};

afterEach(() => {
  bedrockMock.reset();
  pollyMock.reset();
  s3Mock.reset();
});

async function png(width: number, height: number): Promise<Buffer> {
  const { stdout } = await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `color=c=red:s=${width}x${height}`,
    '-frames:v',
    '1',
    '-f',
    'image2pipe',
    '-c:v',
    'png',
    'pipe:1',
  ]);
  return stdout;
}

/** A Converse answer as Bedrock returns it: Ben's one line as the script JSON, with its usage. */
const converseAnswer = (line: string, usage: { inputTokens: number; outputTokens: number }) => ({
  output: {
    message: {
      role: 'assistant' as const,
      content: [{ text: JSON.stringify({ lines: [{ character: 'ben', line }] }) }],
    },
  },
  stopReason: 'end_turn' as const,
  usage: { ...usage, totalTokens: usage.inputTokens + usage.outputTokens },
  metrics: { latencyMs: 800 },
});

describe('bedrock profile', () => {
  it('writes a scene with Converse and takes usage from the response', async () => {
    // Prepare
    bedrockMock
      .on(ConverseCommand)
      .resolves(converseAnswer('So she wrote after all.', { inputTokens: 412, outputTokens: 37 }));
    const writer = new ConverseScriptWriter(bedrock, guard(), 'amazon.nova-lite-v1:0');

    // Act
    const metered = await writer.writeScene({ language: 'en-US', title: 'T', seed: 1, scene });

    // Assess
    expect(metered).toMatchObject({
      provider: 'bedrock',
      model: 'amazon.nova-lite-v1:0',
      usage: { inputTokens: 412, outputTokens: 37 },
    });
    expect(metered.result.lines).toEqual([{ character: 'ben', line: 'So she wrote after all.' }]);
    expect(bedrockMock).toHaveReceivedCommandWith(ConverseCommand, { modelId: 'amazon.nova-lite-v1:0' });
  });

  it('names a Converse throttle ProviderThrottled', async () => {
    // Prepare
    bedrockMock
      .on(ConverseCommand)
      .rejects(new ThrottlingException({ message: 'Too many requests', $metadata: { httpStatusCode: 429 } }));
    const writer = new ConverseScriptWriter(bedrock, guard(), 'amazon.nova-lite-v1:0');

    // Act
    const attempt = writer.writeScene({ language: 'en-US', title: 'T', seed: 1, scene });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ProviderThrottled);
  });

  it('scores consistency as the cosine of two Titan embeddings', async () => {
    // Prepare
    bedrockMock
      .on(InvokeModelCommand)
      .resolvesOnce({ body: encode({ embedding: [1, 0, 0], inputTextTokenCount: 0 }) })
      .resolvesOnce({ body: encode({ embedding: [0.6, 0.8, 0], inputTextTokenCount: 0 }) });
    const image = { png: await png(32, 32), width: 32, height: 32, regions: {} };
    const scorer = new EmbeddingConsistencyScorer(bedrock, guard(), 'amazon.titan-embed-image-v1');

    // Act
    const metered = await scorer.score({ keyframe: image, reference: image, characterId: 'ben' });

    // Assess
    expect(metered.result.score).toBeCloseTo(0.6, 10);
    expect(metered.usage).toEqual({ images: 2 });
  });

  it('retries a Titan answer whose body does not parse, as a broken response', async () => {
    // Prepare
    bedrockMock
      .on(InvokeModelCommand)
      .resolvesOnce({ body: new TextEncoder().encode('{"embedding": [1, 0') as never })
      .resolves({ body: encode({ embedding: [1, 0, 0], inputTextTokenCount: 0 }) });
    const image = { png: await png(32, 32), width: 32, height: 32, regions: {} };
    const scorer = new EmbeddingConsistencyScorer(bedrock, guard(), 'amazon.titan-embed-image-v1');

    // Act
    const metered = await scorer.score({ keyframe: image, reference: image, characterId: 'ben' });

    // Assess
    expect(metered.result.score).toBeCloseTo(1, 10);
    expect(bedrockMock.commandCalls(InvokeModelCommand)).toHaveLength(3);
  });

  /** Word marks as Polly returns them for `<speak><prosody rate="110%">So she wrote after all</prosody></speak>`, time in ms. */
  const wordMarks = [
    { time: 112, type: 'word', start: 31, end: 33, value: 'So' },
    { time: 298, type: 'word', start: 34, end: 37, value: 'she' },
    { time: 455, type: 'word', start: 38, end: 43, value: 'wrote' },
    { time: 741, type: 'word', start: 44, end: 49, value: 'after' },
    { time: 903, type: 'word', start: 50, end: 53, value: 'all' },
  ];
  const ndjson = (marks: object[]) => Buffer.from(`${marks.map((mark) => JSON.stringify(mark)).join('\n')}\n`);

  it('speaks with a Polly neural voice, asks for word speech marks of the same SSML, and bills both requests by RequestCharacters', async () => {
    // Prepare
    const pcm = Buffer.alloc(16_000 * 2);
    pollyMock
      .on(SynthesizeSpeechCommand, { OutputFormat: 'pcm' })
      .resolves({ AudioStream: stream(pcm), ContentType: 'audio/pcm', RequestCharacters: 21 });
    pollyMock.on(SynthesizeSpeechCommand, { OutputFormat: 'json' }).resolves({
      AudioStream: stream(ndjson(wordMarks)),
      ContentType: 'application/x-json-stream',
      RequestCharacters: 21,
    });
    const speech = new PollySpeechModel(polly, guard());

    // Act
    const metered = await speech.speak({
      text: 'So she wrote after all',
      language: 'en-US',
      characterId: 'ben',
      voice: { gender: 'male', rate: 1.1 },
    });

    // Assess
    const [audioCall, marksCall] = pollyMock.commandCalls(SynthesizeSpeechCommand).map((call) => call.args[0].input);
    expect(audioCall).toMatchObject({
      VoiceId: 'Matthew',
      Engine: 'neural',
      OutputFormat: 'pcm',
      SampleRate: '16000',
      TextType: 'ssml',
      LanguageCode: 'en-US',
    });
    expect(audioCall!.Text).toContain('<prosody rate="110%">');
    expect(marksCall).toEqual({
      VoiceId: audioCall!.VoiceId,
      Engine: audioCall!.Engine,
      LanguageCode: audioCall!.LanguageCode,
      TextType: 'ssml',
      Text: audioCall!.Text,
      OutputFormat: 'json',
      SpeechMarkTypes: ['word'],
    });
    expect(metered.usage).toEqual({ speechCharacters: 42 });
    expect(metered.result.durationSeconds).toBeCloseTo(1, 2);
    expect(metered.result.words).toEqual([
      { text: 'So', startSeconds: 0.112, endSeconds: 0.298 },
      { text: 'she', startSeconds: 0.298, endSeconds: 0.455 },
      { text: 'wrote', startSeconds: 0.455, endSeconds: 0.741 },
      { text: 'after', startSeconds: 0.741, endSeconds: 0.903 },
      { text: 'all', startSeconds: 0.903, endSeconds: 1 },
    ]);
  });

  it('refuses a language Polly has no neural voice for as ProviderNotConfigured', async () => {
    // Prepare
    const speech = new PollySpeechModel(polly, guard());

    // Act
    const attempt = speech.speak({ text: 'Xin chào', language: 'vi-VN', characterId: 'ben', voice: {} });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ProviderNotConfigured);
  });

  it("starts a line's subtitle cue at its first word mark", async () => {
    // Prepare
    const pcm = Buffer.alloc(16_000 * 2);
    pollyMock
      .on(SynthesizeSpeechCommand, { OutputFormat: 'pcm' })
      .resolves({ AudioStream: stream(pcm), RequestCharacters: 21 });
    pollyMock
      .on(SynthesizeSpeechCommand, { OutputFormat: 'json' })
      .resolves({ AudioStream: stream(ndjson(wordMarks)), RequestCharacters: 21 });
    const { result } = await new PollySpeechModel(polly, guard()).speak({
      text: 'So she wrote after all',
      language: 'en-US',
      characterId: 'ben',
      voice: {},
    });

    // Act
    const track = await buildSceneVoiceTrack(
      [{ characterId: 'ben', text: 'So she wrote after all', audio: result.wav, words: result.words }],
      { leadInSeconds: 0.4 },
    );

    // Assess
    expect(track.cues[0]!.startSeconds).toBeCloseTo(0.4 + 0.112, 3);
    expect(track.cues[0]!.endSeconds).toBeCloseTo(0.4 + 1, 3);
  });

  it('reads speech marks: an SSML tag ends the word before it and is no word, XML escapes are undone, times stay inside the audio', () => {
    // Prepare
    const marks = ndjson([
      { time: 0, type: 'sentence', start: 31, end: 80, value: 'Tom &amp; Jerry <break time="300ms"/> ran' },
      { time: 6, type: 'word', start: 31, end: 34, value: 'Tom' },
      { time: 350, type: 'word', start: 35, end: 40, value: '&amp;' },
      { time: 420, type: 'word', start: 41, end: 46, value: 'Jerry' },
      { time: 800, type: 'word', start: 47, end: 69, value: '<break time="300ms"/>' },
      { time: 1410, type: 'word', start: 70, end: 73, value: 'ran' },
    ]).toString('utf8');

    // Act
    const words = wordsFromSpeechMarks(marks, 1.2);

    // Assess
    expect(words).toEqual([
      { text: 'Tom', startSeconds: 0.006, endSeconds: 0.35 },
      { text: '&', startSeconds: 0.35, endSeconds: 0.42 },
      { text: 'Jerry', startSeconds: 0.42, endSeconds: 0.8 },
      { text: 'ran', startSeconds: 1.2, endSeconds: 1.2 },
    ]);
  });
});

/** A real MP4 of `seconds`, as Bedrock writes a finished job's output. */
async function mp4Of(seconds: number): Promise<Buffer> {
  return withTempDir(async (dir) => {
    const file = path.join(dir, 'o.mp4');
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      `testsrc=s=144x256:r=24:d=${seconds}`,
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-y',
      file,
    ]);
    return readFile(file);
  });
}

const job = (fields: object) => ({
  invocationArn: 'arn',
  modelArn: 'm',
  submitTime: new Date(),
  outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://b/x' } },
  ...fields,
});

describe("bedrock's live models, against their documented requests and answers", () => {
  it('asks Luma Ray 2 for a vertical clip of 5 seconds at 720p through StartAsyncInvoke into the bucket, polls it, and reads output.mp4 from S3', async () => {
    // Prepare
    const output = await mp4Of(5);
    bedrockMock.on(StartAsyncInvokeCommand).resolves({ invocationArn: 'arn:aws:bedrock:us-west-2:1:async-invoke/abc' });
    bedrockMock
      .on(GetAsyncInvokeCommand)
      .resolvesOnce(job({ status: 'InProgress' }))
      .resolves(
        job({
          status: 'Completed',
          outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://assets/provider-jobs/luma-ray/video-abc123/abc' } },
        }),
      );
    s3Mock
      .on(GetObjectCommand, { Bucket: 'assets', Key: 'provider-jobs/luma-ray/video-abc123/abc/output.mp4' })
      .resolves({ Body: stream(output) });
    const ray = new LumaRayVideoModel(bedrock, s3, guard(), 'luma.ray-v2:0', 'assets', 20, 100);
    const request = {
      keyframePng: await png(270, 480),
      width: 1080,
      height: 1920,
      fps: 30,
      durationSeconds: 4.2,
      seed: 5,
      prompt: 'Kitchen. Ben reads.',
    };

    // Act
    const { jobId } = await ray.startClip(request, { idempotencyKey: 'video#abc123' });
    const running = await ray.pollClip(jobId);
    const done = await ray.pollClip(jobId);

    // Assess
    const start = bedrockMock.commandCalls(StartAsyncInvokeCommand)[0]!.args[0].input;
    expect(start).toMatchObject({
      modelId: 'luma.ray-v2:0',
      clientRequestToken: 'video-abc123',
      outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://assets/provider-jobs/luma-ray/video-abc123' } },
    });
    expect(start.modelInput).toEqual({
      prompt: 'Kitchen. Ben reads.',
      aspect_ratio: '9:16',
      loop: false,
      duration: '5s',
      resolution: '720p',
    });
    expect(running).toEqual({ state: 'running' });
    expect(done.state === 'succeeded' && done.clip.usage).toEqual({ videoSeconds: 5 });
    expect(done.state === 'succeeded' && done.clip.result.mp4.equals(output)).toBe(true);
  });

  it('asks Luma Ray 2 for 9 seconds for a scene longer than 5, and 16:9 for a landscape manifest', async () => {
    // Prepare
    bedrockMock.on(StartAsyncInvokeCommand).resolves({ invocationArn: 'arn:aws:bedrock:us-west-2:1:async-invoke/abc' });
    const ray = new LumaRayVideoModel(bedrock, s3, guard(), 'luma.ray-v2:0', 'assets', 20, 100);

    // Act
    await ray.startClip({
      keyframePng: Buffer.alloc(0),
      width: 1920,
      height: 1080,
      fps: 30,
      durationSeconds: 7,
      seed: 5,
      prompt: 'Harbour.',
    });

    // Assess
    expect(bedrockMock.commandCalls(StartAsyncInvokeCommand)[0]!.args[0].input.modelInput).toMatchObject({
      aspect_ratio: '16:9',
      duration: '9s',
    });
  });

  it('names a failed Luma job by its failure message: a content refusal ProviderContentFiltered, anything else ProviderRejected', async () => {
    // Prepare
    bedrockMock
      .on(GetAsyncInvokeCommand)
      .resolvesOnce(job({ status: 'Failed', failureMessage: 'The prompt was blocked by content moderation' }))
      .resolves(job({ status: 'Failed', failureMessage: 'Internal error' }));
    const ray = new LumaRayVideoModel(bedrock, s3, guard(), 'luma.ray-v2:0', 'assets', 20, 100);

    // Act
    const filtered = await ray.pollClip('arn').catch((error: unknown) => error);
    const rejected = await ray.pollClip('arn').catch((error: unknown) => error);

    // Assess
    expect(filtered).toBeInstanceOf(ProviderContentFiltered);
    expect(rejected).toBeInstanceOf(ProviderRejected);
  });

  it("names StartAsyncInvoke's documented ValidationException ProviderRejected and its ThrottlingException ProviderThrottled", async () => {
    // Prepare
    bedrockMock
      .on(StartAsyncInvokeCommand)
      .rejectsOnce(new ValidationException({ message: 'Malformed input request', $metadata: { httpStatusCode: 400 } }))
      .rejects(new ThrottlingException({ message: 'Too many requests', $metadata: { httpStatusCode: 429 } }));
    const ray = new LumaRayVideoModel(bedrock, s3, guard(), 'luma.ray-v2:0', 'assets', 20, 100);
    const request = {
      keyframePng: Buffer.alloc(0),
      width: 1080,
      height: 1920,
      fps: 30,
      durationSeconds: 4,
      seed: 5,
      prompt: 'x',
    };

    // Act
    const invalid = await ray.startClip(request).catch((error: unknown) => error);
    const throttled = await ray.startClip(request).catch((error: unknown) => error);

    // Assess
    expect(invalid).toBeInstanceOf(ProviderRejected);
    expect(throttled).toBeInstanceOf(ProviderThrottled);
  });

  it('draws a vertical keyframe with Stable Image Core in 9:16 and fits it to the frame', async () => {
    // Prepare
    bedrockMock.on(InvokeModelCommand).resolves({
      body: encode({ seeds: [9], finish_reasons: [null], images: [(await png(576, 1024)).toString('base64')] }),
    });
    const images = new StabilityImageModel(bedrock, guard(), 'stability.stable-image-core-v1:1');

    // Act
    const metered = await images.drawKeyframe({
      scene,
      width: 270,
      height: 480,
      seed: 9,
      references: { ben: await png(64, 64) },
    });

    // Assess
    const call = bedrockMock.commandCalls(InvokeModelCommand)[0]!.args[0].input;
    expect(call.modelId).toBe('stability.stable-image-core-v1:1');
    const body = JSON.parse(String(call.body));
    expect(body).toMatchObject({ aspect_ratio: '9:16', seed: 9, output_format: 'png' });
    expect(body.prompt).toContain('Ben');
    expect(metered.usage).toEqual({ images: 1 });
    const decoded = await loadImage(metered.result.png);
    expect([decoded.width, decoded.height]).toEqual([270, 480]);
  });

  it('names Stability\'s documented finish reason "Filter reason: prompt" ProviderContentFiltered', async () => {
    // Prepare
    bedrockMock.on(InvokeModelCommand).resolves({ body: encode({ finish_reasons: ['Filter reason: prompt'] }) });
    const images = new StabilityImageModel(bedrock, guard(), 'stability.stable-image-core-v1:1');

    // Act
    const attempt = images.drawReferenceSheet({ character: scene.characters[0]!, seed: 1 } as never);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ProviderContentFiltered);
  });

  it('scores consistency with Nova Multimodal Embeddings: a SINGLE_EMBEDDING of each image inline, the cosine of the two vectors', async () => {
    // Prepare
    bedrockMock
      .on(InvokeModelCommand)
      .resolvesOnce({ body: encode({ embeddings: [{ embeddingType: 'IMAGE', embedding: [1, 0, 0] }] }) })
      .resolvesOnce({ body: encode({ embeddings: [{ embeddingType: 'IMAGE', embedding: [0.6, 0.8, 0] }] }) });
    const image = { png: await png(32, 32), width: 32, height: 32, regions: {} };
    const scorer = new EmbeddingConsistencyScorer(bedrock, guard(), 'amazon.nova-2-multimodal-embeddings-v1:0');

    // Act
    const metered = await scorer.score({ keyframe: image, reference: image, characterId: 'ben' });

    // Assess
    const body = JSON.parse(String(bedrockMock.commandCalls(InvokeModelCommand)[0]!.args[0].input.body));
    expect(body).toEqual({
      schemaVersion: 'nova-multimodal-embed-v1',
      taskType: 'SINGLE_EMBEDDING',
      singleEmbeddingParams: {
        embeddingPurpose: 'GENERIC_INDEX',
        embeddingDimension: 1024,
        image: { detailLevel: 'STANDARD_IMAGE', format: 'png', source: { bytes: image.png.toString('base64') } },
      },
    });
    expect(metered.result.score).toBeCloseTo(0.6, 10);
    expect(metered).toMatchObject({ model: 'amazon.nova-2-multimodal-embeddings-v1:0', usage: { images: 2 } });
  });

  it('calls Nova 2 Lite by its cross-Region inference profile id', async () => {
    // Prepare
    bedrockMock.on(ConverseCommand).resolves(converseAnswer('Hi.', { inputTokens: 10, outputTokens: 5 }));
    const writer = new ConverseScriptWriter(bedrock, guard(), 'us.amazon.nova-2-lite-v1:0');

    // Act
    await writer.writeScene({ language: 'en-US', title: 'T', seed: 1, scene });

    // Assess
    expect(bedrockMock).toHaveReceivedCommandWith(ConverseCommand, { modelId: 'us.amazon.nova-2-lite-v1:0' });
  });
});
