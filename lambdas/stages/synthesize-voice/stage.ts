import { paidStageAccess, type WorkflowStageDescriptor } from '../../pipeline/stage-descriptor.js';

export const stage: WorkflowStageDescriptor = {
  name: 'synthesize-voice',
  invokedBy: 'workflow',
  substitution: 'SynthesizeVoiceFunctionArn',
  environment: 'stage',
  work: 'paid-provider-call',
  timeoutSeconds: 600,
  memoryMb: 1024,
  access: paidStageAccess(['ffmpeg', 'espeak']),
  load: () => import('./handler.js'),
};
