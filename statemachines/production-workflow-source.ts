import { BudgetExceeded, ManifestInvalid, ProviderThrottled, ProviderTimeout, ProviderUnavailable } from '../lambdas/core/errors.js';
import { WAIT_FOR_TASK_TOKEN_SQS, type Definition } from './production-definition.js';

/**
 * The source of statemachines/production.asl.json. Both runtimes and the console read the
 * generated file; this is where it is edited, so that each Retry policy and each Catch rule
 * is written once (`npm run asl` writes the file, `npm run asl:check` fails when it is stale).
 * JSONPath only: the local engine ignores JSONata, Assign and Distributed Map.
 */

interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds: number;
  BackoffRate: number;
  MaxAttempts: number;
  MaxDelaySeconds: number;
  JitterStrategy: 'FULL';
}

interface Catcher {
  ErrorEquals: string[];
  ResultPath: string;
  Next: string;
}

/** Throttling passes when the provider's rate window does: longer waits, and more of them, than for a failure. */
export const PROVIDER_THROTTLED_RETRY: Retrier = {
  ErrorEquals: [ProviderThrottled.name],
  IntervalSeconds: 3,
  BackoffRate: 2,
  MaxAttempts: 6,
  MaxDelaySeconds: 120,
  JitterStrategy: 'FULL',
};

