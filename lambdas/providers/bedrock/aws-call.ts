import type { ProviderGuard } from '../resilience/provider-guard.js';
import { awsProviderFailure } from './bedrock-failures.js';

export const BEDROCK = 'bedrock';

/** One AWS call through the provider's guard, its errors named for the pipeline. */
export function guardedAwsCall<T>(guard: ProviderGuard, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return guard.run(async (signal) => {
    try {
      return await send(signal);
    } catch (error) {
      throw awsProviderFailure(BEDROCK, error);
    }
  });
}
