import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { assetKeys } from '../../core/contracts/keys.js';
import * as z from '../../core/contracts/zod-mini.js';
import { executionNameFor } from '../../core/workflow/execution-name.js';

/**
 * The part of S3's "Object Created" EventBridge event we use. Unlike S3's direct
 * notifications, EventBridge carries the object key as written, not URL-encoded.
 */
export const ManifestUploadedEventSchema = z.object({
  detail: z.object({
    bucket: z.object({ name: z.string().check(z.minLength(1)) }),
    object: z.object({ key: z.string().check(z.minLength(1)), etag: z.string().check(z.minLength(1)) }),
  }),
});
export type ManifestUploadedEvent = z.output<typeof ManifestUploadedEventSchema>;

export interface StartProductionDeps {
  sfn: SFNClient;
  stateMachineArn: string;
}

export type StartProductionResult =
  | { outcome: 'started' | 'already-started'; executionName: string }
  /** Not a manifest: validation's own `<manifest>.errors.json`, which must never start a run (it would loop). */
  | { outcome: 'ignored'; key: string };

/** EventBridge cannot AND a prefix with an excluded suffix on one field, so the rule matches the prefix and this drops the rest. */
function isManifestKey(key: string): boolean {
  return key.startsWith(assetKeys.manifestsPrefix) && !key.endsWith(assetKeys.manifestErrors(''));
}

/** Starts the production workflow for an uploaded manifest, named after its content so a re-upload starts nothing. */
export async function startProduction(
  event: ManifestUploadedEvent,
  deps: StartProductionDeps,
): Promise<StartProductionResult> {
  const { bucket, object } = event.detail;
  if (!isManifestKey(object.key)) return { outcome: 'ignored', key: object.key };
  const executionName = executionNameFor(object.key, object.etag);
  try {
    await deps.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: deps.stateMachineArn,
        name: executionName,
        input: JSON.stringify({ bucket: bucket.name, key: object.key }),
      }),
    );
    return { outcome: 'started', executionName };
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists || (error as Error).name === 'ExecutionAlreadyExists') {
      return { outcome: 'already-started', executionName };
    }
    throw error;
  }
}
