import { paidStageAccess, type WorkflowStageDescriptor } from '../../pipeline/stage-descriptor.js';

export const stage: WorkflowStageDescriptor = {
  name: 'voice-dub',
  invokedBy: 'workflow',
  substitution: 'VoiceDubFunctionArn',
  environment: 'stage',
  work: 'paid-provider-call',
  timeoutSeconds: 900,
  memoryMb: 1024,
  // A dub's voices are made apart from its cut: espeak beside ffmpeg, fonts and the canvas outgrow Lambda's 250 MB.
  access: paidStageAccess(['ffmpeg', 'espeak']),
  load: () => import('./handler.js'),
};
