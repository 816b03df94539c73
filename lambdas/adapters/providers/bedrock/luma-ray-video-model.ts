import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type BedrockRuntimeClient,
  GetAsyncInvokeCommand,
  ListAsyncInvokesCommand,
  StartAsyncInvokeCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ProviderContentFiltered, ProviderRejected } from '../../../core/contracts/errors.js';
import type {
  AsyncVideoModel,
  CallOptions,
  ClipJobStatus,
  ClipRequest,
  ProviderCallGuard,
} from '../../../core/contracts/ports.js';
import { rewriteForContentPolicy } from '../../../core/prompts/content-rewrite.js';
import { probeMedia, withTempDir } from '../../media/ffmpeg.js';
import { BEDROCK, guardedAwsCall } from './aws-call.js';

/**
 * Luma Ray 2 on Bedrock (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-luma.html, read
 * 2026-12-06): StartAsyncInvoke with `prompt` (1 to 5,000 characters), `aspect_ratio`, `loop`, `duration` ("5s" or
 * "9s") and `resolution` ("540p" or "720p"); the MP4 lands under the output S3 URI.
 */
const MAX_PROMPT = 5_000;
export const LUMA_DURATIONS = [5, 9] as const;
const ASPECT_RATIOS = ['1:1', '16:9', '9:16', '4:3', '3:4', '21:9', '9:21'] as const;
export type LumaResolution = '540p' | '720p';

/** How far before an attempt's hold the lookup of its invocation starts: the ledger's clock and Bedrock's may differ. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** clientRequestToken allows [a-zA-Z0-9-] only, up to 256 characters. */
export const clientRequestToken = (idempotencyKey: string) =>
  idempotencyKey.replace(/[^a-zA-Z0-9]+/g, '-').slice(0, 256);

/** The documented aspect ratio nearest the manifest's frame: a 1080x1920 drama asks for 9:16. */
export function nearestAspectRatio(width: number, height: number, choices: readonly string[] = ASPECT_RATIOS): string {
  const wanted = Math.log(width / height);
  const distance = (ratio: string) => {
    const [w, h] = ratio.split(':').map(Number) as [number, number];
    return Math.abs(Math.log(w / h) - wanted);
  };
  return [...choices].sort((a, b) => distance(a) - distance(b))[0]!;
}

/** The shortest documented duration that covers the scene, else the longest. */
export function lumaDuration(seconds: number): (typeof LUMA_DURATIONS)[number] {
  return LUMA_DURATIONS.find((step) => step >= seconds) ?? LUMA_DURATIONS[LUMA_DURATIONS.length - 1]!;
}

/**
 * The bucket and prefix an async invocation wrote to, as GetAsyncInvoke reports it, and the MP4 in it.
 * Bedrock writes the video as `output.mp4` under the reported URI.
 */
export async function readAsyncInvokeOutput(
  s3: S3Client,
  guard: ProviderCallGuard,
  model: string,
  jobId: string,
  outputUri: string | undefined,
): Promise<Buffer> {
  const match = outputUri ? /^s3:\/\/([^/]+)\/(.*)$/.exec(outputUri) : null;
  if (!match) throw new ProviderRejected(`${model} job ${jobId} completed without an S3 output`);
  const key = `${match[2]!.replace(/\/$/, '')}/output.mp4`;
  const object = await guardedAwsCall(guard, (abortSignal) =>
    s3.send(new GetObjectCommand({ Bucket: match[1]!, Key: key }), { abortSignal }),
  );
  return Buffer.from(await object.Body!.transformToByteArray());
}

/**
 * Luma Ray 2 through StartAsyncInvoke, writing into the production bucket; the video worker polls
 * GetAsyncInvoke by re-sending its queue message with a delay. The clip is asked in the documented
 * aspect ratio nearest the manifest's frame (9:16 for a vertical drama), 5 or 9 seconds. The
 * request documented on Bedrock takes a prompt and no image: the keyframe does not go with it.
 * Usage is the duration asked for (5 or 9 seconds), as Luma bills a generation.
 */
