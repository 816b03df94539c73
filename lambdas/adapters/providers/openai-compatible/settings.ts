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
  if (!settings.apiKey)
    return 'set DRAMAFORGE_OPENAI_API_KEY (or OPENAI_API_KEY), or DRAMAFORGE_PROVIDER_SECRET_ARN in AWS';
  if (!settings.baseUrl) return 'set DRAMAFORGE_OPENAI_BASE_URL (or OPENAI_BASE_URL)';
  return undefined;
}

/**
 * `DRAMAFORGE_OPENAI_RESPONSE_FORMAT`: how scene cards and scripts are asked for. `json_schema` (the
 * default) is structured output, the answer held to its JSON schema by the provider; `json_object`
 * is JSON mode, for providers without structured output (DeepSeek): the answer is then only
 * checked here, with the repair prompt.
 */
export type ResponseFormatMode = 'json_schema' | 'json_object';

export function structuredOutputFromEnv(env: Record<string, string | undefined>): ResponseFormatMode {
  const mode = env.DRAMAFORGE_OPENAI_RESPONSE_FORMAT ?? 'json_schema';
  if (mode !== 'json_schema' && mode !== 'json_object')
    throw new Error(`DRAMAFORGE_OPENAI_RESPONSE_FORMAT: unknown value "${mode}" (use json_schema or json_object)`);
  return mode;
}
