import { closeSync, openSync } from 'node:fs';
import type { BoundProviders } from '../../lambdas/core/contracts/bound-providers.js';
import type { ImageModel } from '../../lambdas/core/contracts/ports.js';

/** The file whose creation marks the one keyframe that killed its process; its path is in this variable. */
export const KILL_MARKER_VARIABLE = 'DRAMAFORGE_TEST_KILL_MARKER';

/** True for the one caller on the whole machine that creates the marker first. */
function firstOnTheMachine(marker: string): boolean {
  try {
    closeSync(openSync(marker, 'wx'));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Providers whose first keyframe on the machine kills the process drawing it with SIGKILL, as the kernel's
 * OOM killer or a crash in native code would: imported by each worker process (`providerDecorator`).
 */
export function killFirstKeyframe(providers: BoundProviders): BoundProviders {
  const image = providers.image.port;
  const marker = process.env[KILL_MARKER_VARIABLE]!;
  const drawKeyframe: ImageModel['drawKeyframe'] = async (request, options) => {
    if (firstOnTheMachine(marker)) process.kill(process.pid, 'SIGKILL');
    return image.drawKeyframe(request, options);
  };
  return {
    ...providers,
    image: {
      ...providers.image,
      port: { drawReferenceSheet: (request, options) => image.drawReferenceSheet(request, options), drawKeyframe },
    },
  };
}
