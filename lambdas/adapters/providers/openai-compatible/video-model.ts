import { toFile } from 'openai';
import type { VideoSeconds, VideoSize } from 'openai/resources/videos';
import { ProviderContentFiltered, ProviderRejected } from '../../../core/contracts/errors.js';
import type { AsyncVideoModel, CallOptions, ClipJobStatus, ClipRequest } from '../../../core/contracts/ports.js';
import { rewriteForContentPolicy } from '../../../core/prompts/content-rewrite.js';
import { coverToPng } from '../../media/media-fit.js';
import { type OpenAiConnection, requestOptions } from './connection.js';
import { OPENAI_COMPATIBLE } from './settings.js';

const LENGTHS: readonly VideoSeconds[] = ['4', '8', '12'];

/** The shortest length the model generates that covers the scene; a longer scene holds the last frame. */
export function clipLength(durationSeconds: number): VideoSeconds {
  return LENGTHS.find((length) => Number(length) >= durationSeconds) ?? '12';
}

const sizeFor = (request: ClipRequest): VideoSize => (request.height >= request.width ? '720x1280' : '1280x720');

/**
 * The speakers' reference voices, for a gateway model the price table (or DRAMAFORGE_PRICE_OVERRIDES) marks as
 * taking one: one file each, `reference_voices[]`, named `<character id>.wav` in the order the speakers first
 * speak. OpenAI's own `POST /v1/videos` documents no audio input, so sora-2 gets none and hears each voice
 * described in the prompt; this field is this project's convention for a gateway that serves such a model.
 */
async function referenceVoices(request: ClipRequest) {
  const voiced = request.dialogue?.speakers.filter((speaker) => speaker.referenceVoiceWav) ?? [];
  if (voiced.length === 0) return {};
  return {
    reference_voices: await Promise.all(
      voiced.map((speaker) => toFile(speaker.referenceVoiceWav!, `${speaker.characterId}.wav`, { type: 'audio/wav' })),
    ),
  };
}

/**
 * Videos: `POST /v1/videos` with the keyframe as the input reference, then the
 * worker polls `GET /v1/videos/{id}` through the queue, then fetches
 * `GET /v1/videos/{id}/content`, kept as delivered (the episode's encode fits it). Usage is the seconds the
 * provider reports it generated.
 */
export class OpenAiVideoModel implements AsyncVideoModel {
  constructor(
    private readonly connection: OpenAiConnection,
    readonly model: string,
    readonly pollIntervalSeconds: number,
    readonly maxPolls: number,
  ) {}

  async startClip(request: ClipRequest, options: CallOptions = {}): Promise<{ jobId: string }> {
    const size = sizeFor(request);
    const [width, height] = size.split('x').map(Number) as [number, number];
    const charge = { provider: OPENAI_COMPATIBLE, model: this.model, usage: {} };
    const reference = await coverToPng(request.keyframePng, width, height, charge);
    const video = await this.connection.call(
      async (client, signal) =>
        client.videos.create(
          {
            model: this.model,
            prompt: options.contentRewrite ? rewriteForContentPolicy(request.prompt) : request.prompt,
            seconds: clipLength(request.durationSeconds),
            size,
            input_reference: await toFile(reference, 'keyframe.png', { type: 'image/png' }),
            ...(await referenceVoices(request)),
          },
          requestOptions(signal, options.idempotencyKey && `${options.idempotencyKey}:${this.model}`),
        ),
      options.attempts,
    );
    return { jobId: video.id };
  }

  async pollClip(jobId: string): Promise<ClipJobStatus> {
    const video = await this.connection.call((client, signal) => client.videos.retrieve(jobId, { signal }));
    if (video.status === 'queued' || video.status === 'in_progress') return { state: 'running' };
    if (video.status === 'failed') {
      const reason = `${this.model} job ${jobId} failed: ${video.error?.code ?? 'unknown'}: ${video.error?.message ?? ''}`;
      throw video.error?.code === 'moderation_blocked'
        ? new ProviderContentFiltered(reason)
        : new ProviderRejected(reason);
    }
    const generated = await this.connection.call(async (client, signal) => {
      const response = await client.videos.downloadContent(jobId, { variant: 'video' }, { signal });
      return Buffer.from(await response.arrayBuffer());
    });
    return {
      state: 'succeeded',
      clip: {
        result: { mp4: generated },
        usage: { videoSeconds: Number(video.seconds) },
        provider: OPENAI_COMPATIBLE,
        model: this.model,
      },
    };
  }
}
