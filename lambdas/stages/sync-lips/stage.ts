import { paidStageAccess, type WorkflowStageDescriptor } from '../../pipeline/stage-descriptor.js';
import { SYNC_LIPS_TIMEOUT_SECONDS } from './timeout.js';

export const stage: WorkflowStageDescriptor = {
  name: 'sync-lips',
  invokedBy: 'workflow',
  substitution: 'SyncLipsFunctionArn',
  environment: 'stage',
  work: 'paid-provider-call',
  timeoutSeconds: SYNC_LIPS_TIMEOUT_SECONDS,
  memoryMb: 3008,
  // The offline model paints the keyframe again (canvas) and moves the camera over it (ffmpeg).
  access: paidStageAccess(['ffmpeg'], { draws: true }),
  load: () => import('./handler.js'),
};
