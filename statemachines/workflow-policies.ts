import {
  BudgetExceeded,
  ProviderThrottled,
  ProviderTimeout,
  ProviderUnavailable,
} from '../lambdas/core/contracts/errors.js';

/**
 * The Retry policies and Catch rules both workflow sources use, each written once.
 * JSONPath only: the local engine ignores JSONata, Assign and Distributed Map.
 */

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds: number;
  BackoffRate: number;
  MaxAttempts: number;
  MaxDelaySeconds: number;
  JitterStrategy: 'FULL';
}

export interface Catcher {
  ErrorEquals: string[];
  ResultPath: string;
  Next: string;
}

/** Throttling passes when the provider's rate window does: longer waits, and more of them, than for a failure. */
export const PROVIDER_THROTTLED_RETRY: Retrier = {
  ErrorEquals: [ProviderThrottled.errorName],
  IntervalSeconds: 3,
  BackoffRate: 2,
  MaxAttempts: 6,
  MaxDelaySeconds: 120,
  JitterStrategy: 'FULL',
};

/** Failures that may pass on their own: a provider's 5xx or timeout, and Lambda's own transient errors. */
export const TRANSIENT_FAILURE_RETRY: Retrier = {
  ErrorEquals: [
    ProviderUnavailable.errorName,
    ProviderTimeout.errorName,
    'States.Timeout',
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.TooManyRequestsException',
  ],
  IntervalSeconds: 2,
  BackoffRate: 2,
  MaxAttempts: 4,
  MaxDelaySeconds: 30,
  JitterStrategy: 'FULL',
};

/** Tasks that call a paid provider, which may throttle. Throttling is matched first, so its longer waits apply. */
export const PROVIDER_CALL_RETRY: Retrier[] = [PROVIDER_THROTTLED_RETRY, TRANSIENT_FAILURE_RETRY];
/** Tasks that only read and write our own stores. */
export const OWN_WORK_RETRY: Retrier[] = [TRANSIENT_FAILURE_RETRY];

/**
 * The approval gate's Task: Lambda's own transient errors invoking the function that keeps the
 * token. Not States.Timeout: the gate timing out is the producer not deciding, a stop of its own.
 */
export const REVIEW_GATE_RETRY: Retrier[] = [
  {
    ...TRANSIENT_FAILURE_RETRY,
    ErrorEquals: TRANSIENT_FAILURE_RETRY.ErrorEquals.filter((name) => name !== 'States.Timeout'),
  },
];

/** The error lands at `$.error`, where the state it goes to reads it. */
export const catchError = (errorName: string, next: string): Catcher => ({
  ErrorEquals: [errorName],
  ResultPath: '$.error',
  Next: next,
});
export const catchAll = (next: string, resultPath = '$.error'): Catcher => ({
  ErrorEquals: ['States.ALL'],
  ResultPath: resultPath,
  Next: next,
});

export const PRODUCTION_STEP_CATCH = [catchAll('Record production failure')];
/** A scene stage stops only its own scene; a budget stop is recorded apart from a failure. */
export const SCENE_STAGE_CATCH = [
  catchError(BudgetExceeded.errorName, 'Record budget stop'),
  catchAll('Record scene failure'),
];
export const SCENE_OUTCOME_CATCH = [catchAll('Scene outcome not recorded')];

/** Payloads carry ids only (256 KiB limit): a scene stage reads everything else from the table and the bucket. */
export const SCENE_IDS = {
  'productionId.$': '$.productionId',
  'episodeId.$': '$.episodeId',
  'sceneId.$': '$.sceneId',
};

/** A scene's ids and the cut it is made for: the animatic (offline video, before a review) or the final cut. */
export const SCENE_IDS_AND_CUT = { ...SCENE_IDS, 'cut.$': '$.cut' };

/**
 * Starting an episode's child execution may be refused for a moment (the account's open
 * executions, the service's own errors); the child's own failure is not retried, since a
 * second start under the same name would be refused.
 */
export const CHILD_EXECUTION_RETRY: Retrier[] = [
  {
    // A start refused at the account's open-execution quota. StartExecution's error code is `ExecutionLimitExceeded`,
    // which the integration reports as `StepFunctions.ExecutionLimitExceeded`; some SDKs name its class `...Exception`.
    // Both are named, so the Retry matches whichever arrives.
    ErrorEquals: [
      'StepFunctions.ExecutionLimitExceeded',
      'StepFunctions.ExecutionLimitExceededException',
      'StepFunctions.SdkClientException',
    ],
    IntervalSeconds: 5,
    BackoffRate: 2,
    MaxAttempts: 5,
    MaxDelaySeconds: 120,
    JitterStrategy: 'FULL',
  },
];
