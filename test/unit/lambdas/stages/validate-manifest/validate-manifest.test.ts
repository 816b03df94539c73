import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ManifestInvalid } from '../../../../../lambdas/core/contracts/errors.js';
import { validateUploadedManifest } from '../../../../../lambdas/stages/validate-manifest/validate-manifest.js';
import { BUCKET, mockedStageDeps } from '../../../../support/mocked-stage-deps.js';

const VALID = `version: 1
production: unit-series
title: Unit
language: en-US
budgetUsd: 3
characters: [{ id: ana, name: Ana, description: "30, red hair" }]
episodes:
  - id: ep01
    title: One
    scenes: [{ id: s01, location: "Harbour, dawn", characters: [ana], outline: "Ana waits." }]
`;

/** Stage dependencies over a bucket holding `objects`; the test's own mocks. */
function stageDeps(objects: Map<string, Buffer>) {
  const mocks = mockedStageDeps({ objects });
  onTestFinished(() => {
    mocks.s3Mock.reset();
    mocks.dynamoMock.reset();
  });
  return mocks;
}

describe('Validate manifest', () => {
  it('opens the production and stores the normalised manifest', async () => {
    // Prepare
    const mocks = stageDeps(new Map([['manifests/unit.yaml', Buffer.from(VALID)]]));
    mocks.dynamoMock.on(QueryCommand).resolves({ Items: [] });
    mocks.dynamoMock.on(GetCommand).resolves({});
    mocks.dynamoMock.on(UpdateCommand).resolves({ Attributes: { budgetUsd: 3, spentUsd: 0 } });

    // Act
    const result = await validateUploadedManifest(
      { bucket: BUCKET, key: 'manifests/unit.yaml', executionName: 'unit-abc' },
      mocks.deps,
    );

    // Assess
    expect(result).toEqual({ productionId: 'unit-series', episodesToDevelop: [] });
    expect(mocks.s3Mock).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: BUCKET,
      Key: 'productions/unit-series/manifest.json',
    });
    expect(mocks.dynamoMock).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { PK: 'PRODUCTION#unit-series', SK: 'META' },
      ExpressionAttributeValues: expect.objectContaining({
        ':budget': 3,
        ':execution': 'unit-abc',
        ':running': 'RUNNING',
      }),
    });
  });

  it('writes every problem next to a rejected manifest and nothing else', async () => {
    // Prepare
    const bad = VALID.replace('budgetUsd: 3', 'budgetUsd: lots').replace('characters: [ana]', 'characters: [ana, zed]');
    const mocks = stageDeps(new Map([['manifests/bad.yaml', Buffer.from(bad)]]));

    // Act
    const attempt = validateUploadedManifest(
      { bucket: BUCKET, key: 'manifests/bad.yaml', executionName: 'bad-1' },
      mocks.deps,
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ManifestInvalid);
    expect(mocks.s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, 1);
    const put = mocks.s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put.Key).toBe('manifests/bad.yaml.errors.json');
    const rejection = JSON.parse(String(put.Body));
    expect(rejection.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'budgetUsd' }),
        { path: 'episodes[0].scenes[0].characters[1]', reason: 'character "zed" is not declared in characters' },
      ]),
    );
    expect(mocks.dynamoMock.calls()).toHaveLength(0);
  });

  it('rejects a profile this build cannot serve before anything is opened', async () => {
    // Prepare
    const bedrock = VALID.replace('budgetUsd: 3', 'budgetUsd: 3\nproviders: { profile: bedrock }');
    const mocks = stageDeps(new Map([['manifests/b.yaml', Buffer.from(bedrock)]]));

    // Act
    const attempt = validateUploadedManifest(
      { bucket: BUCKET, key: 'manifests/b.yaml', executionName: 'b' },
      mocks.deps,
    );

    // Assess
    await expect(attempt).rejects.toThrow(/providers\.profile: the "bedrock" provider profile is not available/);
    expect(mocks.dynamoMock.calls()).toHaveLength(0);
  });
});
