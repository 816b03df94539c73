/** The function's timeout: a lip re-sync's provider job is polled inside one invocation for part of it, the cut takes the rest. */
export const DUB_EPISODE_TIMEOUT_SECONDS = 900;
