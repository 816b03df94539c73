import type { ManifestProblem } from './errors.js';
import { plannedSceneCount } from './manifest/schema.js';
import { SCENES_PER_DIALOGUE_PART } from './script-prompt.js';

/** Step Functions Standard's quotas that shape an execution (DESIGN.md section 8). */
export const STEP_FUNCTIONS_QUOTAS = {
  historyEvents: 25_000,
  payloadBytes: 256 * 1024,
  inlineMapConcurrency: 40,
  executionNameLength: 80,
} as const;

/** No execution may need more than this share of the history quota, however its retries go. */
export const HISTORY_HEADROOM = 2;

/**
 * History events as Step Functions Standard writes them, per state type, and the most
 * retries each Retry policy of statemachines/workflow-policies.ts allows. A unit test reads
 * the generated ASL files and fails when this model stops matching them.
 */
export const HISTORY_MODEL = {
  execution: 2,
  /** Entered, Scheduled, Started, Succeeded, Exited; each retry adds Scheduled, Started, Failed. */
  lambdaTask: { events: 5, perRetry: 3 },
  /** A task-token or child-execution Task: also Submitted, on each attempt. */
  serviceTask: { events: 6, perRetry: 4 },
  /** Entered, Started, Succeeded, Exited; and Started plus its end per iteration. */
  map: { events: 4, perIteration: 2 },
  choiceOrTerminal: 2,
  retries: { providerCall: 10, ownWork: 4, childExecution: 5 },
  /** Tasks that call a paid provider in each scene (Lambda), besides the video Task; Sync lips runs only where the manifest syncs lips. */
  sceneProviderLambdaTasks: 3,
  /** Lambda Tasks of each scene that only do our own work besides recording its outcome: Build subtitles. */
  sceneOwnWorkLambdaTasks: 1,
  /** Choice states each scene passes: whether it syncs lips. */
  sceneChoices: 1,
  /** Tasks that call a paid provider in each dub of an episode (Lambda): Voice the dub. */
  dubProviderLambdaTasks: 1,
  /** Tasks of each dub that do our own work: Cut the dub (its music bed is the master's, from the cache). */
  dubOwnWorkLambdaTasks: 1,
  /** Scenes whose dialogue one Write script Task writes, in order, before the scenes fan out. */
  scenesPerDialogueTask: SCENES_PER_DIALOGUE_PART,
} as const;

const lambdaTask = (retries: number) => HISTORY_MODEL.lambdaTask.events + HISTORY_MODEL.lambdaTask.perRetry * retries;
const serviceTask = (retries: number) => HISTORY_MODEL.serviceTask.events + HISTORY_MODEL.serviceTask.perRetry * retries;
const { retries } = HISTORY_MODEL;

/**
 * The most events one scene can write: every provider Task and the video Task exhausting
 * their retries, then its outcome recorded (a failed Task and its Record failure write no more).
 * Sync lips is one of the provider Tasks only where the manifest syncs lips; elsewhere its Choice skips it.
 */
export function worstCaseSceneEvents(lipSync = false): number {
  const providerTasks = HISTORY_MODEL.sceneProviderLambdaTasks - (lipSync ? 0 : 1);
  return (
    providerTasks * lambdaTask(retries.providerCall) +
    serviceTask(retries.providerCall) +
    HISTORY_MODEL.sceneOwnWorkLambdaTasks * lambdaTask(retries.ownWork) +
    HISTORY_MODEL.sceneChoices * HISTORY_MODEL.choiceOrTerminal +
    lambdaTask(retries.ownWork)
  );
}

/**
 * An episode execution: Plan episode, the dialogue Map (a Task per part), Plan scenes, the scenes Map,
 * Assemble episode, and the dubs' Map (a Task per dub language; empty without dubs).
 */
export function worstCaseEpisodeEvents(sceneCount: number, lipSync = false, dubCount = 0): number {
  const dialogueTasks = Math.ceil(sceneCount / HISTORY_MODEL.scenesPerDialogueTask);
  return (
    HISTORY_MODEL.execution +
    lambdaTask(retries.ownWork) +
    HISTORY_MODEL.map.events +
    dialogueTasks * (HISTORY_MODEL.map.perIteration + lambdaTask(retries.providerCall)) +
    lambdaTask(retries.ownWork) +
    HISTORY_MODEL.map.events +
    sceneCount * (HISTORY_MODEL.map.perIteration + worstCaseSceneEvents(lipSync)) +
    lambdaTask(retries.providerCall) +
    HISTORY_MODEL.map.events +
    dubCount * (HISTORY_MODEL.map.perIteration + HISTORY_MODEL.dubProviderLambdaTasks * lambdaTask(retries.providerCall) + HISTORY_MODEL.dubOwnWorkLambdaTasks * lambdaTask(retries.ownWork))
  );
}

