import type { FailureCause } from '../contracts/failure-cause.js';
import type { SceneRef } from '../contracts/keys.js';
import type { Charge, Usage } from '../contracts/ports.js';
import type { CostRow, Reservation } from './ledger.js';
import type {
  AssemblyProgress,
  OpenedProduction,
  ProductionMeta,
  ProductionStatus,
  ReviewDecision,
  SceneChanges,
  SceneRecord,
  StoredProviderJob,
  StoredReview,
} from './production-model.js';

/*
 * The stores the stages and the pipeline work through. lambdas/adapters/aws/ implements them over
 * DynamoDB and S3 (docs/data.md), in AWS as on the local engines; a stage never names the adapter.
 */

/** Productions and their scenes, with the provider jobs recorded on a scene's row. */
export interface ProductionRecords {
  openProduction(input: OpenedProduction): Promise<ProductionMeta>;
  getProduction(productionId: string): Promise<ProductionMeta>;
  findProduction(productionId: string): Promise<ProductionMeta | undefined>;
  listProductions(): Promise<ProductionMeta[]>;
  closeProduction(
    productionId: string,
    status: ProductionStatus,
    failure?: { error: string; cause: string },
  ): Promise<void>;
  recordProductionCause(productionId: string, cause: FailureCause): Promise<void>;
  recordAssemblyProgress(
    productionId: string,
    episodeId: string,
    progress: Omit<AssemblyProgress, 'at'>,
  ): Promise<void>;
  openReview(productionId: string, review: StoredReview): Promise<void>;
  decideReview(
    productionId: string,
    decision: ReviewDecision,
    notes: string | undefined,
    at?: Date,
  ): Promise<StoredReview>;
  ensureScene(scene: SceneRef & { index: number }): Promise<void>;
  getScene(productionId: string, episodeId: string, sceneId: string): Promise<SceneRecord>;
  listScenes(productionId: string): Promise<SceneRecord[]>;
  updateScene(scene: SceneRef, changes: SceneChanges): Promise<SceneRecord>;
  /** Asks for the scene to be rendered afresh; answers its new render generation. */
  bumpRenderGeneration(scene: SceneRef): Promise<number>;
  findProviderJob(scene: SceneRef, stage: string): Promise<StoredProviderJob | undefined>;
  claimProviderJob(scene: SceneRef, stage: string, claim: StoredProviderJob, staleBefore: string): Promise<boolean>;
  recordProviderJob(scene: SceneRef, stage: string, job: StoredProviderJob): Promise<boolean>;
  dropProviderJob(scene: SceneRef, stage: string, claimId: string): Promise<void>;
}

/** The budget ledger: a hold before each paid call, settled at what it cost (lambdas/core/domain/ledger.ts has the rules). */
export interface CostLedger {
  findCost(productionId: string, idempotencyKey: string): Promise<CostRow | undefined>;
  reserve(
    input: Reservation & { stage: string },
  ): Promise<{ reservation: Reservation; settled?: CostRow; unanswered?: CostRow }>;
  settle(
    reservation: Reservation,
    outcome: { usd: number; provider: string; model: string; units: Usage; charges?: Charge[] },
  ): Promise<void>;
  release(reservation: Reservation): Promise<void>;
  markUnconfirmed(reservation: Pick<Reservation, 'productionId' | 'idempotencyKey'>): Promise<void>;
  carryOpenReservations(productionId: string): Promise<number>;
  listCosts(productionId: string): Promise<CostRow[]>;
}

/** The production's objects (docs/data.md's bucket layout), by key. */
export interface ObjectStore {
  readonly bucket: string;
  getBytes(key: string): Promise<Buffer>;
  findBytes(key: string): Promise<Buffer | undefined>;
  getJson<T>(key: string): Promise<T>;
  findJson<T>(key: string): Promise<T | undefined>;
  putBytes(key: string, body: Buffer | string, contentType: string): Promise<void>;
  putJson(key: string, value: unknown): Promise<void>;
  exists(key: string): Promise<boolean>;
  etag(key: string): Promise<string | undefined>;
}
