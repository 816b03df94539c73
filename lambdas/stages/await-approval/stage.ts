import { productionStageAccess, type WorkflowStageDescriptor } from '../../pipeline/stage-descriptor.js';

export const stage: WorkflowStageDescriptor = {
  name: 'await-approval',
  invokedBy: 'workflow',
  substitution: 'AwaitApprovalFunctionArn',
  environment: 'stage',
  work: 'own-work',
  timeoutSeconds: 30,
  memoryMb: 256,
  // It reads and writes only the production's row; it answers its own Task when the decision came first.
  access: productionStageAccess({
    reads: [],
    writes: [],
    table: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    media: [],
    reportsTaskOutcome: 'production',
  }),
  load: () => import('./handler.js'),
};
