import type { AttemptLedger, EarlierRequestLookup, ProviderCallGuard } from '../../../core/contracts/ports.js';
import { malformedBodyFailure } from '../../../core/domain/provider-failures.js';
import { awsProviderFailure } from './bedrock-failures.js';

export const BEDROCK = 'bedrock';

const named =
  <Args extends unknown[], T>(send: (...args: Args) => Promise<T>) =>
  async (...args: Args): Promise<T> => {
    try {
      return await send(...args);
    } catch (error) {
      throw awsProviderFailure(BEDROCK, error);
    }
  };

/**
 * One AWS call through the provider's guard, its errors named for the pipeline. A billed request passes its
 * paid call's `attempts`, and a `lookUp` where Bedrock can be asked for a request an earlier attempt sent.
 */
export function guardedAwsCall<T>(
  guard: ProviderCallGuard,
  send: (signal: AbortSignal) => Promise<T>,
  attempts?: AttemptLedger,
  lookUp?: EarlierRequestLookup<T>,
): Promise<T> {
  return guard.run(named(send), attempts, lookUp && named(lookUp));
}

/** An InvokeModel whose answer is JSON. A body that does not parse is a broken response, retried like a 5xx. */
export function invokeModelJson<Answer>(
  guard: ProviderCallGuard,
  send: (signal: AbortSignal) => Promise<{ body: Uint8Array }>,
  attempts?: AttemptLedger,
): Promise<Answer> {
  return guardedAwsCall(
    guard,
    async (signal) => {
      const text = new TextDecoder().decode((await send(signal)).body);
      try {
        return JSON.parse(text) as Answer;
      } catch (error) {
        throw malformedBodyFailure(BEDROCK, text, (error as Error).message);
      }
    },
    attempts,
  );
}
