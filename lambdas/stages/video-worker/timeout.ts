/**
 * The video worker's function timeout, and Lambda's maximum: no environment's sizing can make a
 * worker live longer. A claim to start a provider job older than this belongs to a worker that no
 * longer runs, so another may take the start over.
 */
export const VIDEO_WORKER_TIMEOUT_SECONDS = 900;
