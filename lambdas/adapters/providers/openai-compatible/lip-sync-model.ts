import { ProviderContentFiltered, ProviderRejected } from '../../../core/contracts/errors.js';
import type {
  AsyncLipSyncModel,
  CallOptions,
  LipSyncJobStatus,
  LipSyncRequest,
} from '../../../core/contracts/ports.js';
import { type OpenAiConnection, requestOptions } from './connection.js';
import { OPENAI_COMPATIBLE } from './settings.js';

/** A gateway's lip-sync job, shaped like its video jobs. */
interface LipSyncJob {
  id: string;
  status: 'queued' | 'in_progress' | 'completed' | 'failed';
  /** Seconds of video the job re-rendered, as billed; absent on gateways that do not say. */
  seconds?: number | string;
  error?: { code?: string; message?: string } | null;
}

/** Where a gateway serves lip-sync, relative to its base URL, when DRAMAFORGE_OPENAI_LIPSYNC_PATH does not say. */
export const DEFAULT_LIP_SYNC_PATH = '/lipsync';

/**
 * Lip-sync on an OpenAI-compatible gateway, with the request of the source notes'
 * `sync_audio_lips(video, audio, language, sync_mode)`: `POST <path>` as multipart (model,
 * video, audio, language, sync_mode) starts a job, `GET <path>/{id}` polls it, and
 * `GET <path>/{id}/content` fetches the MP4, the same job shape as the gateway's videos.
 * The path is configurable because gateways mount it where they like.
 */
export class OpenAiLipSyncModel implements AsyncLipSyncModel {
  private readonly path: string;

  constructor(
    private readonly connection: OpenAiConnection,
    readonly model: string,
    readonly pollIntervalSeconds: number,
    path: string = DEFAULT_LIP_SYNC_PATH,
  ) {
    this.path = `/${path.replace(/^\/+|\/+$/g, '')}`;
  }

  async startSync(request: LipSyncRequest, options: CallOptions = {}): Promise<{ jobId: string }> {
    const form = new FormData();
    form.append('model', this.model);
    form.append('video', new Blob([new Uint8Array(request.video)], { type: 'video/mp4' }), 'clip.mp4');
    form.append('audio', new Blob([new Uint8Array(request.audio)], { type: 'audio/wav' }), 'voice.wav');
    form.append('language', request.language);
    form.append('sync_mode', request.syncMode);
    const job = await this.connection.call(
      (client, signal) =>
        client.post<LipSyncJob>(this.path, {
          body: form,
          ...requestOptions(signal, options.idempotencyKey && `${options.idempotencyKey}:${this.model}`),
        }),
      options.attempts,
    );
    if (!job?.id) throw new ProviderRejected(`${this.model} at ${this.path} answered without a job id`);
    return { jobId: job.id };
  }

  async pollSync(jobId: string, request: LipSyncRequest): Promise<LipSyncJobStatus> {
    const job = await this.connection.call((client, signal) =>
      client.get<LipSyncJob>(`${this.path}/${encodeURIComponent(jobId)}`, { signal }),
    );
    if (job.status === 'queued' || job.status === 'in_progress') return { state: 'running' };
    if (job.status === 'failed') {
      const reason = `${this.model} lip-sync job ${jobId} failed: ${job.error?.code ?? 'unknown'}: ${job.error?.message ?? ''}`;
      throw job.error?.code === 'moderation_blocked'
        ? new ProviderContentFiltered(reason)
        : new ProviderRejected(reason);
    }
    const synced = await this.connection.call(async (client, signal) => {
      const response = await client.get<Response>(`${this.path}/${encodeURIComponent(jobId)}/content`, {
        signal,
        __binaryResponse: true,
      });
      return Buffer.from(await response.arrayBuffer());
    });
    const seconds = Number(job.seconds ?? request.durationSeconds);
    return {
      state: 'succeeded',
      synced: {
        result: { mp4: synced },
        usage: { lipSyncSeconds: seconds },
        provider: OPENAI_COMPATIBLE,
        model: this.model,
      },
    };
  }
}
