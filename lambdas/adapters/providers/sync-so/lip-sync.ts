import type { AsyncLipSyncModel } from '../../../core/contracts/ports.js';
import type { ProviderProfileContext, VideoPolling } from '../../../core/contracts/provider-profile.js';
import { SYNC_SO, syncSoSettingsFromEnv } from './settings.js';
import { SyncSoLipSyncModel } from './sync-so-lip-sync-model.js';

/** sync.so serves lip-sync only, so it is not a profile: the registry imports this when a manifest routes lip-sync to it. */
export function createLipSyncModel(
  context: ProviderProfileContext,
  model: string,
  polling: VideoPolling,
): AsyncLipSyncModel {
  return new SyncSoLipSyncModel(
    syncSoSettingsFromEnv(context.env),
    context.guard(SYNC_SO),
    model,
    polling.pollIntervalSeconds,
    context.shareObject,
  );
}
