import { ManifestInvalid } from '../lambdas/core/contracts/errors.js';
import { stage as awaitApproval } from '../lambdas/stages/await-approval/stage.js';
import { stage as castCharacter } from '../lambdas/stages/cast-character/stage.js';
import { stage as developEpisode } from '../lambdas/stages/develop-episode/stage.js';
import { stage as finalizeProduction } from '../lambdas/stages/finalize-production/stage.js';
import { stage as planProduction } from '../lambdas/stages/plan-production/stage.js';
import { stage as validateManifest } from '../lambdas/stages/validate-manifest/stage.js';
import {
  type Definition,
  START_CHILD_EXECUTION_SYNC,
  type StateDefinition,
  WAIT_FOR_TASK_TOKEN_LAMBDA,
} from './production-definition.js';
import { resourceOf, task } from './stage-task.js';
import {
  CHILD_EXECUTION_RETRY,
  catchAll,
  catchError,
  PRODUCTION_STEP_CATCH,
  REVIEW_GATE_RETRY,
} from './workflow-policies.js';

/**
 * The source of statemachines/production.asl.json. Both runtimes and the console read the
 * generated file; this is where it is edited, so that each Retry policy and each Catch rule
 * is written once (`npm run asl` writes the file, `npm run asl:check` fails when it is stale).
 * JSONPath only: the local engine ignores JSONata, Assign and Distributed Map.
 */

export const productionWorkflow = {
  Comment:
    'dramaforge: one execution per manifest: validate, plan, cast, one child execution per episode, then the report.',
  StartAt: 'Validate manifest',
  // A week's review wait (the most review.waitHours allows) and a day to produce around it.
  TimeoutSeconds: 8 * 86400,
  States: {
    'Validate manifest': task(validateManifest, {
      Comment: 'Reject a bad manifest with every problem written next to it as <manifest>.errors.json.',
      Parameters: {
        'bucket.$': '$.bucket',
        'key.$': '$.key',
        'executionName.$': '$$.Execution.Name',
      },
      ResultPath: '$.production',
      Catch: [catchError(ManifestInvalid.errorName, 'Manifest rejected'), catchAll('Manifest could not be read')],
      Next: 'Develop episodes',
    }),
    'Manifest rejected': {
      Type: 'Fail',
      Error: ManifestInvalid.errorName,
      Cause: 'The manifest failed validation; the problems are in <manifest>.errors.json next to it.',
    },
    'Manifest could not be read': {
      Type: 'Fail',
      Error: 'ManifestUnreadable',
      Cause: 'The manifest object could not be read or the production could not be opened.',
    },
    'Develop episodes': {
      Type: 'Map',
      Comment:
        "A series bible's episodes get their scene cards from the text model, one episode after another: each one sees the summaries the earlier ones left.",
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
          'Develop episode': task(developEpisode, {
            Comment:
              'Scene cards from the synopsis, part by part, validated against the schema; the running summary after the episode.',
            ResultPath: null,
            End: true,
            Catch: [catchAll('Episode could not be developed')],
          }),
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
    'Plan production': task(planProduction, {
      Comment: 'One row per scene in the table; the plan carries ids only.',
      Parameters: {
        'productionId.$': '$.production.productionId',
        'executionName.$': '$$.Execution.Name',
      },
      ResultPath: '$.plan',
      Catch: PRODUCTION_STEP_CATCH,
      Next: 'Cast characters',
    }),
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
          'Draw reference sheet': task(castCharacter, {
            ResultPath: null,
            End: true,
            Catch: [catchAll('Reference sheet failed')],
          }),
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
    'Produce episodes': produceEpisodes('$$.Map.Item.Value.executionName', '$.plan.firstCut', 'Is there a review?'),
    'Is there a review?': {
      Type: 'Choice',
      Comment: "The manifest's review: before paid video (the animatic is made first), before delivery, or none.",
      Choices: [
        { Variable: '$.plan.review', StringEquals: 'video', Next: 'Deliver the animatic for review' },
        { Variable: '$.plan.review', StringEquals: 'delivery', Next: 'Deliver the cut for review' },
      ],
      Default: 'Finalize production',
    },
    ...reviewGate({
      deliver: 'Deliver the animatic for review',
      wait: 'Awaiting approval of the animatic',
      decide: 'Was the animatic approved?',
      before: 'video',
      cut: 'animatic',
      approved: 'Produce final episodes',
    }),
    'Produce final episodes': produceEpisodes('$$.Map.Item.Value.finalExecutionName', 'final', 'Finalize production', {
      produce: 'Produce final episode',
      failed: 'Final episode failed',
    }),
    ...reviewGate({
      deliver: 'Deliver the cut for review',
      wait: 'Awaiting approval of the cut',
      decide: 'Was the cut approved?',
      before: 'delivery',
      cut: 'final',
      approved: 'Finalize production',
    }),
    'Record rejection': task(finalizeProduction, {
      Comment: 'The producer rejected the cut: the report keeps their notes, and nothing more is spent.',
      Parameters: {
        'productionId.$': '$.plan.productionId',
        closeAs: 'REJECTED',
        'decision.$': '$.review',
      },
      ResultPath: '$.result',
      Catch: PRODUCTION_STEP_CATCH,
      Next: 'Production rejected',
    }),
    'Production rejected': {
      Type: 'Succeed',
      Comment: 'A clean stop: the producer said no.',
    },
    'Record review timeout': task(finalizeProduction, {
      Comment: 'Nobody decided within the review wait: the production stops where it is, as REVIEW_TIMED_OUT.',
      Parameters: {
        'productionId.$': '$.plan.productionId',
        closeAs: 'REVIEW_TIMED_OUT',
      },
      ResultPath: '$.result',
      Catch: PRODUCTION_STEP_CATCH,
      Next: 'Review timed out',
    }),
    'Review timed out': {
      Type: 'Succeed',
      Comment: 'A clean stop, not a failure: the report says what was made and spent before the gate.',
    },
    'Finalize production': task(finalizeProduction, {
      Comment: 'Write report.json and the storyboard, and close the production with its status.',
      Parameters: {
        'productionId.$': '$.plan.productionId',
      },
      ResultPath: '$.result',
      Next: 'Was everything delivered?',
      Catch: [catchAll('Production failed')],
    }),
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
      Cause: 'At least one scene failed; report.json names each one and why.',
    },
    'Record production failure': task(finalizeProduction, {
      Parameters: {
        'productionId.$': '$.production.productionId',
        'failure.$': '$.error',
      },
      ResultPath: '$.result',
      Next: 'Production failed',
      // Its own error goes beside the failure it was recording, not over it, so the history shows both.
      Catch: [catchAll('Production failed', '$.finalizeError')],
    }),
    'Production failed': {
      Type: 'Fail',
      Error: 'ProductionFailed',
      Cause: 'The production stopped before its episodes were produced; report.json has the reason.',
    },
  },
} satisfies Definition;

