import { paidStageAccess, type WorkflowStageDescriptor } from '../../pipeline/stage-descriptor.js';

export const stage: WorkflowStageDescriptor = {
  name: 'render-keyframes',
  invokedBy: 'workflow',
  substitution: 'RenderKeyframesFunctionArn',
  environment: 'stage',
  work: 'paid-provider-call',
  timeoutSeconds: 600,
  memoryMb: 2048,
  access: paidStageAccess(['fonts'], { draws: true }),
  load: () => import('./handler.js'),
};
