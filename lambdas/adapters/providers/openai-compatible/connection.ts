import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import OpenAI from 'openai';
import * as z from 'zod';
import { ProviderNotConfigured } from '../../../core/contracts/errors.js';
import type { AttemptLedger, ProviderCallGuard } from '../../../core/contracts/ports.js';
import type { ChatAnswer } from '../../../core/prompts/answer-repair.js';
import { providerFailure } from './openai-failures.js';
import { OPENAI_COMPATIBLE, type OpenAiSettings, openAiMissingSettings } from './settings.js';

const SecretSchema = z.object({ apiKey: z.string().min(1), baseUrl: z.url().optional() });

/**
 * One openai client per process, built on first use (the secret is read once).
 * The client's own retries are off: the guard retries, with the shared rate limit.
 */
export class OpenAiConnection {
  private client?: Promise<OpenAI>;

  constructor(
    private readonly settings: OpenAiSettings,
    readonly guard: ProviderCallGuard,
    private readonly secrets: () => SecretsManagerClient = () => new SecretsManagerClient({}),
  ) {}

  private async build(): Promise<OpenAI> {
    let { apiKey, baseUrl } = this.settings;
    if (this.settings.secretArn) {
      const response = await this.secrets().send(new GetSecretValueCommand({ SecretId: this.settings.secretArn }));
      const parsed = SecretSchema.safeParse(JSON.parse(response.SecretString ?? '{}'));
      if (!parsed.success)
        throw new ProviderNotConfigured(
          'the provider secret must be JSON {"apiKey": "...", "baseUrl"?: "https://..."}',
        );
      apiKey = parsed.data.apiKey;
      baseUrl = parsed.data.baseUrl ?? baseUrl;
    }
    const missing = openAiMissingSettings({ ...this.settings, apiKey, baseUrl, secretArn: undefined });
    if (missing) throw new ProviderNotConfigured(`the openai-compatible profile is not configured: ${missing}`);
    return new OpenAI({ apiKey, baseURL: baseUrl, maxRetries: 0, timeout: this.settings.timeoutMs });
  }

  /**
   * Runs one API call through the guard, with its errors named for the pipeline. A billed request
   * passes its paid call's `attempts`, so each attempt the guard sends is on the ledger.
   */
  async call<T>(request: (client: OpenAI, signal: AbortSignal) => Promise<T>, attempts?: AttemptLedger): Promise<T> {
    this.client ??= this.build().catch((error: unknown) => {
      this.client = undefined;
      throw error;
    });
    const client = await this.client;
    return this.guard.run(async (signal) => {
      try {
        return await request(client, signal);
      } catch (error) {
        throw providerFailure(OPENAI_COMPATIBLE, error);
      }
    }, attempts);
  }
}

/**
 * Per-request options: the abort signal, and the Idempotency-Key header when the call
 * has a key (the openai client sets no idempotency header of its own).
 */
export function requestOptions(signal: AbortSignal, idempotencyKey: string | undefined) {
  return idempotencyKey ? { signal, headers: { 'Idempotency-Key': idempotencyKey } } : { signal };
}

/** A chat completion as the answer-repair loop reads it: the first choice's text, whether a filter stopped it, and the tokens billed. */
export function chatAnswerOf(completion: OpenAI.Chat.Completions.ChatCompletion): ChatAnswer {
  const choice = completion.choices[0];
  return {
    text: choice?.message.content ?? '',
    filtered: choice?.finish_reason === 'content_filter',
    usage: {
      inputTokens: completion.usage?.prompt_tokens ?? 0,
      outputTokens: completion.usage?.completion_tokens ?? 0,
    },
  };
}
