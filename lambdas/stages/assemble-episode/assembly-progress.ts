import type { AssemblyProgress } from '../../core/domain/production-model.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';

/** The encode's progress is written each time it passes another step of this many percent: a handful of writes an episode. */
const PERCENT_STEP = 5;

/**
 * Tells whoever follows the production where an episode's assembly is: its steps, and the encode's
 * percentage from ffmpeg's progress output, on the production's row. Writes go in order, and a
 * write that fails is logged and forgotten: progress must never fail an assembly.
 */
export function assemblyProgress(deps: StageDeps, productionId: string, episodeId: string) {
  let written: Promise<void> = Promise.resolve();
  let lastPercent = -PERCENT_STEP;
  const record = (progress: Omit<AssemblyProgress, 'at'>) => {
    written = written
      .then(() => deps.productions.recordAssemblyProgress(productionId, episodeId, progress))
      .catch((error: unknown) => deps.logger.warn('assembly progress not recorded', { episodeId, progress, error }));
    return written;
  };
  return {
    step: (step: Exclude<AssemblyProgress['step'], 'encoding'>) => record({ step }),
    /** Called from ffmpeg's progress, which does not wait: the write is queued behind the others. */
    encoded(fraction: number): Promise<void> {
      const percent = Math.floor(fraction * 100);
      if (percent === lastPercent || (percent < lastPercent + PERCENT_STEP && percent < 100)) return written;
      lastPercent = percent;
      return record({ step: 'encoding', percent });
    },
  };
}
