import { paidStageAccess, type WorkflowStageDescriptor } from '../../pipeline/stage-descriptor.js';

export const stage: WorkflowStageDescriptor = {
  name: 'assemble-episode',
  invokedBy: 'workflow',
  substitution: 'AssembleEpisodeFunctionArn',
  environment: 'stage',
  work: 'paid-provider-call',
  timeoutSeconds: 900,
  memoryMb: 3008,
  // Paid access: the music bed is a provider call (offline: the procedural bed, $0).
  access: paidStageAccess(['ffmpeg', 'fonts'], { draws: true }),
  load: () => import('./handler.js'),
};
