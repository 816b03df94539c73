import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ProviderThrottled } from '../../core/contracts/errors.js';
import type { RateLimit, RateLimiter } from '../../core/contracts/ports.js';
import { PARTITION_KEY_NAME, rateLimitKey } from '../../core/contracts/table-definition.js';
import { unlessConditionFails } from './condition-failure.js';

export interface TokenBucketOptions {
  limits: (provider: string) => RateLimit;
  /** A caller waits in-process up to this long for a permit; beyond it the call is throttled back to the workflow. */
  maxWaitMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface BucketRow {
  tokens: number;
  refilledAt: number;
  version: number;
}

/** Optimistic writes that lose to another taker re-read and try again, this many times at most. */
const MAX_CONTENDED_WRITES = 16;

/**
 * One token bucket per provider in the production table, so the limit holds across
 * every concurrent Lambda and execution. Refill is computed from the time since the
 * last take; each take is a conditional write on the row's version, so two takers
 * can never spend the same token (dynalite has no transactions; none are needed).
 */
export class DynamoTokenBucket implements RateLimiter {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: TokenBucketOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async take(provider: string): Promise<void> {
    const limit = this.options.limits(provider);
    let waitedMs = 0;
    for (let write = 0; write < MAX_CONTENDED_WRITES; ) {
      const row = await this.read(provider);
      const now = this.now();
      if (!row) {
        if (await this.tryWrite(provider, { tokens: limit.burst - 1, refilledAt: now, version: 1 }, undefined)) return;
        write++;
        continue;
      }
      const elapsedSeconds = Math.max(0, now - row.refilledAt) / 1000;
      const tokens = Math.min(limit.burst, row.tokens + elapsedSeconds * limit.requestsPerSecond);
      if (tokens >= 1) {
        if (
          await this.tryWrite(
            provider,
            { tokens: tokens - 1, refilledAt: Math.max(now, row.refilledAt), version: row.version + 1 },
            row.version,
          )
        )
          return;
        write++;
        continue;
      }
      const waitMs = Math.ceil(((1 - tokens) / limit.requestsPerSecond) * 1000);
      if (waitedMs + waitMs > this.options.maxWaitMs) {
        throw new ProviderThrottled(
          `${provider}: the shared rate limit of ${limit.requestsPerSecond}/s is spent`,
          Math.ceil(waitMs / 1000),
        );
      }
      waitedMs += waitMs;
      await this.sleep(waitMs);
    }
    throw new ProviderThrottled(`${provider}: the shared rate limit is contended`, 1);
  }

  private async read(provider: string): Promise<BucketRow | undefined> {
    const response = await this.dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: rateLimitKey(provider), ConsistentRead: true }),
    );
    return response.Item as BucketRow | undefined;
  }

  private async tryWrite(provider: string, next: BucketRow, seenVersion: number | undefined): Promise<boolean> {
    const written = await unlessConditionFails(
      seenVersion === undefined
        ? this.dynamo.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { ...rateLimitKey(provider), ...next },
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: PARTITION_KEY_NAME,
            }),
          )
        : this.dynamo.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: rateLimitKey(provider),
              UpdateExpression: 'SET #tokens = :tokens, #refilledAt = :refilledAt, #version = :next',
              ConditionExpression: '#version = :seen',
              ExpressionAttributeNames: { '#tokens': 'tokens', '#refilledAt': 'refilledAt', '#version': 'version' },
              ExpressionAttributeValues: {
                ':tokens': next.tokens,
                ':refilledAt': next.refilledAt,
                ':next': next.version,
                ':seen': seenVersion,
              },
            }),
          ),
    );
    return written !== undefined;
  }
}
