import { productionStageAccess, type WorkflowStageDescriptor } from '../../pipeline/stage-descriptor.js';

export const stage: WorkflowStageDescriptor = {
  name: 'assemble-episode',
  invokedBy: 'workflow',
  substitution: 'AssembleEpisodeFunctionArn',
  environment: 'stage',
  timeoutSeconds: 900,
  memoryMb: 3008,
  access: productionStageAccess({ table: ['dynamodb:Query'], media: ['ffmpeg', 'fonts'], draws: true }),
  load: () => import('./handler.js'),
};
