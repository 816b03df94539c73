import type { VideoCandidate } from '../../core/domain/production-model.js';

/** A candidate as scored, before the choice says whether it is kept and why. */
export type ScoredCandidate = Omit<VideoCandidate, 'kept' | 'reason'>;

/** The weakest character decides a clip's consistency, as it decides a keyframe's. */
export function weakestConsistency(candidate: Pick<VideoCandidate, 'consistency'>): number {
  const values = Object.values(candidate.consistency);
  return values.length === 0 ? 1 : Math.min(...values);
}

/** What stops a candidate from being kept outright: a failed picture check, or a character off-model. */
function shortcomings(candidate: ScoredCandidate, threshold: number): string[] {
  const failed = candidate.checks.filter((check) => !check.passed).map((check) => `${check.name}: ${check.detail}`);
  const offModel = Object.entries(candidate.consistency)
    .filter(([, score]) => score < threshold)
    .map(([characterId, score]) => `consistency ${score.toFixed(4)} for ${characterId} is below ${threshold}`);
  return [...failed, ...offModel];
}

/** Higher is better: fewer failed picture checks, then consistency, then motion; the earlier candidate on a tie. */
function compare(a: ScoredCandidate, b: ScoredCandidate): number {
  const failedChecks = (c: ScoredCandidate) => c.checks.filter((check) => !check.passed).length;
  return (
    failedChecks(b) - failedChecks(a) ||
    weakestConsistency(a) - weakestConsistency(b) ||
    a.motion - b.motion ||
    b.candidate - a.candidate
  );
}

/**
 * Keeps the best of a scene's candidates. A candidate that passes QA's picture checks with every
 * character at or above the consistency threshold beats one that does not; among those, the
 * highest consistency, then the most motion. When none passes, the one that falls least short is
 * kept, so the scene still has a clip, and its reason says what it fell short of.
 */
export function chooseCandidate(
  candidates: ScoredCandidate[],
  threshold: number,
): { candidates: VideoCandidate[]; kept: ScoredCandidate; passed: boolean } {
  const problems = new Map(candidates.map((c) => [c.candidate, shortcomings(c, threshold)]));
  const passing = candidates.filter((c) => problems.get(c.candidate)!.length === 0);
  const pool = passing.length > 0 ? passing : candidates;
  const kept = pool.reduce((best, c) => (compare(c, best) > 0 ? c : best));
  const keptScore = weakestConsistency(kept).toFixed(4);
  return {
    kept,
    passed: passing.length > 0,
    candidates: candidates.map((candidate): VideoCandidate => {
      const own = problems.get(candidate.candidate)!;
      const score = weakestConsistency(candidate).toFixed(4);
      let reason: string;
      if (candidate === kept && own.length === 0)
        reason = `kept: passed the picture checks and consistency ${score} is the highest of the ${passing.length} that did`;
      else if (candidate === kept)
        reason = `kept though no candidate passed, as the one that fell least short: ${own.join('; ')}`;
      else if (own.length > 0) reason = `passed over: ${own.join('; ')}`;
      else
        reason = `passed over: consistency ${score} (motion ${candidate.motion.toFixed(2)}) is below the kept candidate's ${keptScore}`;
      return { ...candidate, kept: candidate === kept, reason };
    }),
  };
}
