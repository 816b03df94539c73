import {
  PAID_CALL_TABLE_ACTIONS,
  paidStageAccess,
  type WorkflowStageDescriptor,
} from '../../pipeline/stage-descriptor.js';

export const stage: WorkflowStageDescriptor = {
  name: 'dub-episode',
  invokedBy: 'workflow',
  substitution: 'DubEpisodeFunctionArn',
  environment: 'stage',
  // Its one paid call is the music bed, which Assemble episode bought and cached just before: it retries as our own work.
  work: 'own-work',
  timeoutSeconds: 900,
  memoryMb: 3008,
  // Cut, mixed (the bed is a paid call, from the cache) and checked as the master is; the voices come from voice-dub.
  access: paidStageAccess(['ffmpeg', 'fonts'], { table: [...PAID_CALL_TABLE_ACTIONS, 'dynamodb:Query'], draws: true }),
  load: () => import('./handler.js'),
};
