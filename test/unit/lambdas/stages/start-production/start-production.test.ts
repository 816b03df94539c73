import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
// The matchers are registered in test/setup.ts; this brings their types.
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { executionNameFor } from '../../../../../lambdas/core/workflow/execution-name.js';
import {
  ManifestUploadedEventSchema,
  startProduction,
} from '../../../../../lambdas/stages/start-production/start-production.js';

const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:111122223333:stateMachine:dramaforge-dev-production';
const sfnMock = mockClient(SFNClient);

/** The detail S3 sends to EventBridge for a PutObject (trimmed to what matters here). */
function objectCreatedEvent(key: string, etag: string) {
  return {
    version: '0',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    detail: {
      version: '0',
      bucket: { name: 'dramaforge-dev-assets' },
      object: { key, size: 812, etag, sequencer: '617f08299329d189' },
      reason: 'PutObject',
    },
  };
}

describe('startProduction', () => {
  afterEach(() => {
    sfnMock.reset();
  });

  it('starts one execution named from the manifest key and ETag, with the bucket and key as input', async () => {
    // Prepare
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: `${STATE_MACHINE_ARN}:x`, startDate: new Date() });
    const event = ManifestUploadedEventSchema.parse(
      objectCreatedEvent('manifests/tet-homecoming.yaml', 'b1946ac92492d2347c6235b4d2611184'),
    );

    // Act
    const result = await startProduction(event, { sfn: new SFNClient({}), stateMachineArn: STATE_MACHINE_ARN });

    // Assess
    const expectedName = executionNameFor('manifests/tet-homecoming.yaml', 'b1946ac92492d2347c6235b4d2611184');
    expect(result).toEqual({ outcome: 'started', executionName: expectedName });
    expect(sfnMock).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: STATE_MACHINE_ARN,
      name: expectedName,
      input: JSON.stringify({ bucket: 'dramaforge-dev-assets', key: 'manifests/tet-homecoming.yaml' }),
    });
  });

  it('treats ExecutionAlreadyExists as a duplicate upload and starts nothing new', async () => {
    // Prepare
    sfnMock
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    const event = ManifestUploadedEventSchema.parse(
      objectCreatedEvent('manifests/tet-homecoming.yaml', 'b1946ac92492d2347c6235b4d2611184'),
    );

    // Act
    const result = await startProduction(event, { sfn: new SFNClient({}), stateMachineArn: STATE_MACHINE_ARN });

    // Assess
    expect(result).toEqual({
      outcome: 'already-started',
      executionName: executionNameFor('manifests/tet-homecoming.yaml', 'b1946ac92492d2347c6235b4d2611184'),
    });
  });

  it('lets any other Step Functions error fail the invocation, so EventBridge retries it', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    sfnMock.on(StartExecutionCommand).rejects(throttled);
    const event = ManifestUploadedEventSchema.parse(
      objectCreatedEvent('manifests/tet-homecoming.yaml', 'b1946ac92492d2347c6235b4d2611184'),
    );

    // Act
    const attempt = startProduction(event, { sfn: new SFNClient({}), stateMachineArn: STATE_MACHINE_ARN });

    // Assess
    await expect(attempt).rejects.toThrow('Rate exceeded');
  });

  it('ignores the errors file validation writes next to a rejected manifest, so a rejection never starts a run', async () => {
    // Prepare
    const event = ManifestUploadedEventSchema.parse(
      objectCreatedEvent('manifests/tet-homecoming.yaml.errors.json', '5d41402abc4b2a76b9719d911017c592'),
    );

    // Act
    const result = await startProduction(event, { sfn: new SFNClient({}), stateMachineArn: STATE_MACHINE_ARN });

    // Assess
    expect(result).toEqual({ outcome: 'ignored', key: 'manifests/tet-homecoming.yaml.errors.json' });
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('rejects an event without an ETag, since the execution name could not be derived', () => {
    // Prepare
    const event = objectCreatedEvent('manifests/tet-homecoming.yaml', '');

    // Act
    const parsed = ManifestUploadedEventSchema.safeParse(event);

    // Assess
    expect(parsed.success).toBe(false);
  });
});
