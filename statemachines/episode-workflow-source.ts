import { EpisodeQaFailed } from '../lambdas/core/contracts/errors.js';
import { stage as assembleEpisode } from '../lambdas/stages/assemble-episode/stage.js';
import { stage as dubEpisode } from '../lambdas/stages/dub-episode/stage.js';
import { stage as encodeScene } from '../lambdas/stages/encode-scene/stage.js';
import { stage as planEpisode } from '../lambdas/stages/plan-episode/stage.js';
import { stage as recordSceneOutcome } from '../lambdas/stages/record-scene-outcome/stage.js';
import { stage as renderKeyframes } from '../lambdas/stages/render-keyframes/stage.js';
import { stage as syncLips } from '../lambdas/stages/sync-lips/stage.js';
import { stage as synthesizeVoice } from '../lambdas/stages/synthesize-voice/stage.js';
import { stage as voiceDub } from '../lambdas/stages/voice-dub/stage.js';
import { stage as writeScript } from '../lambdas/stages/write-script/stage.js';
import { type Definition, WAIT_FOR_TASK_TOKEN_SQS } from './production-definition.js';
import { task } from './stage-task.js';
import {
  catchAll,
  catchError,
  PROVIDER_CALL_RETRY,
  SCENE_IDS,
  SCENE_IDS_AND_CUT,
  SCENE_OUTCOME_CATCH,
  SCENE_STAGE_CATCH,
} from './workflow-policies.js';

/**
 * The source of statemachines/episode.asl.json: one execution produces one episode's
 * scenes and assembles it. The production execution starts one per episode
 * (`states:startExecution.sync:2`), so each execution's history holds one episode, well
 * inside Step Functions' 25,000 events (docs/execution-shape.md).
 */
