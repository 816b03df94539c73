import {
  PAID_CALL_TABLE_ACTIONS,
  paidStageAccess,
  type WorkflowStageDescriptor,
} from '../../pipeline/stage-descriptor.js';

export const stage: WorkflowStageDescriptor = {
  name: 'assemble-episode',
  invokedBy: 'workflow',
  substitution: 'AssembleEpisodeFunctionArn',
  environment: 'stage',
  work: 'paid-provider-call',
  timeoutSeconds: 900,
  memoryMb: 3008,
  // Paid access: the music bed is a provider call (offline: the procedural bed, $0).
  access: paidStageAccess(['ffmpeg', 'fonts'], { table: [...PAID_CALL_TABLE_ACTIONS, 'dynamodb:Query'], draws: true }),
  load: () => import('./handler.js'),
};
