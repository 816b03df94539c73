import type { RemovalPolicy } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';

export const ENVIRONMENT_NAMES = ['dev', 'staging', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** Per-function overrides of a stage's memory and timeout (its descriptor, lambdas/stages/<stage>/stage.ts, holds the defaults). */
export interface FunctionSizing {
  memoryMb?: number;
  timeoutSeconds?: number;
}

/** The account's Lambda quotas the stack must fit, as lib/config/account-limits.ts applies them. */
export interface AccountLimits {
  /** The most memory any function may ask for: 3,008 MB in a new account, up to 10,240 MB where AWS has raised it. */
  maxFunctionMemoryMb: number;
  /** Lambda functions the account runs at once: 10 in a new account, commonly 1,000 once AWS raises it. */
  concurrentExecutions: number;
}

/** Everything that differs between dev, staging and prod. One object per environment, resolved once in bin/app.ts. */
export interface EnvironmentConfig {
  name: EnvironmentName;
  /** CloudFormation stack name; also the prefix of the few physical names we set. */
  stackName: string;
  /** Account and region; undefined means "the credentials' defaults at deploy time" (environment-agnostic synth). */
  account?: string;
  region?: string;

  /**
   * The quotas the stack is fitted to. Every environment starts from a new account's; `-c maxFunctionMemoryMb=`
   * and `-c accountConcurrency=` raise them for an account whose quotas are higher (docs/deploy.md).
   */
  accountLimits: AccountLimits;

  workflow: {
    /** Scenes produced at once within an episode (the Scenes Map's MaxConcurrency), at most: lowered to fit `accountLimits`. */
    sceneMaxConcurrency: number;
    /** Episodes produced at once, at most: lowered to fit `accountLimits`. */
    episodeMaxConcurrency: number;
    /** Keyframe redraws allowed before a scene fails its consistency check. */
    keyframeMaxAttempts: number;
    /** Minimum consistency score for a keyframe; undefined keeps the provider's own threshold. */
    consistencyThreshold?: number;
    /** Execution inputs and outputs stay out of the workflow's logs (they name productions and scenes). */
    redactExecutionDataInLogs: boolean;
  };

  videoWorker: {
    /**
     * Concurrent worker invocations the SQS event source may run: the provider's rate limit, in practice.
     * At most: lowered to fit `accountLimits`, never below SQS's minimum of 2.
     */
    maxConcurrency: number;
    batchSize: number;
    /** Deliveries before a video job goes to the dead-letter queue. */
    maxReceiveCount: number;
  };

  /** Keyed by stage name (the folder under lambdas/stages/). Memory above `accountLimits.maxFunctionMemoryMb` is lowered to it. */
  functionSizing: Record<string, FunctionSizing>;

  data: {
    /** What happens to the bucket and table when the stack is deleted (RETAIN also turns on table deletion protection). */
    removalPolicy: RemovalPolicy;
    bucketVersioning: boolean;
    /** Content-addressed provider results: cheap to recompute offline, expensive with paid providers. */
    cacheExpirationDays: number;
    /** Per-scene intermediates (keyframes, voice, clips); the episodes and the report are kept. */
    sceneAssetExpirationDays: number;
    /** Old object versions, when versioning is on. */
    noncurrentVersionExpirationDays: number;
    logRetention: RetentionDays;
  };

  /** POWERTOOLS_LOG_LEVEL for every function. */
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

  alarms: {
    /** Failed executions in 5 minutes that raise the alarm. */
    failedExecutions: number;
    /** Lambda throttles in 5 minutes, across the stack's functions, that raise the alarm. */
    throttles: number;
    /** Video worker errors in 5 minutes that raise the alarm. */
    videoWorkerErrors: number;
    /** Provider spend over one day, in USD, that raises the alarm. */
    dailySpendUsd: number;
    /** Where alarm notifications go; none means the alarms are only on the dashboard. */
    notificationEmail?: string;
  };

  providers: {
    /**
     * Name of an existing Secrets Manager secret holding provider API keys. When absent the
     * stack creates an empty one for you to fill in (`aws secretsmanager put-secret-value`).
     */
    existingSecretName?: string;
  };
}
