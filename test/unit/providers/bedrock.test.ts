import { BedrockRuntimeClient, ConverseCommand, GetAsyncInvokeCommand, InvokeModelCommand, StartAsyncInvokeCommand, ThrottlingException, ValidationException } from '@aws-sdk/client-bedrock-runtime';
import { PollyClient, SynthesizeSpeechCommand } from '@aws-sdk/client-polly';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadImage } from '@napi-rs/canvas';
import { afterEach, describe, expect, it } from 'vitest';
import { ConverseScriptWriter } from '../../../lambdas/adapters/providers/bedrock/converse-script-writer.js';
import { NovaCanvasImageModel } from '../../../lambdas/adapters/providers/bedrock/nova-canvas-image-model.js';
import { NovaReelVideoModel } from '../../../lambdas/adapters/providers/bedrock/nova-reel-video-model.js';
import { PollySpeechModel, wordsFromSpeechMarks } from '../../../lambdas/adapters/providers/bedrock/polly-speech-model.js';
import { TitanEmbeddingConsistencyScorer } from '../../../lambdas/adapters/providers/bedrock/titan-embedding-consistency.js';
import { DEFAULT_GUARD_SETTINGS, ProviderGuard } from '../../../lambdas/composition/resilience/provider-guard.js';
import { ProviderContentFiltered, ProviderNotConfigured, ProviderRejected, ProviderThrottled } from '../../../lambdas/core/errors.js';
import { runFfmpeg, withTempDir } from '../../../lambdas/adapters/media/ffmpeg.js';
import { buildSceneVoiceTrack } from '../../../lambdas/adapters/media/voice-track.js';

const bedrock = new BedrockRuntimeClient({ region: 'us-east-1' });
const polly = new PollyClient({ region: 'us-east-1' });
const s3 = new S3Client({ region: 'us-east-1' });
const bedrockMock = mockClient(bedrock);
const pollyMock = mockClient(polly);
const s3Mock = mockClient(s3);
const guard = () => new ProviderGuard('bedrock', { take: async () => undefined }, { ...DEFAULT_GUARD_SETTINGS, initialBackoffMs: 1, maxBackoffMs: 5 });
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
  const { stdout } = await runFfmpeg(['-f', 'lavfi', '-i', `color=c=red:s=${width}x${height}`, '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', 'pipe:1']);
  return stdout;
}

