import { productionStageAccess, type WorkflowStageDescriptor } from '../../pipeline/stage-descriptor.js';

export const stage: WorkflowStageDescriptor = {
  name: 'build-subtitles',
  invokedBy: 'workflow',
  substitution: 'BuildSubtitlesFunctionArn',
  environment: 'stage',
  work: 'own-work',
  timeoutSeconds: 120,
  memoryMb: 256,
  access: productionStageAccess({ table: ['dynamodb:UpdateItem'], media: [] }),
  load: () => import('./handler.js'),
};
