/** The function's timeout: a provider's job is polled inside one invocation for at most this long, less a margin. */
export const SYNC_LIPS_TIMEOUT_SECONDS = 900;