describe('bedrock profile', () => {
  it('writes a scene with Converse and takes usage from the response', async () => {
    // Prepare
    bedrockMock.on(ConverseCommand).resolves({
      output: { message: { role: 'assistant', content: [{ text: '{"lines":[{"character":"ben","line":"So she wrote after all."}]}' }] } },
      stopReason: 'end_turn',
      usage: { inputTokens: 412, outputTokens: 37, totalTokens: 449 },
      metrics: { latencyMs: 800 },
    });
    const writer = new ConverseScriptWriter(bedrock, guard(), 'amazon.nova-lite-v1:0');

    // Act
    const metered = await writer.writeScene({ language: 'en-US', title: 'T', seed: 1, scene });

    // Assess
    expect(metered).toMatchObject({ provider: 'bedrock', model: 'amazon.nova-lite-v1:0', usage: { inputTokens: 412, outputTokens: 37 } });
    expect(metered.result.lines).toEqual([{ character: 'ben', line: 'So she wrote after all.' }]);
    expect(bedrockMock).toHaveReceivedCommandWith(ConverseCommand, { modelId: 'amazon.nova-lite-v1:0' });
  });

  it('names a Converse throttle ProviderThrottled', async () => {
    // Prepare
    bedrockMock.on(ConverseCommand).rejects(new ThrottlingException({ message: 'Too many requests', $metadata: { httpStatusCode: 429 } }));
    const writer = new ConverseScriptWriter(bedrock, guard(), 'amazon.nova-lite-v1:0');

    // Act
    const attempt = writer.writeScene({ language: 'en-US', title: 'T', seed: 1, scene });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ProviderThrottled);
  });

  it('names a Nova Canvas content-filter refusal ProviderContentFiltered', async () => {
    // Prepare
    bedrockMock.on(InvokeModelCommand).rejects(new ValidationException({ message: 'This request has been blocked by our content filters.', $metadata: { httpStatusCode: 400 } }));
    const images = new NovaCanvasImageModel(bedrock, guard(), 'amazon.nova-canvas-v1:0');

    // Act
    const attempt = images.drawReferenceSheet({ character: scene.characters[0]!, seed: 3 });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ProviderContentFiltered);
  });

  it('draws a keyframe with Nova Canvas as a variation of the reference sheets, at a 16-pixel size inside 1024', async () => {
    // Prepare
    bedrockMock.on(InvokeModelCommand).resolves({ body: encode({ images: [(await png(576, 1024)).toString('base64')] }), contentType: 'application/json' });
    const sheet = await png(64, 64);
    const images = new NovaCanvasImageModel(bedrock, guard(), 'amazon.nova-canvas-v1:0');

    // Act
    const metered = await images.drawKeyframe({ scene, width: 270, height: 480, seed: 9, references: { ben: sheet } });

    // Assess
    const body = JSON.parse(String(bedrockMock.commandCalls(InvokeModelCommand)[0]!.args[0].input.body));
    expect(body.taskType).toBe('IMAGE_VARIATION');
    expect(body.imageVariationParams.images).toEqual([sheet.toString('base64')]);
    expect(body.imageGenerationConfig).toMatchObject({ width: 576, height: 1024 });
    expect(metered.usage).toEqual({ images: 1 });
    const decoded = await loadImage(metered.result.png);
    expect([decoded.width, decoded.height]).toEqual([270, 480]);
  });

  it('scores consistency as the cosine of two Titan embeddings', async () => {
    // Prepare
    bedrockMock
      .on(InvokeModelCommand)
      .resolvesOnce({ body: encode({ embedding: [1, 0, 0], inputTextTokenCount: 0 }) })
      .resolvesOnce({ body: encode({ embedding: [0.6, 0.8, 0], inputTextTokenCount: 0 }) });
    const image = { png: await png(32, 32), width: 32, height: 32, regions: {} };
    const scorer = new TitanEmbeddingConsistencyScorer(bedrock, guard(), 'amazon.titan-embed-image-v1');

    // Act
    const metered = await scorer.score({ keyframe: image, reference: image, characterId: 'ben' });

    // Assess
    expect(metered.result).toBeCloseTo(0.6, 10);
    expect(metered.usage).toEqual({ images: 2 });
  });

  it('retries a Titan answer whose body does not parse, as a broken response', async () => {
    // Prepare
    bedrockMock
      .on(InvokeModelCommand)
      .resolvesOnce({ body: new TextEncoder().encode('{"embedding": [1, 0') as never })
      .resolves({ body: encode({ embedding: [1, 0, 0], inputTextTokenCount: 0 }) });
    const image = { png: await png(32, 32), width: 32, height: 32, regions: {} };
    const scorer = new TitanEmbeddingConsistencyScorer(bedrock, guard(), 'amazon.titan-embed-image-v1');

    // Act
    const metered = await scorer.score({ keyframe: image, reference: image, characterId: 'ben' });

    // Assess
    expect(metered.result).toBeCloseTo(1, 10);
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
  const ndjson = (marks: object[]) => Buffer.from(marks.map((mark) => JSON.stringify(mark)).join('\n') + '\n');

  it('speaks with a Polly neural voice, asks for word speech marks of the same SSML, and bills both requests by RequestCharacters', async () => {
    // Prepare
    const pcm = Buffer.alloc(16_000 * 2);
    pollyMock.on(SynthesizeSpeechCommand, { OutputFormat: 'pcm' }).resolves({ AudioStream: stream(pcm), ContentType: 'audio/pcm', RequestCharacters: 21 });
    pollyMock.on(SynthesizeSpeechCommand, { OutputFormat: 'json' }).resolves({ AudioStream: stream(ndjson(wordMarks)), ContentType: 'application/x-json-stream', RequestCharacters: 21 });
    const speech = new PollySpeechModel(polly, guard());

    // Act
    const metered = await speech.speak({ text: 'So she wrote after all', language: 'en-US', characterId: 'ben', voice: { gender: 'male', rate: 1.1 } });

    // Assess
    const [audioCall, marksCall] = pollyMock.commandCalls(SynthesizeSpeechCommand).map((call) => call.args[0].input);
    expect(audioCall).toMatchObject({ VoiceId: 'Matthew', Engine: 'neural', OutputFormat: 'pcm', SampleRate: '16000', TextType: 'ssml', LanguageCode: 'en-US' });
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

  it('starts a line\'s subtitle cue at its first word mark', async () => {
    // Prepare
    const pcm = Buffer.alloc(16_000 * 2);
    pollyMock.on(SynthesizeSpeechCommand, { OutputFormat: 'pcm' }).resolves({ AudioStream: stream(pcm), RequestCharacters: 21 });
    pollyMock.on(SynthesizeSpeechCommand, { OutputFormat: 'json' }).resolves({ AudioStream: stream(ndjson(wordMarks)), RequestCharacters: 21 });
    const { result } = await new PollySpeechModel(polly, guard()).speak({ text: 'So she wrote after all', language: 'en-US', characterId: 'ben', voice: {} });

    // Act
    const track = await buildSceneVoiceTrack([{ characterId: 'ben', text: 'So she wrote after all', audio: result.wav, words: result.words }], { leadInSeconds: 0.4 });

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

  it('runs Nova Reel as an async job: start with a client token, poll, fetch the output from S3', async () => {
    // Prepare
    const output = await withTempDir(async (dir) => {
      const file = path.join(dir, 'o.mp4');
      await runFfmpeg(['-f', 'lavfi', '-i', 'testsrc=s=256x144:r=24:d=6', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-y', file]);
      return readFile(file);
    });
    bedrockMock.on(StartAsyncInvokeCommand).resolves({ invocationArn: 'arn:aws:bedrock:us-east-1:1:async-invoke/abc' });
    bedrockMock
      .on(GetAsyncInvokeCommand)
      .resolvesOnce({ status: 'InProgress', invocationArn: 'arn', modelArn: 'm', submitTime: new Date(), outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://b/x' } } })
      .resolvesOnce({ status: 'Completed', invocationArn: 'arn', modelArn: 'm', submitTime: new Date(), outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://assets/provider-jobs/nova-reel/video-abc' } } })
      .resolves({ status: 'Failed', failureMessage: 'Internal error', invocationArn: 'arn', modelArn: 'm', submitTime: new Date(), outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://b/x' } } });
    s3Mock.on(GetObjectCommand, { Bucket: 'assets', Key: 'provider-jobs/nova-reel/video-abc/output.mp4' }).resolves({ Body: stream(output) });
    const reel = new NovaReelVideoModel(bedrock, s3, guard(), 'amazon.nova-reel-v1:1', 'assets', 20, 100);
    const request = { keyframePng: await png(270, 480), width: 270, height: 480, fps: 12, durationSeconds: 4.5, seed: 5, prompt: 'Kitchen. Ben reads.' };

    // Act: the job's life, start to a poll after it failed
    const { jobId } = await reel.startClip(request, { idempotencyKey: 'video#abc123' });
    const running = await reel.pollClip(jobId);
    const done = await reel.pollClip(jobId);
    const failed = await reel.pollClip(jobId).catch((error: unknown) => error);

    // Assess
    expect(jobId).toBe('arn:aws:bedrock:us-east-1:1:async-invoke/abc');
    const start = bedrockMock.commandCalls(StartAsyncInvokeCommand)[0]!.args[0].input;
    expect(start.clientRequestToken).toBe('video-abc123');
    expect(start.outputDataConfig?.s3OutputDataConfig?.s3Uri).toBe('s3://assets/provider-jobs/nova-reel/video-abc123');
    expect(start.modelInput).toMatchObject({ taskType: 'TEXT_VIDEO', videoGenerationConfig: { durationSeconds: 6, dimension: '1280x720' } });
    expect(running).toEqual({ state: 'running' });
    expect(done.state === 'succeeded' && done.clip.usage).toEqual({ videoSeconds: 6 });
    expect(failed).toBeInstanceOf(ProviderRejected);
  });
});
