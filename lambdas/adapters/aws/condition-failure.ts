import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** A conditional write refused because its condition did not hold: by class from the SDK, by name from a bundle's copy of it. */
export const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException ||
  (error as { name?: string }).name === 'ConditionalCheckFailedException';

/**
 * Sends a conditional write: its output, or undefined when its condition refused it (the item was
 * not in the state the write expects). Any other error is thrown.
 */
export async function unlessConditionFails<Output>(write: Promise<Output>): Promise<Output | undefined> {
  try {
    return await write;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}
