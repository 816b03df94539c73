import { productionStageAccess, type WorkflowStageDescriptor } from '../../pipeline/stage-descriptor.js';

export const stage: WorkflowStageDescriptor = {
  name: 'encode-scene',
  invokedBy: 'workflow',
  substitution: 'EncodeSceneFunctionArn',
  environment: 'stage',
  work: 'own-work',
  timeoutSeconds: 900,
  memoryMb: 3008,
  // Draws: the burned subtitle track is drawn by the canvas (subtitle-track.ts).
  access: productionStageAccess({ table: ['dynamodb:UpdateItem'], media: ['ffmpeg', 'fonts'], draws: true }),
  load: () => import('./handler.js'),
};
