import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { NEW_ACCOUNT_LIMITS } from './account-limits.js';
import { ENVIRONMENT_NAMES, type EnvironmentConfig, type EnvironmentName } from './environment-config.js';

const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;

/**
 * What every environment shares: its name makes its stack name; account and region come from the deploying
 * credentials; its first deploy may be to a new account, so it starts from a new account's quotas.
 */
function environment(
  name: EnvironmentName,
  settings: Omit<EnvironmentConfig, 'name' | 'stackName' | 'account' | 'region' | 'providers' | 'accountLimits'>,
): EnvironmentConfig {
  return {
    name,
    stackName: `dramaforge-${name}`,
    account,
    region,
    providers: {},
    accountLimits: NEW_ACCOUNT_LIMITS,
    ...settings,
  };
}

/**
 * dev is cheap and disposable: everything is destroyed with the stack, logs live a week.
 * staging mirrors prod's shape at lower concurrency, still destroyable.
 * prod keeps its data: retained bucket and table, deletion protection, versioning,
 * execution data redacted from the workflow logs.
 * The concurrency and memory here are what each environment runs with in an account that allows them;
 * in a new account staging's and prod's are lowered to fit (lib/config/account-limits.ts).
 */
export const ENVIRONMENTS: Record<EnvironmentName, EnvironmentConfig> = {
  dev: environment('dev', {
    workflow: {
      sceneMaxConcurrency: 2,
      episodeMaxConcurrency: 1,
      keyframeMaxAttempts: 3,
      redactExecutionDataInLogs: false,
    },
    videoWorker: { maxConcurrency: 2, batchSize: 1, maxReceiveCount: 3 },
    functionSizing: {},
    data: {
      removalPolicy: RemovalPolicy.DESTROY,
      bucketVersioning: false,
      cacheExpirationDays: 7,
      sceneAssetExpirationDays: 7,
      noncurrentVersionExpirationDays: 1,
      logRetention: RetentionDays.ONE_WEEK,
    },
    logLevel: 'DEBUG',
    alarms: { failedExecutions: 1, throttles: 1, videoWorkerErrors: 1, dailySpendUsd: 5 },
  }),
  staging: environment('staging', {
    workflow: {
      sceneMaxConcurrency: 4,
      episodeMaxConcurrency: 2,
      keyframeMaxAttempts: 3,
      redactExecutionDataInLogs: false,
    },
    videoWorker: { maxConcurrency: 4, batchSize: 1, maxReceiveCount: 3 },
    functionSizing: {},
    data: {
      removalPolicy: RemovalPolicy.DESTROY,
      bucketVersioning: false,
      cacheExpirationDays: 14,
      sceneAssetExpirationDays: 14,
      noncurrentVersionExpirationDays: 1,
      logRetention: RetentionDays.TWO_WEEKS,
    },
    logLevel: 'INFO',
    alarms: { failedExecutions: 1, throttles: 5, videoWorkerErrors: 3, dailySpendUsd: 25 },
  }),
  prod: environment('prod', {
    workflow: {
      sceneMaxConcurrency: 8,
      episodeMaxConcurrency: 4,
      keyframeMaxAttempts: 3,
      redactExecutionDataInLogs: true,
    },
    videoWorker: { maxConcurrency: 10, batchSize: 1, maxReceiveCount: 5 },
    functionSizing: {
      'render-keyframes': { memoryMb: 3008 },
      'assemble-episode': { memoryMb: 4096 },
      // A dub is cut, mixed and checked as the master is.
      'dub-episode': { memoryMb: 4096 },
    },
    data: {
      removalPolicy: RemovalPolicy.RETAIN,
      bucketVersioning: true,
      cacheExpirationDays: 90,
      sceneAssetExpirationDays: 30,
      noncurrentVersionExpirationDays: 30,
      logRetention: RetentionDays.THREE_MONTHS,
    },
    logLevel: 'INFO',
    alarms: { failedExecutions: 1, throttles: 10, videoWorkerErrors: 5, dailySpendUsd: 200 },
  }),
};

function isEnvironmentName(value: string): value is EnvironmentName {
  return (ENVIRONMENT_NAMES as readonly string[]).includes(value);
}

/**
 * The environments to synthesise, from the `env` context value (`-c env=dev`).
 * Without it, all three: `cdk synth --all` checks every environment at once.
 */
export function selectEnvironments(requested: unknown): EnvironmentConfig[] {
  if (requested === undefined) return ENVIRONMENT_NAMES.map((name) => ENVIRONMENTS[name]);
  if (typeof requested !== 'string' || !isEnvironmentName(requested)) {
    throw new Error(`unknown environment "${String(requested)}": use -c env=${ENVIRONMENT_NAMES.join('|')}`);
  }
  return [ENVIRONMENTS[requested]];
}
