import { productionStageAccess, type WorkflowStageDescriptor } from '../../pipeline/stage-descriptor.js';

export const stage: WorkflowStageDescriptor = {
  name: 'finalize-production',
  invokedBy: 'workflow',
  substitution: 'FinalizeProductionFunctionArn',
  environment: 'stage',
  work: 'own-work',
  timeoutSeconds: 300,
  memoryMb: 1024,
  access: productionStageAccess({
    table: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
    media: ['fonts'],
    draws: true,
  }),
  load: () => import('./handler.js'),
};
