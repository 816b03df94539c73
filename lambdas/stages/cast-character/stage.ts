import { paidStageAccess, type WorkflowStageDescriptor } from '../../pipeline/stage-descriptor.js';

export const stage: WorkflowStageDescriptor = {
  name: 'cast-character',
  invokedBy: 'workflow',
  substitution: 'CastCharacterFunctionArn',
  environment: 'stage',
  work: 'paid-provider-call',
  timeoutSeconds: 300,
  memoryMb: 1024,
  access: paidStageAccess(['fonts'], { draws: true }),
  load: () => import('./handler.js'),
};