export class LumaRayVideoModel implements AsyncVideoModel {
  constructor(
    private readonly bedrock: BedrockRuntimeClient,
    private readonly s3: S3Client,
    private readonly guard: ProviderCallGuard,
    readonly model: string,
    private readonly outputBucket: string,
    readonly pollIntervalSeconds: number,
    readonly maxPolls: number,
    private readonly resolution: LumaResolution = '720p',
  ) {}

  async startClip(request: ClipRequest, options: CallOptions = {}): Promise<{ jobId: string }> {
    const prompt = (options.contentRewrite ? rewriteForContentPolicy(request.prompt) : request.prompt).slice(
      0,
      MAX_PROMPT,
    );
    const token = options.idempotencyKey ? clientRequestToken(options.idempotencyKey) : undefined;
    const modelInput = {
      prompt,
      aspect_ratio: nearestAspectRatio(request.width, request.height),
      loop: false,
      duration: `${lumaDuration(request.durationSeconds)}s`,
      resolution: this.resolution,
    };
    const invocationArn = await guardedAwsCall(
      this.guard,
      async (abortSignal) => {
        const started = await this.bedrock.send(
          new StartAsyncInvokeCommand({
            modelId: this.model,
            modelInput: modelInput as never,
            outputDataConfig: {
              s3OutputDataConfig: { s3Uri: `s3://${this.outputBucket}/provider-jobs/luma-ray/${token ?? Date.now()}` },
            },
            clientRequestToken: token,
          }),
          { abortSignal },
        );
        return started.invocationArn;
      },
      options.attempts,
      token ? (abortSignal, sentSince) => this.findInvocation(token, sentSince, abortSignal) : undefined,
    );
    if (!invocationArn) throw new ProviderRejected(`${this.model}: StartAsyncInvoke returned no invocation ARN`);
    return { jobId: invocationArn };
  }

  /**
   * The invocation an earlier StartAsyncInvoke under `token` started, if Bedrock has one: ListAsyncInvokes from a
   * little before the attempt's hold, oldest first, page by page until a summary carries the token (its
   * `clientRequestToken`) or the pages end. A list longer than the attempt's timeout allows fails the lookup like a
   * timed-out request, and the guard tries again; it never counts as "not there".
   */
  private async findInvocation(token: string, sentSince: Date, abortSignal: AbortSignal): Promise<string | undefined> {
    let nextToken: string | undefined;
    do {
      const page = await this.bedrock.send(
        new ListAsyncInvokesCommand({
          submitTimeAfter: new Date(sentSince.getTime() - CLOCK_SKEW_MS),
          sortBy: 'SubmissionTime',
          sortOrder: 'Ascending',
          maxResults: 100,
          nextToken,
        }),
        { abortSignal },
      );
      const found = page.asyncInvokeSummaries?.find((summary) => summary.clientRequestToken === token);
      if (found?.invocationArn) return found.invocationArn;
      nextToken = page.nextToken;
    } while (nextToken);
    return undefined;
  }

  async pollClip(jobId: string): Promise<ClipJobStatus> {
    const job = await guardedAwsCall(this.guard, (abortSignal) =>
      this.bedrock.send(new GetAsyncInvokeCommand({ invocationArn: jobId }), { abortSignal }),
    );
    if (job.status === 'InProgress') return { state: 'running' };
    if (job.status === 'Failed') {
      const reason = `${this.model} job ${jobId} failed: ${job.failureMessage ?? 'no reason given'}`;
      throw /content|filter|blocked|moderation/i.test(job.failureMessage ?? '')
        ? new ProviderContentFiltered(reason)
        : new ProviderRejected(reason);
    }
    const mp4 = await readAsyncInvokeOutput(
      this.s3,
      this.guard,
      this.model,
      jobId,
      job.outputDataConfig?.s3OutputDataConfig?.s3Uri,
    );
    const generatedSeconds = await withTempDir(async (dir) => {
      const file = path.join(dir, 'output.mp4');
      await writeFile(file, mp4);
      return (await probeMedia(file)).durationSeconds ?? 0;
    });
    return {
      state: 'succeeded',
      clip: {
        result: { mp4 },
        usage: { videoSeconds: lumaDuration(generatedSeconds - 0.5) },
        provider: BEDROCK,
        model: this.model,
      },
    };
  }
}