export const episodeWorkflow = {
  Comment: "dramaforge: one execution produces one episode's scenes, from script to the assembled MP4.",
  TimeoutSeconds: 86400,
  StartAt: 'Plan episode',
  States: {
    'Plan episode': task(planEpisode, {
      Comment:
        "The episode's scene ids, read here so the production's state carries episode ids only, and in parts for its dialogue.",
      Parameters: {
        'productionId.$': '$.productionId',
        'episodeId.$': '$.episodeId',
      },
      ResultPath: '$.plan',
      Catch: [catchAll('Episode could not be planned')],
      Next: 'Write dialogue',
    }),
    'Episode could not be planned': {
      Type: 'Fail',
      Error: 'EpisodePlanFailed',
      Cause: "The episode's scenes could not be read from the production's manifest.",
    },
    'Write dialogue': {
      Type: 'Map',
      Comment:
        "The episode's dialogue in order, a part of its scenes at a time, so each scene's lines carry on from the ones before.",
      ItemsPath: '$.plan.dialogueParts',
      MaxConcurrency: 1,
      ItemSelector: {
        'productionId.$': '$.productionId',
        'episodeId.$': '$.episodeId',
        'sceneIds.$': '$$.Map.Item.Value',
      },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Write script',
        States: {
          'Write script': task(writeScript, {
            Comment:
              'The LLM writes dialogue for scenes that have none, seeing what was said before; given dialogue is used verbatim. A scene that fails stops alone.',
            ResultPath: null,
            End: true,
            Catch: [catchAll('Dialogue could not be written')],
          }),
          'Dialogue could not be written': {
            Type: 'Fail',
            Error: 'DialogueFailed',
            Cause: "A part of the episode's dialogue failed after its retries; the episode's own history says why.",
          },
        },
      },
      ResultPath: null,
      Catch: [catchAll('Episode dialogue failed')],
      Next: 'Plan scenes',
    },
    'Episode dialogue failed': {
      Type: 'Fail',
      Error: 'EpisodeDialogueFailed',
      Cause: "The episode's dialogue could not be written; its history says which part failed.",
    },
    'Plan scenes': task(planEpisode, {
      Comment:
        'The scenes whose dialogue is written go on to keyframes, voice and video; and the languages the episode is dubbed into (none for the animatic).',
      Parameters: {
        'productionId.$': '$.productionId',
        'episodeId.$': '$.episodeId',
        scripted: true,
        'cut.$': '$.cut',
      },
      ResultPath: '$.plan',
      Catch: [catchAll('Episode could not be planned')],
      Next: 'Produce scenes',
    }),
    'Produce scenes': {
      Type: 'Map',
      ItemsPath: '$.plan.sceneIds',
      MaxConcurrencyPath: '$.sceneMaxConcurrency',
      ItemSelector: {
        'productionId.$': '$.productionId',
        'episodeId.$': '$.episodeId',
        'sceneId.$': '$$.Map.Item.Value',
        'lipSync.$': '$.plan.lipSync',
        'cut.$': '$.cut',
      },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Render keyframes',
        States: {
          'Render keyframes': task(renderKeyframes, {
            Comment:
              'Draw the keyframe, score each character against its reference sheet, regenerate below the threshold.',
            Parameters: SCENE_IDS,
            ResultPath: null,
            Catch: SCENE_STAGE_CATCH,
            Next: 'Synthesize voice',
          }),
          'Synthesize voice': task(synthesizeVoice, {
            Comment: "One voice per character; the scene's voice track sets its length.",
            Parameters: SCENE_IDS,
            ResultPath: null,
            Catch: SCENE_STAGE_CATCH,
            Next: 'Generate video',
          }),
          'Generate video': {
            Type: 'Task',
            Comment:
              "Generative video is slow and rate-limited: the video queue's worker calls back with the task token.",
            Resource: WAIT_FOR_TASK_TOKEN_SQS,
            Parameters: {
              QueueUrl: '${VideoQueueUrl}',
              MessageBody: { ...SCENE_IDS_AND_CUT, 'taskToken.$': '$$.Task.Token' },
            },
            ResultPath: null,
            TimeoutSeconds: 3600,
            Retry: PROVIDER_CALL_RETRY,
            Catch: SCENE_STAGE_CATCH,
            Next: 'Does the scene sync lips?',
          },
          'Does the scene sync lips?': {
            Type: 'Choice',
            Choices: [{ Variable: '$.lipSync', BooleanEquals: true, Next: 'Sync lips' }],
            Default: 'Encode scene',
          },
          'Sync lips': task(syncLips, {
            Comment:
              "The speaking character's mouth follows their voice, in the manifest's mode (fast or high_precision).",
            Parameters: SCENE_IDS_AND_CUT,
            ResultPath: null,
            Catch: SCENE_STAGE_CATCH,
            Next: 'Encode scene',
          }),
          'Encode scene': task(encodeScene, {
            Comment:
              "SRT and VTT timed from the voice track, and the scene's picture encoded once with them burned in: the episode joins the scenes without encoding them again.",
            Parameters: SCENE_IDS,
            ResultPath: null,
            Catch: SCENE_STAGE_CATCH,
            Next: 'Mark scene complete',
          }),
          'Mark scene complete': task(recordSceneOutcome, {
            Parameters: { ...SCENE_IDS, outcome: 'COMPLETE' },
            ResultPath: null,
            End: true,
            Catch: SCENE_OUTCOME_CATCH,
          }),
          'Record budget stop': task(recordSceneOutcome, {
            Comment: 'The ledger refused the next call: the scene stops where it is, nothing over budget is spent.',
            Parameters: { ...SCENE_IDS, outcome: 'BUDGET_EXCEEDED', 'error.$': '$.error' },
            ResultPath: null,
            End: true,
            Catch: SCENE_OUTCOME_CATCH,
          }),
          'Record scene failure': task(recordSceneOutcome, {
            Comment: "One scene's failure is recorded on the scene; the rest of the episode goes on.",
            Parameters: { ...SCENE_IDS, outcome: 'FAILED', 'error.$': '$.error' },
            ResultPath: null,
            End: true,
            Catch: SCENE_OUTCOME_CATCH,
          }),
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
    'Assemble episode': task(assembleEpisode, {
      Comment:
        'Join the finished scenes by stream copy, mix the voices over a ducked music bed at -14 LUFS, then check the MP4 (QA) before it is delivered.',
      Parameters: {
        'productionId.$': '$.productionId',
        'episodeId.$': '$.episodeId',
      },
      ResultPath: null,
      Next: 'Dub episode',
      // A failed QA check is not an assembly fault: its own Fail state names it, so the console says why.
      Catch: [catchError(EpisodeQaFailed.errorName, 'Episode failed QA'), catchAll('Episode assembly failed')],
    }),
    'Dub episode': {
      Type: 'Map',
      Comment: "One dub per language the manifest lists, over the master's pictures: nothing visual is bought again.",
      ItemsPath: '$.plan.dubs',
      MaxConcurrency: 1,
      ItemSelector: {
        'productionId.$': '$.productionId',
        'episodeId.$': '$.episodeId',
        'language.$': '$$.Map.Item.Value',
      },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Voice the dub',
        States: {
          'Voice the dub': task(voiceDub, {
            Comment:
              "Translate each line within the time the master's voice took, voice it in the character's voice, fit it to the master's scene lengths; and the title.",
            ResultPath: null,
            Next: 'Cut the dub',
            Catch: [catchAll('Dub could not be made')],
          }),
          'Cut the dub': task(dubEpisode, {
            Comment:
              "Sync lips again to the dubbed voice where the master synced them, mix the dubbed voices over the same bed, cut them with the master's pictures, check the cut (QA), deliver it with its cover.",
            ResultPath: null,
            End: true,
            Catch: [catchError(EpisodeQaFailed.errorName, 'Dub failed QA'), catchAll('Dub could not be made')],
          }),
          'Dub failed QA': {
            Type: 'Fail',
            Error: 'DubQaFailed',
            Cause: 'The dub failed a hard QA check and was not delivered; report.json names each failed check.',
          },
          'Dub could not be made': {
            Type: 'Fail',
            Error: 'DubFailed',
            Cause: "A dub failed after its retries; the episode's history says why.",
          },
        },
      },
      ResultPath: null,
      End: true,
      Catch: [catchAll('Episode dub failed')],
    },
    'Episode dub failed': {
      Type: 'Fail',
      Error: 'EpisodeDubFailed',
      Cause: 'The master was delivered, but a dub was not; report.json says which and why.',
    },
    'Episode failed QA': {
      Type: 'Fail',
      Error: EpisodeQaFailed.errorName,
      Cause: 'The assembled episode failed a hard QA check and was not delivered; report.json names each failed check.',
    },
    'Episode assembly failed': {
      Type: 'Fail',
      Error: 'EpisodeAssemblyFailed',
      Cause: "The episode's MP4 could not be assembled.",
    },
  },
} satisfies Definition;
