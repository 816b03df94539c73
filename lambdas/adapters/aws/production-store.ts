import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AssetMissing, ReviewNotOpen } from '../../core/contracts/errors.js';
import type { FailureCause } from '../../core/contracts/failure-cause.js';
import { type SceneRef, tableKeys } from '../../core/contracts/keys.js';
import { round } from '../../core/contracts/money.js';
import {
  PARTITION_KEY_NAME,
  productionKey,
  sceneKey,
  statusIndexEntry,
  statusIndexQuery,
} from '../../core/contracts/table-definition.js';
import {
  type AssemblyProgress,
  type OpenedProduction,
  PRODUCTION_STATUSES,
  type ProductionMeta,
  type ProductionStatus,
  type ReviewDecision,
  SCENE_STEPS,
  type SceneChanges,
  type SceneRecord,
  type StoredProviderJob,
  type StoredReview,
} from '../../core/domain/production-model.js';
import type { ProductionRecords } from '../../core/domain/store-ports.js';
import { unlessConditionFails } from './condition-failure.js';
import { queryProductionItems } from './production-items.js';

function now(): string {
  return new Date().toISOString();
}

/** Production and scene rows of the single table (docs/data.md). */
export class ProductionStore implements ProductionRecords {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /**
   * Creates the production's META row, or refreshes it for a new execution of the same production.
   * Money carries over: what was spent stays spent, and the holds a finished attempt left open were
   * recorded as unconfirmed by the ledger before this (`BudgetLedger.carryOpenReservations`). What is
   * available is the budget less all of it, so a raised budget adds its difference.
   */
  async openProduction(input: OpenedProduction): Promise<ProductionMeta> {
    for (;;) {
      const existing = await this.findProduction(input.productionId);
      const timestamp = now();
      const indexed = statusIndexEntry('RUNNING', timestamp);
      const response = await unlessConditionFails(
        this.dynamo.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: productionKey(input.productionId),
            UpdateExpression:
              'SET productionId = :id, title = :title, #language = :language, #status = :running, budgetUsd = :budget, ' +
              'manifestKey = :manifestKey, executionName = :execution, updatedAt = :now, createdAt = if_not_exists(createdAt, :now), ' +
              'spentUsd = if_not_exists(spentUsd, :zero), unconfirmedUsd = if_not_exists(unconfirmedUsd, :zero), ' +
              'reservedUsd = if_not_exists(reservedUsd, :zero), ' +
              (existing ? 'availableUsd = availableUsd + :budgetChange, ' : 'availableUsd = :budget, ') +
              `${indexed.set} ` +
              'REMOVE failure, failureCause, assembly',
            // A concurrent change of budget between the read and this write would be counted twice: read again.
            ConditionExpression: existing ? 'budgetUsd = :seenBudget' : 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: {
              '#status': 'status',
              '#language': 'language',
              ...indexed.names,
              ...(existing ? {} : PARTITION_KEY_NAME),
            },
            ExpressionAttributeValues: {
              ':id': input.productionId,
              ':title': input.title,
              ':language': input.language,
              ':running': 'RUNNING',
              ':budget': input.budgetUsd,
              ':manifestKey': input.manifestKey,
              ':execution': input.executionName,
              ':now': timestamp,
              ':zero': 0,
              ...indexed.values,
              ...(existing
                ? { ':budgetChange': round(input.budgetUsd - existing.budgetUsd), ':seenBudget': existing.budgetUsd }
                : {}),
            },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      if (response) return response.Attributes as ProductionMeta;
    }
  }

  async getProduction(productionId: string): Promise<ProductionMeta> {
    const found = await this.findProduction(productionId);
    if (!found) throw new AssetMissing(`production ${productionId} has no record`);
    return found;
  }

  /**
   * Every production's META row, for a studio's console and its agents, never for a stage: read
   * from the status index, where only META rows are filed, status by status, so no scene or
   * ledger row is read. The index is eventually consistent: a status changed a moment ago may
   * still list under the one before.
   */
  async listProductions(): Promise<ProductionMeta[]> {
    const byStatus = await Promise.all(
      PRODUCTION_STATUSES.map(async (status) => {
        const metas: ProductionMeta[] = [];
        let startKey: Record<string, unknown> | undefined;
        do {
          const page = await this.dynamo.send(
            new QueryCommand({ TableName: this.tableName, ...statusIndexQuery(status), ExclusiveStartKey: startKey }),
          );
          metas.push(...((page.Items ?? []) as ProductionMeta[]));
          startKey = page.LastEvaluatedKey;
        } while (startKey);
        return metas;
      }),
    );
    return byStatus.flat().sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async findProduction(productionId: string): Promise<ProductionMeta | undefined> {
    const response = await this.dynamo.send(
      new GetCommand({
        TableName: this.tableName,
        Key: productionKey(productionId),
        ConsistentRead: true,
      }),
    );
    return response.Item as ProductionMeta | undefined;
  }

  async closeProduction(
    productionId: string,
    status: ProductionStatus,
    failure?: { error: string; cause: string },
  ): Promise<void> {
    const timestamp = now();
    const indexed = statusIndexEntry(status, timestamp);
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: productionKey(productionId),
        UpdateExpression: `SET #status = :status, updatedAt = :now, ${indexed.set}${failure ? ', failure = :failure' : ''}`,
        ExpressionAttributeNames: { '#status': 'status', ...indexed.names },
        ExpressionAttributeValues: {
          ':status': status,
          ':now': timestamp,
          ...indexed.values,
          ...(failure ? { ':failure': failure } : {}),
        },
      }),
    );
  }

  /** Why one of the production's own stages failed, for the report to give if that failure stops the production. */
  async recordProductionCause(productionId: string, cause: FailureCause): Promise<void> {
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: productionKey(productionId),
        UpdateExpression: 'SET failureCause = :cause, updatedAt = :now',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: PARTITION_KEY_NAME,
        ExpressionAttributeValues: { ':cause': cause, ':now': now() },
      }),
    );
  }

  /**
   * Where an episode's assembly is, on the production's row: each episode under its own key of
   * `assembly`, so concurrent episodes do not overwrite each other. The map is made by the first.
   */
  async recordAssemblyProgress(
    productionId: string,
    episodeId: string,
    progress: Omit<AssemblyProgress, 'at'>,
  ): Promise<void> {
    const entry: AssemblyProgress = { ...progress, at: now() };
    const key = productionKey(productionId);
    // Both writes are refused only while another episode makes the map, or when there is no row at all.
    for (let round = 0; round < 2; round++) {
      const setInMap = await unlessConditionFails(
        this.dynamo.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: 'SET assembly.#episode = :entry',
            ConditionExpression: 'attribute_exists(assembly)',
            ExpressionAttributeNames: { '#episode': episodeId },
            ExpressionAttributeValues: { ':entry': entry },
          }),
        ),
      );
      if (setInMap) return;
      // Refused when another episode makes the map first: this one's key is then set in it next round.
      const madeMap = await unlessConditionFails(
        this.dynamo.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: 'SET assembly = :assembly',
            ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(assembly)',
            ExpressionAttributeNames: PARTITION_KEY_NAME,
            ExpressionAttributeValues: { ':assembly': { [episodeId]: entry } },
          }),
        ),
      );
      if (madeMap) return;
    }
    throw new AssetMissing(`production ${productionId} has no record`);
  }

  /** Records that the production waits for a decision on its review, with the token that answers the waiting Task. */
  async openReview(productionId: string, review: StoredReview): Promise<void> {
    const timestamp = now();
    const indexed = statusIndexEntry('AWAITING_APPROVAL', timestamp);
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: productionKey(productionId),
        UpdateExpression: `SET review = :review, #status = :status, updatedAt = :now, ${indexed.set}`,
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#status': 'status', ...PARTITION_KEY_NAME, ...indexed.names },
        ExpressionAttributeValues: {
          ':review': review,
          ':status': 'AWAITING_APPROVAL',
          ':now': timestamp,
          ...indexed.values,
        },
      }),
    );
  }

  /**
   * Records a producer's decision, once: only while the production awaits it and before the review
   * expires. The production runs again from here (approved) or is closed by its execution (rejected).
   */
  async decideReview(
    productionId: string,
    decision: ReviewDecision,
    notes: string | undefined,
    at = new Date(),
  ): Promise<StoredReview> {
    const timestamp = at.toISOString();
    const indexed = statusIndexEntry('RUNNING', timestamp);
    const response = await unlessConditionFails(
      this.dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: productionKey(productionId),
          UpdateExpression:
            `SET review.decision = :decision, review.decidedAt = :now, #status = :running, updatedAt = :now, ${indexed.set}` +
            (notes ? ', review.notes = :notes' : ''),
          ConditionExpression:
            '#status = :awaiting AND attribute_not_exists(review.decision) AND review.expiresAt > :now',
          ExpressionAttributeNames: { '#status': 'status', ...indexed.names },
          ExpressionAttributeValues: {
            ':decision': decision,
            ':now': timestamp,
            ':running': 'RUNNING',
            ':awaiting': 'AWAITING_APPROVAL',
            ...indexed.values,
            ...(notes ? { ':notes': notes } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (response) return (response.Attributes as ProductionMeta).review!;
    const meta = await this.findProduction(productionId);
    const review = meta?.review;
    if (!meta) throw new ReviewNotOpen(`there is no production "${productionId}"`);
    if (!review || meta.status !== 'AWAITING_APPROVAL')
      throw new ReviewNotOpen(`production "${productionId}" is ${meta.status}, not awaiting approval`);
    if (review.decision)
      throw new ReviewNotOpen(
        `production "${productionId}" was already ${review.decision.toLowerCase()} at ${review.decidedAt}`,
      );
    throw new ReviewNotOpen(`the review of production "${productionId}" timed out at ${review.expiresAt}`);
  }

  /** Creates scene rows that do not exist yet; a scene already worked on keeps its history. */
  async ensureScene(scene: { productionId: string; episodeId: string; sceneId: string; index: number }): Promise<void> {
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: sceneKey(scene),
        UpdateExpression:
          'SET productionId = :p, episodeId = :e, sceneId = :s, #index = :i, updatedAt = :now, ' +
          '#status = :pending, attempts = if_not_exists(attempts, :zero), costUsd = if_not_exists(costUsd, :zero), ' +
          'assets = if_not_exists(assets, :noAssets), providerJobs = if_not_exists(providerJobs, :noJobs) REMOVE failure, failedStage',
        ExpressionAttributeNames: { '#index': 'index', '#status': 'status' },
        ExpressionAttributeValues: {
          ':p': scene.productionId,
          ':e': scene.episodeId,
          ':s': scene.sceneId,
          ':i': scene.index,
          ':now': now(),
          ':pending': 'PENDING',
          ':zero': 0,
          ':noAssets': {},
          ':noJobs': {},
        },
      }),
    );
  }

  async getScene(productionId: string, episodeId: string, sceneId: string): Promise<SceneRecord> {
    const response = await this.dynamo.send(
      new GetCommand({
        TableName: this.tableName,
        Key: sceneKey({ productionId, episodeId, sceneId }),
        ConsistentRead: true,
      }),
    );
    if (!response.Item) throw new AssetMissing(`scene ${episodeId}/${sceneId} of ${productionId} has no record`);
    return response.Item as SceneRecord;
  }

  listScenes(productionId: string): Promise<SceneRecord[]> {
    return queryProductionItems<SceneRecord>(this.dynamo, this.tableName, productionId, tableKeys.scenePrefix);
  }

  /** Sets a scene's status and merges the given fields. */
  async updateScene(
    scene: { productionId: string; episodeId: string; sceneId: string },
    changes: SceneChanges,
  ): Promise<SceneRecord> {
    const sets = ['#updatedAt = :now'];
    const names: Record<string, string> = { '#updatedAt': 'updatedAt' };
    const values: Record<string, unknown> = { ':now': now() };
    if (changes.status) {
      sets.push('#status = :status');
      names['#status'] = 'status';
      values[':status'] = changes.status;
    }
    for (const field of [
      'attempts',
      'consistency',
      'consistencyThreshold',
      'keyframeAttempts',
      'keyframeSeed',
      'videoCandidates',
      'nativeVoice',
      'durationSeconds',
      'failedStage',
      'failure',
      'failureCause',
    ] as const) {
      if (changes[field] !== undefined) {
        sets.push(`#${field} = :${field}`);
        names[`#${field}`] = field;
        values[`:${field}`] = changes[field];
      }
    }
    for (const [name, key] of Object.entries(changes.assets ?? {})) {
      names['#assets'] = 'assets';
      sets.push(`#assets.#asset_${name} = :asset_${name}`);
      names[`#asset_${name}`] = name;
      values[`:asset_${name}`] = key;
    }
    const response = await this.dynamo.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: sceneKey(scene),
        // A stage begins without the cause an earlier attempt left: a cause is the failure of the stage the scene is in.
        UpdateExpression: `SET ${sets.join(', ')}${(SCENE_STEPS as readonly string[]).includes(changes.status ?? '') ? ' REMOVE failureCause' : ''}`,
        ExpressionAttributeNames: { ...names, ...PARTITION_KEY_NAME },
        ExpressionAttributeValues: values,
        ConditionExpression: 'attribute_exists(#pk)',
        ReturnValues: 'ALL_NEW',
      }),
    );
    return response.Attributes as SceneRecord;
  }

  /** The provider job a scene's asynchronous stage started, read consistently. */
  async findProviderJob(scene: SceneRef, stage: string): Promise<StoredProviderJob | undefined> {
    const record = await this.getScene(scene.productionId, scene.episodeId, scene.sceneId);
    return record.providerJobs?.[stage];
  }

  /**
   * Claims the start of a stage's provider job, in one conditional write: it succeeds only when
   * the scene has no job for this call, or a claim older than `staleBefore` that never recorded a
   * job (its worker died mid-start). Two workers racing for one start: exactly one claims it.
   */
  async claimProviderJob(
    scene: SceneRef,
    stage: string,
    claim: StoredProviderJob,
    staleBefore: string,
  ): Promise<boolean> {
    return this.writeProviderJob(scene, stage, claim, {
      condition:
        'attribute_not_exists(providerJobs.#stage) OR providerJobs.#stage.callKey <> :callKey OR ' +
        '(providerJobs.#stage.#state = :starting AND providerJobs.#stage.claimedAt < :staleBefore)',
      values: { ':callKey': claim.callKey, ':starting': 'STARTING', ':staleBefore': staleBefore },
    });
  }

  /** Records the job the provider accepted, if the claim is still the caller's. */
  async recordProviderJob(scene: SceneRef, stage: string, job: StoredProviderJob): Promise<boolean> {
    return this.writeProviderJob(scene, stage, job, {
      condition: 'providerJobs.#stage.claimId = :claimId',
      values: { ':claimId': job.claimId },
    });
  }

  /** Drops a claim or a job the provider refused, so the stage's next attempt starts afresh; another worker's newer claim is kept. */
  async dropProviderJob(scene: SceneRef, stage: string, claimId: string): Promise<void> {
    await unlessConditionFails(
      this.dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: sceneKey(scene),
          UpdateExpression: 'REMOVE providerJobs.#stage',
          ConditionExpression: 'providerJobs.#stage.claimId = :claimId',
          ExpressionAttributeNames: { '#stage': stage },
          ExpressionAttributeValues: { ':claimId': claimId },
        }),
      ),
    );
  }

  private async writeProviderJob(
    scene: SceneRef,
    stage: string,
    job: StoredProviderJob,
    guard: { condition: string; values: Record<string, unknown> },
  ): Promise<boolean> {
    const written = await unlessConditionFails(
      this.dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: sceneKey(scene),
          UpdateExpression: 'SET providerJobs.#stage = :job, updatedAt = :now',
          ConditionExpression: `attribute_exists(#pk) AND (${guard.condition})`,
          ExpressionAttributeNames: {
            ...PARTITION_KEY_NAME,
            '#stage': stage,
            ...(guard.condition.includes('#state') ? { '#state': 'state' } : {}),
          },
          ExpressionAttributeValues: { ':job': job, ':now': now(), ...guard.values },
        }),
      ),
    );
    return written !== undefined;
  }

  /** Asks for the scene to be rendered afresh: its next run seeds every call differently, so nothing is reused. */
  async bumpRenderGeneration(scene: { productionId: string; episodeId: string; sceneId: string }): Promise<number> {
    const response = await this.dynamo.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: sceneKey(scene),
        UpdateExpression: 'ADD renderGeneration :one SET updatedAt = :now',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: PARTITION_KEY_NAME,
        ExpressionAttributeValues: { ':one': 1, ':now': now() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return (response.Attributes as SceneRecord).renderGeneration ?? 0;
  }
}