/** One child execution per episode, made as `cut` (a path, or the cut itself): the animatic (offline video) or the final cut. */
function produceEpisodes(
  executionNamePath: string,
  cut: string,
  next: string,
  names = { produce: 'Produce episode', failed: 'Episode failed' },
) {
  const cutField = cut.startsWith('$') ? { 'cut.$': cut } : { cut };
  return {
    Type: 'Map',
    ItemsPath: '$.plan.episodes',
    MaxConcurrencyPath: '$.plan.episodeMaxConcurrency',
    ItemSelector: {
      'productionId.$': '$.plan.productionId',
      'episodeId.$': '$$.Map.Item.Value.episodeId',
      'executionName.$': executionNamePath,
      'sceneMaxConcurrency.$': '$.plan.sceneMaxConcurrency',
      ...cutField,
    },
    ItemProcessor: {
      ProcessorConfig: { Mode: 'INLINE' },
      StartAt: names.produce,
      States: {
        [names.produce]: {
          Type: 'Task',
          Comment:
            "The episode's scenes run in a child execution of their own (statemachines/episode.asl.json), so no history outgrows its quota.",
          Resource: START_CHILD_EXECUTION_SYNC,
          Parameters: {
            StateMachineArn: '${EpisodeStateMachineArn}',
            'Name.$': '$.executionName',
            Input: {
              'productionId.$': '$.productionId',
              'episodeId.$': '$.episodeId',
              'sceneMaxConcurrency.$': '$.sceneMaxConcurrency',
              'cut.$': '$.cut',
              'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id',
            },
          },
          ResultPath: null,
          TimeoutSeconds: 86400,
          Retry: CHILD_EXECUTION_RETRY,
          Catch: [catchAll(names.failed)],
          End: true,
        },
        [names.failed]: {
          Type: 'Fail',
          Error: 'EpisodeFailed',
          Cause: "The episode's execution failed; its own history in the console says where.",
        },
      },
    },
    ResultPath: null,
    Catch: PRODUCTION_STEP_CATCH,
    Next: next,
  } satisfies StateDefinition;
}

/**
 * The approval gate: the report as it stands (AWAITING_APPROVAL, the episodes as made so far),
 * then a Task that waits on its token for the producer's decision, kept on the production's row.
 * It waits `review.waitHours`; a timeout is a clean stop, not a failure.
 */
function reviewGate(names: {
  deliver: string;
  wait: string;
  decide: string;
  before: 'video' | 'delivery';
  cut: 'animatic' | 'final';
  approved: string;
}) {
  return {
    [names.deliver]: task(finalizeProduction, {
      Comment: 'Write report.json as AWAITING_APPROVAL, with the cut the producer reviews.',
      Parameters: {
        'productionId.$': '$.plan.productionId',
        closeAs: 'AWAITING_APPROVAL',
        cut: names.cut,
      },
      // The wait lands at $.Payload, where the gate's Payload and TimeoutSecondsPath both read it: Step Functions and the
      // local engine resolve TimeoutSecondsPath against the state's input and its Parameters respectively, and both hold it there.
      ResultSelector: { 'waitSeconds.$': '$.reviewWaitSeconds' },
      ResultPath: '$.Payload',
      Catch: PRODUCTION_STEP_CATCH,
      Next: names.wait,
    }),
    [names.wait]: {
      Type: 'Task',
      Comment:
        'Waits for `dramaforge approve` or `reject` (SendTaskSuccess with the token kept on the production row).',
      Resource: WAIT_FOR_TASK_TOKEN_LAMBDA,
      Parameters: {
        FunctionName: resourceOf(awaitApproval),
        Payload: {
          'productionId.$': '$.plan.productionId',
          'executionName.$': '$$.Execution.Name',
          before: names.before,
          cut: names.cut,
          'waitSeconds.$': '$.Payload.waitSeconds',
          'taskToken.$': '$$.Task.Token',
        },
      },
      ResultPath: '$.review',
      TimeoutSecondsPath: '$.Payload.waitSeconds',
      Retry: REVIEW_GATE_RETRY,
      Catch: [catchError('States.Timeout', 'Record review timeout'), ...PRODUCTION_STEP_CATCH],
      Next: names.decide,
    },
    [names.decide]: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.review.decision', StringEquals: 'APPROVED', Next: names.approved },
        { Variable: '$.review.decision', StringEquals: 'REJECTED', Next: 'Record rejection' },
      ],
      Default: 'Record review timeout',
    },
  } satisfies Record<string, StateDefinition>;
}
