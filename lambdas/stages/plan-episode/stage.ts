import { productionStageAccess, type WorkflowStageDescriptor } from '../../pipeline/stage-descriptor.js';

export const stage: WorkflowStageDescriptor = {
  name: 'plan-episode',
  invokedBy: 'workflow',
  substitution: 'PlanEpisodeFunctionArn',
  environment: 'stage',
  work: 'own-work',
  timeoutSeconds: 60,
  memoryMb: 512,
  access: productionStageAccess({ writes: [], table: ['dynamodb:Query'], media: [] }),
  load: () => import('./handler.js'),
};
