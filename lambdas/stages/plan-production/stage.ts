import { productionStageAccess, type WorkflowStageDescriptor } from '../../pipeline/stage-descriptor.js';

export const stage: WorkflowStageDescriptor = {
  name: 'plan-production',
  invokedBy: 'workflow',
  substitution: 'PlanProductionFunctionArn',
  environment: 'stage',
  work: 'own-work',
  timeoutSeconds: 120,
  memoryMb: 512,
  access: productionStageAccess({ writes: [], table: ['dynamodb:UpdateItem'], media: [] }),
  load: () => import('./handler.js'),
};
