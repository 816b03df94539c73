/** sync.so's own lip-sync API, apart from its client: validation and `estimate` read these without loading it. */
export const SYNC_SO = 'sync-so';

export const DEFAULT_SYNC_SO_BASE_URL = 'https://api.sync.so';

export interface SyncSoSettings {
  baseUrl: string;
  apiKey?: string;
  /** In AWS the key comes from the provider secret's `syncSoApiKey` field instead of the environment. */
  secretArn?: string;
  timeoutMs: number;
}

export function syncSoSettingsFromEnv(env: NodeJS.ProcessEnv): SyncSoSettings {
  return {
    baseUrl: env.DRAMAFORGE_SYNC_SO_BASE_URL ?? DEFAULT_SYNC_SO_BASE_URL,
    apiKey: env.DRAMAFORGE_SYNC_SO_API_KEY,
    secretArn: env.DRAMAFORGE_PROVIDER_SECRET_ARN,
    timeoutMs: 120_000,
  };
}

export function syncSoMissingSettings(settings: SyncSoSettings): string | undefined {
  if (settings.apiKey || settings.secretArn) return undefined;
  return 'set DRAMAFORGE_SYNC_SO_API_KEY, or in AWS put "syncSoApiKey" in the DRAMAFORGE_PROVIDER_SECRET_ARN secret';
}
