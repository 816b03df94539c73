import type { FailureCause } from '../contracts/failure-cause.js';
import type { Repair } from '../contracts/ports.js';
import type { NativeVoiceRecord } from './native-voice.js';
import type { QaCheck } from './scene-artifacts.js';

/*
 * The production and its scenes as the pipeline records them (docs/data.md): the rows the
 * production store keeps, the statuses a production and a scene move through, and what a
 * scene's stages leave on its row.
 */

export const PRODUCTION_STATUSES = [
  'RUNNING',
  'COMPLETE',
  'FAILED',
  'BUDGET_EXCEEDED',
  'AWAITING_APPROVAL',
  'REJECTED',
  'REVIEW_TIMED_OUT',
] as const;
export type ProductionStatus = (typeof PRODUCTION_STATUSES)[number];

/**
 * A scene's status is the step of its making it is in (or stopped at), until it is COMPLETE, FAILED or
 * BUDGET_EXCEEDED. A step is not a stage: the video step spans the video worker's stage, and a record keeps the
 * step it stopped at under its persisted name `failedStage`.
 */
export const SCENE_STEPS = ['SCRIPT', 'KEYFRAMES', 'VOICE', 'VIDEO', 'LIP_SYNC', 'ENCODING'] as const;
export type SceneStep = (typeof SCENE_STEPS)[number];
export type SceneStatus = 'PENDING' | SceneStep | 'COMPLETE' | 'FAILED' | 'BUDGET_EXCEEDED';

export interface ProductionMeta {
  productionId: string;
  title: string;
  language: string;
  status: ProductionStatus;
  budgetUsd: number;
  /** Confirmed spend: calls settled at the usage their provider reported. */
  spentUsd: number;
  /** Calls that may have been billed but whose answer never came back, at their estimates. */
  unconfirmedUsd: number;
  reservedUsd: number;
  /** Always budgetUsd - spentUsd - unconfirmedUsd - reservedUsd: the one number a reservation's condition can test. */
  availableUsd: number;
  manifestKey: string;
  executionName: string;
  createdAt: string;
  updatedAt: string;
  failure?: { error: string; cause: string };
  /** Why a production-level stage (a reference sheet, an episode's development) last failed in this execution. */
  failureCause?: FailureCause;
  review?: StoredReview;
  /** Where each episode's assembly is, by episode id, while this execution assembles it. */
  assembly?: Record<string, AssemblyProgress>;
}

/** An episode's assembly as it goes: its step, and during the encode how much of it is done. */
export interface AssemblyProgress {
  step:
    | 'reading the scenes'
    | 'mixing the sound'
    | 'encoding'
    | 'checking the episode'
    | 'writing the deliverables'
    | 'done';
  percent?: number;
  at: string;
}

/** A producer's review of a cut (the approval gate), as the META row keeps it. */
export interface StoredReview {
  /** `video`: the animatic, before paid video; `delivery`: the finished cut, before it is delivered. */
  before: 'video' | 'delivery';
  cut: 'animatic' | 'final';
  /** The execution that waits for the decision: a decision answers that execution only. */
  executionName: string;
  /** The waiting Task's token: `aws stepfunctions send-task-success --task-token` takes it. */
  taskToken: string;
  requestedAt: string;
  expiresAt: string;
  decision?: ReviewDecision;
  notes?: string;
  decidedAt?: string;
}

export type ReviewDecision = 'APPROVED' | 'REJECTED';

export interface KeyframeAttempt {
  attempt: number;
  seed: number;
  scores: Record<string, number>;
  accepted: boolean;
  /** What was mended in the judge's answers for this keyframe, character by character; absent when nothing was. */
  repairs?: (Repair & { characterId: string })[];
}

/**
 * One of the clips bought for a scene when its manifest asks for several (`video.candidates`), as
 * it was scored: its consistency against the reference sheets on sampled frames, how much of it
 * moves, and QA's picture checks on it. `reason` says why it was kept or passed over.
 */
export interface VideoCandidate {
  candidate: number;
  seed: number;
  provider: string;
  model: string;
  /** Each character's mean score over the sampled frames. */
  consistency: Record<string, number>;
  /** The seconds into the clip of the frames scored. */
  sampledSeconds: number[];
  /** The share of the clip that is not frozen picture. */
  motion: number;
  checks: QaCheck[];
  kept: boolean;
  reason: string;
  /** The ledger rows of the clip and of its scoring: the report sums their cost. */
  costKeys: string[];
  /** Bucket keys of its clip (an MP4, or the offline model's camera move) and of the middle frame it was scored on; absent on rows written before they were kept. */
  clip?: string;
  frame?: string;
}

/**
 * A job started at an asynchronous provider for one of a scene's stages, as the scene's row
 * records it. It is written before the job is polled, so whatever delivers the stage's task
 * next (a redelivery, a resend after a crash, a resumed execution) polls this job instead of
 * buying another.
 */
export interface StoredProviderJob {
  /** The call's idempotency key, from its inputs: a scene whose inputs changed starts a job of its own. */
  callKey: string;
  provider: string;
  model: string;
  /** STARTING: a worker holds the claim to start it. STARTED: the provider accepted it as `jobId`. */
  state: 'STARTING' | 'STARTED';
  /** Whose claim this is: only the worker that claimed the start records the job. */
  claimId: string;
  claimedAt: string;
  jobId?: string;
  /** The ledger row that holds the job's cost, and the idempotency key the provider was sent. */
  costKey?: string;
  providerKey?: string;
  startedAt?: string;
}

export interface SceneRecord {
  productionId: string;
  episodeId: string;
  sceneId: string;
  index: number;
  status: SceneStatus;
  attempts: number;
  keyframeAttempts?: KeyframeAttempt[];
  /** Every clip bought for the scene when it asked for more than one, and which was kept. */
  videoCandidates?: VideoCandidate[];
  /** Present when the video model spoke the scene's lines: which model, and how it was given the voices. */
  nativeVoice?: NativeVoiceRecord;
  /** The seed of the keyframe kept: the offline lip-sync paints that keyframe again with open mouths. */
  keyframeSeed?: number;
  consistency?: Record<string, number>;
  /** The threshold the keyframe attempts were held to: with `consistency`, whether the kept frame fell short. */
  consistencyThreshold?: number;
  costUsd: number;
  durationSeconds?: number;
  assets?: Record<string, string>;
  failedStage?: SceneStep;
  failure?: { error: string; cause: string };
  /** Why the stage it is in failed, as data; cleared when it enters a stage. */
  failureCause?: FailureCause;
  /** Raised by `rerender`; part of every seed the scene uses, so a new generation reuses nothing. */
  renderGeneration?: number;
  /** The provider job of each asynchronous stage (`video`), by stage. */
  providerJobs?: Record<string, StoredProviderJob>;
  updatedAt: string;
}

/** A production opened for an execution: its META row's facts that the manifest and the execution give. */
export interface OpenedProduction {
  productionId: string;
  title: string;
  language: string;
  budgetUsd: number;
  manifestKey: string;
  executionName: string;
}

/** What a stage may change on a scene's row; the fields it leaves out stay as they are. */
export interface SceneChanges {
  status?: SceneStatus;
  consistency?: Record<string, number>;
  consistencyThreshold?: number;
  keyframeAttempts?: KeyframeAttempt[];
  keyframeSeed?: number;
  videoCandidates?: VideoCandidate[];
  nativeVoice?: NativeVoiceRecord;
  durationSeconds?: number;
  assets?: Record<string, string>;
  failedStage?: SceneStep;
  failure?: { error: string; cause: string };
  failureCause?: FailureCause;
  attempts?: number;
}
