import { en } from 'zod/locales';
import { config } from 'zod/mini';

/**
 * zod's mini API, for every schema a function may check at cold start (its environment, its event,
 * the failure causes, prices, the fault plan, the model answers' schemas, the manifest): zod's classic
 * API costs 10 to 25 ms more of init (docs/aws-deployment-decisions.md). No function loads it at cold
 * start: only the real providers' adapters, loaded on first use, and the AWS list prices the local
 * estimate reads keep it. Mini sets no messages of its own; these are the English ones the classic API
 * sets, so an issue reads the same whichever API found it.
 */
config(en());

export * from 'zod/mini';
