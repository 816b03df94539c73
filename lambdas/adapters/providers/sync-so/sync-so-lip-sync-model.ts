import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { ProviderNotConfigured, ProviderRejected } from '../../../core/contracts/errors.js';
import type {
  AsyncLipSyncModel,
  CallOptions,
  LipSyncJobStatus,
  LipSyncRequest,
  ProviderCallGuard,
} from '../../../core/contracts/ports.js';
import { failureFromHttpResponse, malformedBodyFailure } from '../../../core/domain/provider-failures.js';
import { SYNC_SO, type SyncSoSettings, syncSoMissingSettings } from './settings.js';

const GenerationSchema = z.object({
  id: z.string().min(1),
  status: z.enum(['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'REJECTED', 'CANCELED']),
  outputUrl: z.string().nullish(),
  outputDuration: z.number().nullish(),
  error: z.string().nullish(),
});
type Generation = z.output<typeof GenerationSchema>;

const SecretSchema = z.object({ syncSoApiKey: z.string().min(1) });

/**
 * sync.so's lip-sync API (https://docs.sync.so/api-reference): `POST /v2/generate` with the
 * clip and the voice track by URL (presigned reads of the bucket's objects) starts a
 * generation; `GET /v2/generate/{id}` polls it until it is COMPLETED with an `outputUrl`.
 * The clip and the voice track are equally long, so sync.so's own `sync_mode` (what to do
 * when they differ) is `cut_off`; the manifest's mode picks the model (lipsync-2 or -pro).
 */
export class SyncSoLipSyncModel implements AsyncLipSyncModel {
  private apiKey?: Promise<string>;

  constructor(
    private readonly settings: SyncSoSettings,
    private readonly guard: ProviderCallGuard,
    readonly model: string,
    readonly pollIntervalSeconds: number,
    private readonly shareObject: (key: string) => Promise<string>,
    private readonly secrets: () => SecretsManagerClient = () => new SecretsManagerClient({}),
  ) {}

  private key(): Promise<string> {
    this.apiKey ??= (async () => {
      const missing = syncSoMissingSettings(this.settings);
      if (missing) throw new ProviderNotConfigured(`sync.so is not configured: ${missing}`);
      if (this.settings.apiKey) return this.settings.apiKey;
      const response = await this.secrets().send(new GetSecretValueCommand({ SecretId: this.settings.secretArn }));
      const parsed = SecretSchema.safeParse(JSON.parse(response.SecretString ?? '{}'));
      if (!parsed.success) throw new ProviderNotConfigured('the provider secret has no "syncSoApiKey" for sync.so');
      return parsed.data.syncSoApiKey;
    })().catch((error: unknown) => {
      this.apiKey = undefined;
      throw error;
    });
    return this.apiKey;
  }

  private async api(path: string, init: { method: 'GET' | 'POST'; body?: unknown }): Promise<Generation> {
    const apiKey = await this.key();
    return this.guard.run(async (signal) => {
      const response = await fetch(`${this.settings.baseUrl.replace(/\/+$/, '')}${path}`, {
        method: init.method,
        headers: { 'x-api-key': apiKey, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.settings.timeoutMs)]),
      });
      const text = await response.text();
      if (!response.ok)
        throw failureFromHttpResponse(
          SYNC_SO,
          response.status,
          { 'retry-after': response.headers.get('retry-after') ?? undefined },
          text,
        );
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (error) {
        throw malformedBodyFailure(SYNC_SO, text, (error as Error).message);
      }
      const parsed = GenerationSchema.safeParse(body);
      if (!parsed.success)
        throw malformedBodyFailure(SYNC_SO, text, parsed.error.issues[0]?.message ?? 'not a generation');
      return parsed.data;
    });
  }

  async startSync(request: LipSyncRequest, _options: CallOptions = {}): Promise<{ jobId: string }> {
    const [videoUrl, audioUrl] = await Promise.all([
      this.shareObject(request.videoKey),
      this.shareObject(request.audioKey),
    ]);
    const generation = await this.api('/v2/generate', {
      method: 'POST',
      body: {
        model: this.model,
        input: [
          { type: 'video', url: videoUrl },
          { type: 'audio', url: audioUrl },
        ],
        options: { sync_mode: 'cut_off', output_format: 'mp4' },
      },
    });
    return { jobId: generation.id };
  }

  async pollSync(jobId: string, request: LipSyncRequest): Promise<LipSyncJobStatus> {
    const generation = await this.api(`/v2/generate/${encodeURIComponent(jobId)}`, { method: 'GET' });
    if (generation.status === 'PENDING' || generation.status === 'PROCESSING') return { state: 'running' };
    if (generation.status !== 'COMPLETED' || !generation.outputUrl) {
      throw new ProviderRejected(
        `sync.so generation ${jobId} ended ${generation.status}: ${generation.error ?? 'no output'}`,
      );
    }
    const outputUrl = generation.outputUrl;
    const synced = await this.guard.run(async (signal) => {
      const response = await fetch(outputUrl, { signal });
      if (!response.ok) throw failureFromHttpResponse(SYNC_SO, response.status, {}, await response.text());
      return Buffer.from(await response.arrayBuffer());
    });
    return {
      state: 'succeeded',
      synced: {
        result: { mp4: synced },
        usage: { lipSyncSeconds: generation.outputDuration ?? request.durationSeconds },
        provider: SYNC_SO,
        model: this.model,
      },
    };
  }
}
