import { en } from 'zod/locales';
import { config } from 'zod/mini';

/**
 * zod's mini API for the schemas every function checks at cold start (its environment, its event,
 * the failure causes, prices, the fault plan): zod's classic API costs about 25 ms more to load
 * (BENCHMARKS.md section 3), so only the manifest schema and the model answers' schemas, which few
 * functions load at cold start, use it. Mini sets no messages of its own; these are the English
 * ones the classic API sets, so an issue reads the same whichever API found it.
 */
config(en());

export * from 'zod/mini';
