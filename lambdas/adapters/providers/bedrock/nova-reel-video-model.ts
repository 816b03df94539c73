import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetAsyncInvokeCommand, StartAsyncInvokeCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ProviderContentFiltered, ProviderRejected } from '../../../core/errors.js';
import { probeMedia, withTempDir } from '../../media/ffmpeg.js';
import { coverToPng } from '../../media/media-fit.js';
import type { AsyncVideoModel, CallOptions, ClipJobStatus, ClipRequest, ProviderCallGuard } from '../../../core/ports.js';
import { rewriteForContentPolicy } from '../../../core/content-rewrite.js';
import { BEDROCK, guardedAwsCall } from './aws-call.js';

/** Nova Reel generates 1280x720 at 24 fps, in 6-second shots, from a prompt of at most 512 characters. */
const SHOT_SECONDS = 6;
const MAX_SECONDS = 120;
const MAX_PROMPT = 512;

/** clientRequestToken allows [a-zA-Z0-9-] only, up to 256 characters. */
export const clientRequestToken = (idempotencyKey: string) => idempotencyKey.replace(/[^a-zA-Z0-9]+/g, '-').slice(0, 256);

/**
 * Nova Reel through StartAsyncInvoke, writing into the production bucket; the video
 * worker polls GetAsyncInvoke by re-sending its queue message with a delay. A scene
 * of one shot starts from its keyframe (TEXT_VIDEO with an image); a longer scene
 * is a MULTI_SHOT_AUTOMATED job from the prompt alone (that task takes no image).
 * The landscape output is kept as delivered; the episode's encode crops it to the
 * manifest's frame. Usage is the duration of the
 * video Bedrock wrote, as probed.
 */
export class NovaReelVideoModel implements AsyncVideoModel {
  constructor(
    private readonly bedrock: BedrockRuntimeClient,
    private readonly s3: S3Client,
    private readonly guard: ProviderCallGuard,
    readonly model: string,
    private readonly outputBucket: string,
    readonly pollIntervalSeconds: number,
    readonly maxPolls: number,
  ) {}

  async startClip(request: ClipRequest, options: CallOptions = {}): Promise<{ jobId: string }> {
    const text = (options.contentRewrite ? rewriteForContentPolicy(request.prompt) : request.prompt).slice(0, MAX_PROMPT);
    const seconds = Math.min(MAX_SECONDS, Math.max(SHOT_SECONDS, Math.ceil(request.durationSeconds / SHOT_SECONDS) * SHOT_SECONDS));
    const seed = request.seed % 2_147_483_647;
    const modelInput =
      seconds === SHOT_SECONDS
        ? {
            taskType: 'TEXT_VIDEO',
            textToVideoParams: {
              text,
              images: [{ format: 'png', source: { bytes: (await coverToPng(request.keyframePng, 1280, 720, { provider: BEDROCK, model: this.model, usage: {} })).toString('base64') } }],
            },
            videoGenerationConfig: { durationSeconds: seconds, fps: 24, dimension: '1280x720', seed },
          }
        : { taskType: 'MULTI_SHOT_AUTOMATED', multiShotAutomatedParams: { text }, videoGenerationConfig: { durationSeconds: seconds, fps: 24, dimension: '1280x720', seed } };
    const token = options.idempotencyKey ? clientRequestToken(options.idempotencyKey) : undefined;
    const started = await guardedAwsCall(this.guard, (abortSignal) =>
      this.bedrock.send(
        new StartAsyncInvokeCommand({
          modelId: this.model,
          modelInput: modelInput as never,
          outputDataConfig: { s3OutputDataConfig: { s3Uri: `s3://${this.outputBucket}/provider-jobs/nova-reel/${token ?? Date.now()}` } },
          clientRequestToken: token,
        }),
        { abortSignal },
      ),
    );
    if (!started.invocationArn) throw new ProviderRejected(`${this.model}: StartAsyncInvoke returned no invocation ARN`);
    return { jobId: started.invocationArn };
  }

  async pollClip(jobId: string): Promise<ClipJobStatus> {
    const job = await guardedAwsCall(this.guard, (abortSignal) => this.bedrock.send(new GetAsyncInvokeCommand({ invocationArn: jobId }), { abortSignal }));
    if (job.status === 'InProgress') return { state: 'running' };
    if (job.status === 'Failed') {
      const reason = `${this.model} job ${jobId} failed: ${job.failureMessage ?? 'no reason given'}`;
      throw /content|filter|blocked/i.test(job.failureMessage ?? '') ? new ProviderContentFiltered(reason) : new ProviderRejected(reason);
    }
    const outputUri = job.outputDataConfig?.s3OutputDataConfig?.s3Uri;
    const match = outputUri ? /^s3:\/\/([^/]+)\/(.*)$/.exec(outputUri) : null;
    if (!match) throw new ProviderRejected(`${this.model} job ${jobId} completed without an S3 output`);
    const key = `${match[2]!.replace(/\/$/, '')}/output.mp4`;
    const object = await guardedAwsCall(this.guard, (abortSignal) => this.s3.send(new GetObjectCommand({ Bucket: match[1]!, Key: key }), { abortSignal }));
    const generated = Buffer.from(await object.Body!.transformToByteArray());
    const generatedSeconds = await withTempDir(async (dir) => {
      const file = path.join(dir, 'output.mp4');
      await writeFile(file, generated);
      return (await probeMedia(file)).durationSeconds ?? 0;
    });
    const billedSeconds = Math.round(generatedSeconds / SHOT_SECONDS) * SHOT_SECONDS;
    return { state: 'succeeded', clip: { result: { mp4: generated }, usage: { videoSeconds: billedSeconds }, provider: BEDROCK, model: this.model } };
  }
}
