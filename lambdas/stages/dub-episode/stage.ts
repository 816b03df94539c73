import { PAID_CALL_TABLE_ACTIONS, paidStageAccess, type WorkflowStageDescriptor } from '../../pipeline/stage-descriptor.js';

export const stage: WorkflowStageDescriptor = {
  name: 'dub-episode',
  invokedBy: 'workflow',
  substitution: 'DubEpisodeFunctionArn',
  environment: 'stage',
  timeoutSeconds: 900,
  memoryMb: 3008,
  // Translation and speech are paid calls; ffmpeg and the fonts cut the dub as the master is cut.
  access: paidStageAccess(['ffmpeg', 'fonts', 'espeak'], { table: [...PAID_CALL_TABLE_ACTIONS, 'dynamodb:Query'], draws: true }),
  load: () => import('./handler.js'),
};
