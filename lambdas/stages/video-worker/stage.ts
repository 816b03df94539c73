import {
  ASSET_PATTERNS,
  PAID_CALL_TABLE_ACTIONS,
  paidStageAccess,
  type QueueWorkerDescriptor,
} from '../../pipeline/stage-descriptor.js';
import { VIDEO_WORKER_TIMEOUT_SECONDS } from './timeout.js';

const PROVIDER_JOBS = 'provider-jobs/*';

export const stage: QueueWorkerDescriptor = {
  name: 'video-worker',
  invokedBy: 'video-queue',
  environment: 'stage',
  timeoutSeconds: VIDEO_WORKER_TIMEOUT_SECONDS,
  memoryMb: 2048,
  // Idempotency records (Powertools) are put, updated and deleted; Nova Reel writes its output under provider-jobs/.
  access: paidStageAccess(['ffmpeg'], {
    reads: [ASSET_PATTERNS.productions, ASSET_PATTERNS.cache, PROVIDER_JOBS],
    writes: [ASSET_PATTERNS.productions, ASSET_PATTERNS.cache, PROVIDER_JOBS],
    table: [...PAID_CALL_TABLE_ACTIONS, 'dynamodb:DeleteItem'],
    reportsTaskOutcome: 'episode',
    requeuesVideoJobs: true,
    // Real video models are given the keyframe fitted to their frame size.
    draws: true,
  }),
  load: () => import('./handler.js'),
};
