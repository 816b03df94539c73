import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredReview } from '../../../../lambdas/core/domain/production-model.js';
import { ReviewRefused, reviewDeployed } from '../../../../local/commands/review.js';

const dynamoMock = mockClient(DynamoDBDocumentClient);
const sfnMock = mockClient(SFNClient);

const waiting: StoredReview = {
  before: 'video',
  cut: 'animatic',
  executionName: 'tet-homecoming-0123abcd',
  taskToken: 'AQCEAAAAKgAAAAMAAAAAAAAAAd1token',
  requestedAt: '2026-12-01T10:00:00.000Z',
  expiresAt: '2026-12-04T10:00:00.000Z',
};

afterEach(() => {
  dynamoMock.reset();
  sfnMock.reset();
});

describe('approve / reject --table, for a deployed environment', () => {
  it("records the decision on the production's row, then answers the waiting Task with the token kept there", async () => {
    // Prepare
    dynamoMock
      .on(UpdateCommand)
      .resolves({ Attributes: { review: { ...waiting, decision: 'REJECTED', notes: 'Recast Ben' } } });
    sfnMock.on(SendTaskSuccessCommand).resolves({});

    // Act
    const review = await reviewDeployed({
      productionId: 'tet-homecoming',
      decision: 'REJECTED',
      notes: 'Recast Ben',
      tableName: 'dramaforge-prod-productions',
      region: 'eu-west-1',
    });

    // Assess
    expect(review.decision).toBe('REJECTED');
    expect(dynamoMock).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'dramaforge-prod-productions',
      Key: { PK: 'PRODUCTION#tet-homecoming', SK: 'META' },
      ConditionExpression: expect.stringContaining('#status = :awaiting'),
    });
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: waiting.taskToken,
      output: '{"decision":"REJECTED","notes":"Recast Ben"}',
    });
  });

  it('refuses a review that is no longer open, and answers no Task', async () => {
    // Prepare
    dynamoMock
      .on(UpdateCommand)
      .rejects(Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' }));
    dynamoMock.on(GetCommand).resolves({
      Item: {
        productionId: 'tet-homecoming',
        status: 'REJECTED',
        review: { ...waiting, decision: 'REJECTED', decidedAt: '2026-12-01T11:00:00.000Z' },
      },
    });

    // Act
    const approving = reviewDeployed({
      productionId: 'tet-homecoming',
      decision: 'APPROVED',
      tableName: 'dramaforge-prod-productions',
      region: 'eu-west-1',
    });

    // Assess
    await expect(approving).rejects.toThrow(ReviewRefused);
    await expect(approving).rejects.toThrow(/is REJECTED, not awaiting approval/);
    expect(sfnMock).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });
});
