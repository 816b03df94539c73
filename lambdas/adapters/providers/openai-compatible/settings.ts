/**
 * The openai-compatible profile's settings, apart from its SDK: validation and `estimate` read
 * them without loading the openai client.
 */
export const OPENAI_COMPATIBLE = 'openai-compatible';

export interface OpenAiSettings {
  baseUrl?: string;
  apiKey?: string;
  /** In AWS the key (and optionally the base URL) come from this secret instead of the environment. */
  secretArn?: string;
  /** Per attempt; the guard's timeout is the one that counts, this stops the socket too. */
  timeoutMs: number;
}

/** Where the key and base URL come from: the environment locally, Secrets Manager in AWS. */
export function openAiSettingsFromEnv(env: NodeJS.ProcessEnv): OpenAiSettings {
  return {
    baseUrl: env.DRAMAFORGE_OPENAI_BASE_URL ?? env.OPENAI_BASE_URL,
    apiKey: env.DRAMAFORGE_OPENAI_API_KEY ?? env.OPENAI_API_KEY,
    secretArn: env.DRAMAFORGE_PROVIDER_SECRET_ARN,
    timeoutMs: 120_000,
  };
}

export function openAiMissingSettings(settings: OpenAiSettings): string | undefined {
  if (settings.secretArn) return undefined;
  if (!settings.apiKey) return 'set DRAMAFORGE_OPENAI_API_KEY (or OPENAI_API_KEY), or DRAMAFORGE_PROVIDER_SECRET_ARN in AWS';
  if (!settings.baseUrl) return 'set DRAMAFORGE_OPENAI_BASE_URL (or OPENAI_BASE_URL)';
  return undefined;
}