/**
 * The production execution: validate, develop (every episode, at worst), plan, a reference sheet
 * per character, a child execution per episode, finalize.
 */
export function worstCaseProductionEvents(episodeCount: number, characterCount: number): number {
  return (
    HISTORY_MODEL.execution +
    lambdaTask(retries.ownWork) +
    HISTORY_MODEL.map.events +
    episodeCount * (HISTORY_MODEL.map.perIteration + lambdaTask(retries.providerCall)) +
    lambdaTask(retries.ownWork) +
    HISTORY_MODEL.map.events +
    characterCount * (HISTORY_MODEL.map.perIteration + lambdaTask(retries.providerCall)) +
    HISTORY_MODEL.map.events +
    episodeCount * (HISTORY_MODEL.map.perIteration + serviceTask(retries.childExecution)) +
    // A review before video: its Choice, the report for it, the gate's task-token Task, the decision's Choice, and the final cut's episodes again.
    HISTORY_MODEL.choiceOrTerminal +
    lambdaTask(retries.ownWork) +
    serviceTask(retries.ownWork) +
    HISTORY_MODEL.choiceOrTerminal +
    HISTORY_MODEL.map.events +
    episodeCount * (HISTORY_MODEL.map.perIteration + serviceTask(retries.childExecution)) +
    lambdaTask(retries.ownWork) +
    2 * HISTORY_MODEL.choiceOrTerminal
  );
}

/** The largest episode whose worst case stays within the history quota with its headroom. */
export function largestEpisodeHeld(quotas: { historyEvents: number } = STEP_FUNCTIONS_QUOTAS, lipSync = false, dubCount = 0): number {
  const budget = quotas.historyEvents / HISTORY_HEADROOM;
  const perScene = HISTORY_MODEL.map.perIteration + worstCaseSceneEvents(lipSync);
  let held = Math.max(0, Math.floor((budget - worstCaseEpisodeEvents(0, lipSync, dubCount)) / perScene));
  while (held > 0 && worstCaseEpisodeEvents(held, lipSync, dubCount) > budget) held--;
  return held;
}

interface ShapeOfManifest {
  characters: unknown[];
  /** An episode still to develop counts the scenes it asks for. */
  episodes: { scenes?: unknown[]; sceneCount?: number }[];
  lipSync?: unknown;
  dubs?: unknown[];
}

/**
 * What of a manifest no execution could hold: each problem names the quota. With the
 * schema's limits (60 scenes an episode, 100 episodes, 50 characters) nothing binds today;
 * this is what stops a raised limit from deploying productions AWS would fail.
 */
export function executionLimitProblems(manifest: ShapeOfManifest, quotas: { historyEvents: number } = STEP_FUNCTIONS_QUOTAS): ManifestProblem[] {
  const budget = quotas.historyEvents / HISTORY_HEADROOM;
  const problems: ManifestProblem[] = [];
  const lipSync = manifest.lipSync !== undefined;
  const dubs = manifest.dubs?.length ?? 0;
  const shape = [lipSync ? ' with lip-sync' : '', dubs > 0 ? ` and ${dubs} dubs` : ''].join('').replace(/^ and/, ' with');
  manifest.episodes.forEach((episode, index) => {
    const scenes = plannedSceneCount(episode);
    const worst = worstCaseEpisodeEvents(scenes, lipSync, dubs);
    if (worst > budget) {
      problems.push({
        path: episode.scenes ? `episodes[${index}].scenes` : `episodes[${index}].sceneCount`,
        reason: `${scenes} scenes could need ${worst} history events in the episode's execution; Step Functions fails one at ${quotas.historyEvents}, and dramaforge keeps ${HISTORY_HEADROOM}x headroom (at most ${largestEpisodeHeld(quotas, lipSync, dubs)} scenes an episode${shape})`,
      });
    }
  });
  const production = worstCaseProductionEvents(manifest.episodes.length, manifest.characters.length);
  if (production > budget) {
    problems.push({
      path: 'episodes',
      reason: `${manifest.episodes.length} episodes and ${manifest.characters.length} characters could need ${production} history events in the production's execution; Step Functions fails one at ${quotas.historyEvents}, and dramaforge keeps ${HISTORY_HEADROOM}x headroom`,
    });
  }
  return problems;
}
