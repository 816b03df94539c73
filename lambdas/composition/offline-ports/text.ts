import { OfflineScriptWriter } from '../../adapters/providers/offline/offline-script-writer.js';
import type { OfflinePort } from './offline-port.js';

export const offlineText: OfflinePort<'text'> = () => ({
  port: new OfflineScriptWriter(),
  provider: 'offline',
  model: 'phrasebook-v1',
});
