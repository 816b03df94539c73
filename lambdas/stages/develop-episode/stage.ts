import { paidStageAccess, type WorkflowStageDescriptor } from '../../pipeline/stage-descriptor.js';

export const stage: WorkflowStageDescriptor = {
  name: 'develop-episode',
  invokedBy: 'workflow',
  substitution: 'DevelopEpisodeFunctionArn',
  environment: 'stage',
  work: 'paid-provider-call',
  timeoutSeconds: 900,
  memoryMb: 512,
  access: paidStageAccess([]),
  load: () => import('./handler.js'),
};
