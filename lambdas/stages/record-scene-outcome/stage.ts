import { productionStageAccess, type WorkflowStageDescriptor } from '../../pipeline/stage-descriptor.js';

export const stage: WorkflowStageDescriptor = {
  name: 'record-scene-outcome',
  invokedBy: 'workflow',
  substitution: 'RecordSceneOutcomeFunctionArn',
  environment: 'stage',
  work: 'own-work',
  timeoutSeconds: 60,
  memoryMb: 256,
  access: productionStageAccess({
    reads: [],
    writes: [],
    table: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    media: [],
  }),
  load: () => import('./handler.js'),
};
