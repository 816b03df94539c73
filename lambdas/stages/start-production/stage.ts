import type { ManifestTriggerDescriptor } from '../../pipeline/stage-descriptor.js';

export const stage: ManifestTriggerDescriptor = {
  name: 'start-production',
  invokedBy: 'manifest-upload',
  environment: 'trigger',
  timeoutSeconds: 30,
  memoryMb: 256,
  access: { reads: [], writes: [], table: [], media: [], callsProviders: false },
};
