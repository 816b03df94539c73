import { paidStageAccess, type WorkflowStageDescriptor } from '../../pipeline/stage-descriptor.js';
import { DUB_EPISODE_TIMEOUT_SECONDS } from './timeout.js';

export const stage: WorkflowStageDescriptor = {
  name: 'dub-episode',
  invokedBy: 'workflow',
  substitution: 'DubEpisodeFunctionArn',
  environment: 'stage',
  // Its paid calls are the music bed, which Assemble episode bought and cached just before, and the lip re-sync of a lip-synced
  // scene. It retries as our own work (a provider's timeout and 5xx, not its throttling): a provider-call Task's longer
  // retries would put the largest episode with ten dubs over its history budget (docs/markets.md).
  work: 'own-work',
  timeoutSeconds: DUB_EPISODE_TIMEOUT_SECONDS,
  memoryMb: 3008,
  // Cut, mixed and checked as the master is, the voices from voice-dub; the offline lip re-sync paints mouths (canvas) and renders them (ffmpeg).
  access: paidStageAccess(['ffmpeg', 'fonts'], { draws: true }),
  load: () => import('./handler.js'),
};
