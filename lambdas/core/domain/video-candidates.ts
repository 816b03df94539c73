/**
 * How a scene's video candidates are scored (docs/providers.md, Candidates), shared by the video
 * worker that scores them and the estimate that prices the scoring.
 */

/** Frames scored per candidate, spread over the clip: each costs one consistency call per character. */
export const SAMPLED_FRAMES = 3;

/** The ledger stage of the consistency calls that score candidates, apart from the keyframes' own. */
export const CANDIDATE_SCORING_STAGE = 'clip-consistency';
