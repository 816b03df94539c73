import type { Context } from 'aws-lambda';
import type { ProviderPort } from '../core/contracts/bound-providers.js';
import type { AnswersTasks, RequeuesJobs, StageDeps } from './stage-deps.js';

/** DynamoDB actions the stores in lambdas/adapters/aws/ issue. */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:Query';

/** Files a function needs beside its code: the ffmpeg binaries, the caption fonts, the espeak-ng worker. */
export type MediaTool = 'ffmpeg' | 'fonts' | 'espeak';

/** What a function touches in AWS, so the stack grants exactly that and no more. */
export interface StageAccess {
  /** Object key patterns the function reads (IAM wildcards allowed). */
  readonly reads: readonly string[];
  /** Object key patterns the function writes. */
  readonly writes: readonly string[];
  readonly table: readonly TableAction[];
  readonly media: readonly MediaTool[];
  /** Calls paid providers, so it may read their API keys and call Bedrock and Polly. */
  readonly callsProviders: boolean;
  /**
   * Refuses a manifest whose provider profiles this environment cannot serve (unavailableProfiles in
   * lambdas/composition/provider-registry.ts). In AWS a profile can be served when the provider secret
   * is there, so the function is told where it is, and may not read it.
   */
  readonly validatesProviderProfiles?: boolean;
  /** Answers a `.waitForTaskToken` Task of this machine with SendTaskSuccess/SendTaskFailure. */
  readonly reportsTaskOutcome?: 'episode' | 'production';
  /** Re-sends its own job to the video queue with a delay, to poll an asynchronous provider job. */
  readonly requeuesVideoJobs?: boolean;
  /** Draws or decodes images (lambdas/adapters/media/canvas.ts), so it gets the native canvas layer and the fonts the canvas registers. */
  readonly draws?: boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: each stage parses its own event shape at the door (zod), so the runtime hands it any event.
export type LambdaHandler = (event: any, context: Context) => Promise<unknown>;

/** A stage's handler module: `handler` for Lambda, `createHandler` for a runtime that builds its own dependencies. */
export interface StageModule {
  /**
   * Given every provider port and every client (the local runtime serves every stage from one set);
   * a stage's handler takes those it declares.
   */
  createHandler(deps: StageDeps<ProviderPort> & AnswersTasks & RequeuesJobs): LambdaHandler;
}

interface StageDescriptorBase {
  /** kebab-case folder under lambdas/stages/, the function's name suffix and its construct id. */
  readonly name: string;
  /**
   * Roomy enough for the slowest provider. `functionSizing` in lib/config/environments.ts may override it per
   * environment, and the Task that calls the function times out with it.
   */
  readonly timeoutSeconds: number;
  /** The function's memory, and so its share of CPU; `functionSizing` may override it too. */
  readonly memoryMb: number;
  /** What it touches in AWS: the stack grants its IAM, picks its layers and sets its environment from this. */
  readonly access: StageAccess;
}

/** A function a Task state calls by ARN, through its `${substitution}` in the ASL. */
export interface WorkflowStageDescriptor extends StageDescriptorBase {
  readonly invokedBy: 'workflow';
  /** The ASL's name for the function's ARN, `<PascalName>FunctionArn`: each runtime maps it to its function. */
  readonly substitution: string;
  /** Reads the stage environment (lambdas/core/contracts/environment.ts). */
  readonly environment: 'stage';
  /**
   * What its Task waits on, which sets how the Task retries (statemachines/stage-task.ts): a paid
   * provider call, which the provider may throttle, or our own work. Only a stage that `callsProviders`
   * can make a paid call; one that may (a cache read through paidCall) can still be own work.
   */
  readonly work: 'paid-provider-call' | 'own-work';
  /** `() => import('./handler.js')`: the local runtime imports the handler through it, so reading the catalog loads no handler. */
  readonly load: () => Promise<StageModule>;
}

/** The function the video queue's event source invokes; the workflow reaches it by message, not by ARN. */
export interface QueueWorkerDescriptor extends StageDescriptorBase {
  readonly invokedBy: 'video-queue';
  readonly substitution?: undefined;
  readonly environment: 'stage';
  readonly load: () => Promise<StageModule>;
}

/** The function that turns a manifest upload into an execution: AWS only, the local bucket hook plays it there. */
export interface ManifestTriggerDescriptor extends StageDescriptorBase {
  readonly invokedBy: 'manifest-upload';
  readonly substitution?: undefined;
  /** Reads the trigger environment (STATE_MACHINE_ARN). */
  readonly environment: 'trigger';
}

export type StageDescriptor = WorkflowStageDescriptor | QueueWorkerDescriptor | ManifestTriggerDescriptor;

const PRODUCTIONS = 'productions/*';
const CACHE = 'cache/*';

/**
 * paidCall (lambdas/pipeline/paid-call.ts): the content-addressed cache plus the ledger's reserve/settle, and the
 * provider slots in the table (lambdas/adapters/aws/table-slots.ts), which query their queue and delete tickets and leases.
 */
const PAID_CALL_TABLE_ACTIONS: readonly TableAction[] = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
];

/** A stage that calls providers through paidCall: the production's objects, the cache and the ledger. */
export function paidStageAccess(media: readonly MediaTool[], extra: Partial<StageAccess> = {}): StageAccess {
  return {
    reads: [PRODUCTIONS, CACHE],
    writes: [PRODUCTIONS, CACHE],
    table: PAID_CALL_TABLE_ACTIONS,
    media,
    callsProviders: true,
    ...extra,
  };
}

/** A stage that works on a production's objects and calls no provider. */
export function productionStageAccess(
  access: Omit<StageAccess, 'callsProviders' | 'reads' | 'writes'> & Partial<Pick<StageAccess, 'reads' | 'writes'>>,
): StageAccess {
  return { reads: [PRODUCTIONS], writes: [PRODUCTIONS], callsProviders: false, ...access };
}

export const ASSET_PATTERNS = { productions: PRODUCTIONS, cache: CACHE } as const;
