import { ManifestInvalid } from '../lambdas/core/errors.js';
import { START_CHILD_EXECUTION_SYNC, type Definition } from './production-definition.js';
import { CHILD_EXECUTION_RETRY, OWN_WORK_RETRY, PRODUCTION_STEP_CATCH, PROVIDER_CALL_RETRY, catchAll, catchError } from './workflow-policies.js';

/**
 * The source of statemachines/production.asl.json. Both runtimes and the console read the
 * generated file; this is where it is edited, so that each Retry policy and each Catch rule
 * is written once (`npm run asl` writes the file, `npm run asl:check` fails when it is stale).
 * JSONPath only: the local engine ignores JSONata, Assign and Distributed Map.
 */

export const productionWorkflow = {
  Comment: "dramaforge: one execution per manifest: validate, plan, cast, one child execution per episode, then the report.",
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
      Next: 'Develop episodes',
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
    'Develop episodes': {
      Type: 'Map',
      Comment: "A series bible's episodes get their scene cards from the text model, one episode after another: each one sees the summaries the earlier ones left.",
      ItemsPath: '$.production.episodesToDevelop',
      MaxConcurrency: 1,
      ItemSelector: {
        'productionId.$': '$.production.productionId',
        'episodeId.$': '$$.Map.Item.Value',
      },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Develop episode',
        States: {
          'Develop episode': {
            Type: 'Task',
            Comment: 'Scene cards from the synopsis, part by part, validated against the schema; the running summary after the episode.',
            Resource: '${DevelopEpisodeFunctionArn}',
            ResultPath: null,
            TimeoutSeconds: 900,
            Retry: PROVIDER_CALL_RETRY,
            End: true,
            Catch: [catchAll('Episode could not be developed')],
          },
          'Episode could not be developed': {
            Type: 'Fail',
            Error: 'EpisodeDevelopmentFailed',
            Cause: "An episode's scene cards could not be written; report.json's development section says why.",
          },
        },
      },
      ResultPath: null,
      Catch: PRODUCTION_STEP_CATCH,
      Next: 'Plan production',
    },
    'Plan production': {
      Type: 'Task',
      Comment: 'One row per scene in the table; the plan carries ids only.',
      Resource: '${PlanProductionFunctionArn}',
      Parameters: {
        'productionId.$': '$.production.productionId',
        'executionName.$': '$$.Execution.Name',
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
        'executionName.$': '$$.Map.Item.Value.executionName',
        'sceneMaxConcurrency.$': '$.plan.sceneMaxConcurrency',
      },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Produce episode',
        States: {
          'Produce episode': {
            Type: 'Task',
            Comment: "The episode's scenes run in a child execution of their own (statemachines/episode.asl.json), so no history outgrows its quota.",
            Resource: START_CHILD_EXECUTION_SYNC,
            Parameters: {
              StateMachineArn: '${EpisodeStateMachineArn}',
              'Name.$': '$.executionName',
              Input: {
                'productionId.$': '$.productionId',
                'episodeId.$': '$.episodeId',
                'sceneMaxConcurrency.$': '$.sceneMaxConcurrency',
                'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id',
              },
            },
            ResultPath: null,
            TimeoutSeconds: 86400,
            Retry: CHILD_EXECUTION_RETRY,
            Catch: [catchAll('Episode failed')],
            End: true,
          },
          'Episode failed': {
            Type: 'Fail',
            Error: 'EpisodeFailed',
            Cause: "The episode's execution failed; its own history in the console says where.",
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
