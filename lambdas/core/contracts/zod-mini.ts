import { en } from 'zod/locales';
import { config } from 'zod/mini';

/**
 * zod's mini API, for every schema a function may check at cold start (its environment, its event,
 * the failure causes, prices, the fault plan, the model answers' schemas): zod's classic API costs
 * about 25 ms more of init (docs/aws-deployment-decisions.md). The manifest schema, which only the
 * two functions that validate manifests load at cold start, and the real providers' adapters, loaded
 * on first use, keep the classic API. Mini sets no messages of its own; these are the English ones
 * the classic API sets, so an issue reads the same whichever API found it.
 */
config(en());

export * from 'zod/mini';