/** Failures that may pass on their own: a provider's 5xx or timeout, and Lambda's own transient errors. */
export const TRANSIENT_FAILURE_RETRY: Retrier = {
  ErrorEquals: [
    ProviderUnavailable.name,
    ProviderTimeout.name,
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

/** The error lands at `$.error`, where the state it goes to reads it. */
const catchError = (errorName: string, next: string): Catcher => ({ ErrorEquals: [errorName], ResultPath: '$.error', Next: next });
const catchAll = (next: string, resultPath = '$.error'): Catcher => ({ ErrorEquals: ['States.ALL'], ResultPath: resultPath, Next: next });

const PRODUCTION_STEP_CATCH = [catchAll('Record production failure')];
/** A scene stage stops only its own scene; a budget stop is recorded apart from a failure. */
const SCENE_STAGE_CATCH = [catchError(BudgetExceeded.name, 'Record budget stop'), catchAll('Record scene failure')];
const SCENE_OUTCOME_CATCH = [catchAll('Scene outcome not recorded')];

/** Payloads carry ids only (256 KiB limit): a scene stage reads everything else from the table and the bucket. */
const SCENE_IDS = {
  'productionId.$': '$.productionId',
  'episodeId.$': '$.episodeId',
  'sceneId.$': '$.sceneId',
};

export const productionWorkflow = {
  Comment: "dramaforge: one execution produces one manifest's series, from script to assembled episodes.",
  StartAt: 'Validate manifest',
  TimeoutSeconds: 86400,
  States: {
    'Validate manifest': {
      Type: 'Task',
      Comment: 'Reject a bad manifest with every problem written next to it as <manifest>.errors.json.',
      Resource: '${ValidateManifestFunctionArn}',
      Parameters: {
        'bucket.$': '$.bucket',
        'key.$': '$.key',
        'executionName.$': '$$.Execution.Name',
      },
      ResultPath: '$.production',
      TimeoutSeconds: 60,
      Retry: OWN_WORK_RETRY,
      Catch: [catchError(ManifestInvalid.name, 'Manifest rejected'), catchAll('Manifest could not be read')],
      Next: 'Plan production',
    },
    'Manifest rejected': {
      Type: 'Fail',
      Error: 'ManifestInvalid',
      Cause: 'The manifest failed validation; the problems are in <manifest>.errors.json next to it.',
    },
    'Manifest could not be read': {
      Type: 'Fail',
      Error: 'ManifestUnreadable',
      Cause: 'The manifest object could not be read or the production could not be opened.',
    },
    'Plan production': {
      Type: 'Task',
      Comment: 'One row per scene in the table; the plan carries ids only.',
      Resource: '${PlanProductionFunctionArn}',
      Parameters: {
        'productionId.$': '$.production.productionId',
      },
      ResultPath: '$.plan',
      TimeoutSeconds: 120,
      Retry: OWN_WORK_RETRY,
      Catch: PRODUCTION_STEP_CATCH,
      Next: 'Cast characters',
    },
    'Cast characters': {
      Type: 'Map',
      Comment: 'A reference sheet per character: the face every keyframe is checked against.',
      ItemsPath: '$.plan.characterIds',
      MaxConcurrencyPath: '$.plan.sceneMaxConcurrency',
      ItemSelector: {
        'productionId.$': '$.plan.productionId',
        'characterId.$': '$$.Map.Item.Value',
      },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Draw reference sheet',
        States: {
          'Draw reference sheet': {
            Type: 'Task',
            Resource: '${CastCharacterFunctionArn}',
            ResultPath: null,
            TimeoutSeconds: 300,
            Retry: PROVIDER_CALL_RETRY,
            End: true,
            Catch: [catchAll('Reference sheet failed')],
          },
          'Reference sheet failed': {
            Type: 'Fail',
            Error: 'ReferenceSheetFailed',
            Cause: "A character's reference sheet could not be drawn.",
          },
        },
      },
      ResultPath: null,
      Catch: PRODUCTION_STEP_CATCH,
      Next: 'Produce episodes',
    },
    'Produce episodes': {
      Type: 'Map',
      ItemsPath: '$.plan.episodes',
      MaxConcurrencyPath: '$.plan.episodeMaxConcurrency',
      ItemSelector: {
        'productionId.$': '$.plan.productionId',
        'episodeId.$': '$$.Map.Item.Value.episodeId',
        'sceneIds.$': '$$.Map.Item.Value.sceneIds',
        'sceneMaxConcurrency.$': '$.plan.sceneMaxConcurrency',
      },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Produce scenes',
        States: {
          'Produce scenes': {
            Type: 'Map',
            ItemsPath: '$.sceneIds',
            MaxConcurrencyPath: '$.sceneMaxConcurrency',
            ItemSelector: {
              'productionId.$': '$.productionId',
              'episodeId.$': '$.episodeId',
              'sceneId.$': '$$.Map.Item.Value',
            },
            ItemProcessor: {
              ProcessorConfig: { Mode: 'INLINE' },
              StartAt: 'Write script',
              States: {
                'Write script': {
                  Type: 'Task',
                  Comment: 'The LLM writes dialogue for scenes that have none; given dialogue is used verbatim.',
                  Resource: '${WriteScriptFunctionArn}',
                  Parameters: SCENE_IDS,
                  ResultPath: null,
                  TimeoutSeconds: 300,
                  Retry: PROVIDER_CALL_RETRY,
                  Catch: SCENE_STAGE_CATCH,
                  Next: 'Render keyframes',
                },
                'Render keyframes': {
                  Type: 'Task',
                  Comment: 'Draw the keyframe, score each character against its reference sheet, regenerate below the threshold.',
                  Resource: '${RenderKeyframesFunctionArn}',
                  Parameters: SCENE_IDS,
                  ResultPath: null,
                  TimeoutSeconds: 600,
                  Retry: PROVIDER_CALL_RETRY,
                  Catch: SCENE_STAGE_CATCH,
                  Next: 'Synthesize voice',
                },
                'Synthesize voice': {
                  Type: 'Task',
                  Comment: "One voice per character; the scene's voice track sets its length.",
                  Resource: '${SynthesizeVoiceFunctionArn}',
                  Parameters: SCENE_IDS,
                  ResultPath: null,
                  TimeoutSeconds: 600,
                  Retry: PROVIDER_CALL_RETRY,
                  Catch: SCENE_STAGE_CATCH,
                  Next: 'Generate video',
                },
                'Generate video': {
                  Type: 'Task',
                  Comment: "Generative video is slow and rate-limited: the video queue's worker calls back with the task token.",
                  Resource: WAIT_FOR_TASK_TOKEN_SQS,
                  Parameters: {
                    QueueUrl: '${VideoQueueUrl}',
                    MessageBody: { ...SCENE_IDS, 'taskToken.$': '$$.Task.Token' },
                  },
                  ResultPath: null,
                  TimeoutSeconds: 3600,
                  Retry: PROVIDER_CALL_RETRY,
                  Catch: SCENE_STAGE_CATCH,
                  Next: 'Build subtitles',
                },
                'Build subtitles': {
                  Type: 'Task',
                  Comment: 'SRT and VTT timed from the voice track.',
                  Resource: '${BuildSubtitlesFunctionArn}',
                  Parameters: SCENE_IDS,
                  ResultPath: null,
                  TimeoutSeconds: 120,
                  Retry: PROVIDER_CALL_RETRY,
                  Catch: SCENE_STAGE_CATCH,
                  Next: 'Mark scene complete',
                },
                'Mark scene complete': {
                  Type: 'Task',
                  Resource: '${RecordSceneOutcomeFunctionArn}',
                  Parameters: { ...SCENE_IDS, outcome: 'COMPLETE' },
                  ResultPath: null,
                  TimeoutSeconds: 60,
                  Retry: OWN_WORK_RETRY,
                  End: true,
                  Catch: SCENE_OUTCOME_CATCH,
                },
                'Record budget stop': {
                  Type: 'Task',
                  Comment: 'The ledger refused the next call: the scene stops where it is, nothing over budget is spent.',
                  Resource: '${RecordSceneOutcomeFunctionArn}',
                  Parameters: { ...SCENE_IDS, outcome: 'BUDGET_EXCEEDED', 'error.$': '$.error' },
                  ResultPath: null,
                  TimeoutSeconds: 60,
                  Retry: OWN_WORK_RETRY,
                  End: true,
                  Catch: SCENE_OUTCOME_CATCH,
                },
                'Record scene failure': {
                  Type: 'Task',
                  Comment: "One scene's failure is recorded on the scene; the rest of the episode goes on.",
                  Resource: '${RecordSceneOutcomeFunctionArn}',
                  Parameters: { ...SCENE_IDS, outcome: 'FAILED', 'error.$': '$.error' },
                  ResultPath: null,
                  TimeoutSeconds: 60,
                  Retry: OWN_WORK_RETRY,
                  End: true,
                  Catch: SCENE_OUTCOME_CATCH,
                },
                'Scene outcome not recorded': {
                  Type: 'Fail',
                  Error: 'SceneOutcomeNotRecorded',
                  Cause: "The scene's outcome could not be written to the table.",
                },
              },
            },
            ResultPath: null,
            Next: 'Assemble episode',
          },
          'Assemble episode': {
            Type: 'Task',
            Comment: 'Concatenate the finished scenes, lay the voices, burn the subtitles: one MP4 per episode.',
            Resource: '${AssembleEpisodeFunctionArn}',
            Parameters: {
              'productionId.$': '$.productionId',
              'episodeId.$': '$.episodeId',
            },
            ResultPath: null,
            TimeoutSeconds: 900,
            Retry: OWN_WORK_RETRY,
            End: true,
            Catch: [catchAll('Episode assembly failed')],
          },
          'Episode assembly failed': {
            Type: 'Fail',
            Error: 'EpisodeAssemblyFailed',
            Cause: "The episode's MP4 could not be assembled.",
          },
        },
      },
      ResultPath: null,
      Catch: PRODUCTION_STEP_CATCH,
      Next: 'Finalize production',
    },
    'Finalize production': {
      Type: 'Task',
      Comment: 'Write report.json and the storyboard, and close the production with its status.',
      Resource: '${FinalizeProductionFunctionArn}',
      Parameters: {
        'productionId.$': '$.plan.productionId',
      },
      ResultPath: '$.result',
      TimeoutSeconds: 300,
      Retry: OWN_WORK_RETRY,
      Next: 'Was everything delivered?',
      Catch: [catchAll('Production failed')],
    },
    'Was everything delivered?': {
      Type: 'Choice',
      Choices: [
        { Variable: '$.result.status', StringEquals: 'COMPLETE', Next: 'Production delivered' },
        { Variable: '$.result.status', StringEquals: 'BUDGET_EXCEEDED', Next: 'Stopped at the budget' },
      ],
      Default: 'Some scenes failed',
    },
    'Production delivered': {
      Type: 'Succeed',
    },
    'Stopped at the budget': {
      Type: 'Succeed',
      Comment: 'A clean stop: the report says what was spent and what remains undone.',
    },
    'Some scenes failed': {
      Type: 'Fail',
      Error: 'ScenesFailed',
      Cause: "At least one scene failed; report.json names each one and why.",
    },
    'Record production failure': {
      Type: 'Task',
      Resource: '${FinalizeProductionFunctionArn}',
      Parameters: {
        'productionId.$': '$.production.productionId',
        'failure.$': '$.error',
      },
      ResultPath: '$.result',
      TimeoutSeconds: 300,
      Retry: OWN_WORK_RETRY,
      Next: 'Production failed',
      // Its own error goes beside the failure it was recording, not over it, so the history shows both.
      Catch: [catchAll('Production failed', '$.finalizeError')],
    },
    'Production failed': {
      Type: 'Fail',
      Error: 'ProductionFailed',
      Cause: 'The production stopped before its episodes were produced; report.json has the reason.',
    },
  },
} satisfies Definition;

/** The checked-in file's exact text: what `npm run asl` writes and what the checks compare against. */
export const renderStateMachine = (definition: Definition): string => `${JSON.stringify(definition, null, 2)}\n`;
