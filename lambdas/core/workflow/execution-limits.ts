import type { ManifestProblem } from '../contracts/errors.js';
import { plannedSceneCount } from '../manifest/queries.js';
import { SCENES_PER_DIALOGUE_PART } from '../prompts/script-prompt.js';
import { EPISODE_WORKFLOW_SHAPE, PRODUCTION_WORKFLOW_SHAPE } from './workflow-shapes.js';

/** Step Functions Standard's quotas that shape an execution (docs/execution-shape.md). */
export const STEP_FUNCTIONS_QUOTAS = {
  historyEvents: 25_000,
  payloadBytes: 256 * 1024,
  inlineMapConcurrency: 40,
  executionNameLength: 80,
} as const;

/** No execution may need more than this share of the history quota, however its retries go. */
export const HISTORY_HEADROOM = 2;

/** History events as Step Functions Standard writes them, per state type. */
export const HISTORY_MODEL = {
  execution: 2,
  /** Entered, Scheduled, Started, Succeeded, Exited; each retry adds Scheduled, Started, Failed. */
  lambdaTask: { events: 5, perRetry: 3 },
  /** A task-token or child-execution Task: also Submitted, on each attempt. */
  serviceTask: { events: 6, perRetry: 4 },
  /** Entered, Started, Succeeded, Exited; and Started plus its end per iteration. */
  map: { events: 4, perIteration: 2 },
  /** Choice, Pass, Wait, Succeed and Fail: Entered and Exited. */
  otherState: 2,
} as const;

const OTHER_STATE_TYPES = new Set(['Choice', 'Pass', 'Wait', 'Succeed', 'Fail']);

/** What of a state its history and its bill depend on; workflow-shapes.ts holds the two machines reduced to it. */
interface HistoryState {
  Type: string;
  Resource?: string;
  /** What a service integration reaches through its Parameters (a function, the video queue, the episode machine): what else its Task bills. */
  Target?: string;
  Retry?: { MaxAttempts: number }[];
  Catch?: { Next: string }[];
  Next?: string;
  Choices?: { Variable?: string; BooleanEquals?: boolean; StringEquals?: string; Next: string }[];
  Default?: string;
  ItemsPath?: string;
  ItemProcessor?: WorkflowShape;
}

export interface WorkflowShape {
  StartAt: string;
  States: Record<string, HistoryState>;
}

/** A state definition as the workflow sources write it; anything the history does not depend on is dropped. */
type AslState = { Type: string } & Record<string, unknown>;

/** The Parameters through which a service integration names what it calls. */
const TARGET_PARAMETERS = ['FunctionName', 'QueueUrl', 'StateMachineArn'] as const;

function targetOf(parameters: unknown): string | undefined {
  if (typeof parameters !== 'object' || parameters === null) return undefined;
  const named = TARGET_PARAMETERS.map((key) => (parameters as Record<string, unknown>)[key]);
  return named.find((value): value is string => typeof value === 'string');
}

/** The machine reduced to what its history and bill depend on: states, their Tasks' resources, targets and retries, and where each may go. */
export function workflowShapeOf(machine: { StartAt: string; States: Record<string, AslState> }): WorkflowShape {
  const states = Object.entries(machine.States).map(([name, state]) => {
    const shape: HistoryState = { Type: state.Type };
    if (typeof state.Resource === 'string') shape.Resource = state.Resource;
    const target = targetOf(state.Parameters);
    if (target !== undefined) shape.Target = target;
    if (Array.isArray(state.Retry))
      shape.Retry = (state.Retry as { MaxAttempts: number }[]).map(({ MaxAttempts }) => ({ MaxAttempts }));
    if (Array.isArray(state.Catch)) shape.Catch = (state.Catch as { Next: string }[]).map(({ Next }) => ({ Next }));
    if (typeof state.Next === 'string') shape.Next = state.Next;
    if (Array.isArray(state.Choices)) {
      shape.Choices = (state.Choices as HistoryState['Choices'] & object).map(
        ({ Variable, BooleanEquals, StringEquals, Next }) => ({
          ...(Variable === undefined ? {} : { Variable }),
          ...(BooleanEquals === undefined ? {} : { BooleanEquals }),
          ...(StringEquals === undefined ? {} : { StringEquals }),
          Next,
        }),
      );
    }
    if (typeof state.Default === 'string') shape.Default = state.Default;
    if (typeof state.ItemsPath === 'string') shape.ItemsPath = state.ItemsPath;
    const processor = state.ItemProcessor as { StartAt: string; States: Record<string, AslState> } | undefined;
    if (processor) shape.ItemProcessor = workflowShapeOf(processor);
    return [name, shape] as const;
  });
  return { StartAt: machine.StartAt, States: Object.fromEntries(states) };
}

/**
 * What the worst case of an execution is asked about a manifest: how many items each Map's
 * `ItemsPath` holds, and the value of each Choice variable the manifest decides.
 */
interface ExecutionInput {
  iterations: Record<string, number>;
  choices: Record<string, boolean | string>;
}

/** The service integrations (`arn:aws:states:::...`) write a Submitted event as well; a function is invoked directly. */
const isServiceTask = (resource: string | undefined) => resource?.startsWith('arn:aws:states:::') ?? false;

const retriesOf = (state: HistoryState) => (state.Retry ?? []).reduce((sum, retrier) => sum + retrier.MaxAttempts, 0);

/** A Choice goes where the manifest decides when it decides every variable the Choice reads, and anywhere it may otherwise. */
export function choiceTargets(state: HistoryState, choices: ExecutionInput['choices']): string[] {
  const rules = state.Choices ?? [];
  const decided = rules.every((rule) => rule.Variable !== undefined && rule.Variable in choices);
  if (!decided) return [...rules.map((rule) => rule.Next), ...(state.Default ? [state.Default] : [])];
  const taken = rules.find((rule) => {
    const value = choices[rule.Variable!];
    return rule.BooleanEquals !== undefined ? value === rule.BooleanEquals : value === rule.StringEquals;
  });
  return [taken?.Next ?? state.Default].filter((next): next is string => next !== undefined);
}

/**
 * The most events the states from `StartAt` to an end can write: every Task exhausting every retry
 * its policy allows, every Map running each of its items through its longest path, and each state
 * going on to whichever of its next states, Catch targets and Choice branches costs most.
 */
function longestPathEvents(shape: WorkflowShape, input: ExecutionInput): number {
  const memo = new Map<string, number>();
  const onPath = new Set<string>();
  const from = (name: string): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const state = shape.States[name];
    if (!state) throw new Error(`the workflow goes to "${name}", which is not a state of its block`);
    if (onPath.has(name)) throw new Error(`the workflow loops through "${name}": its history has no worst case`);
    onPath.add(name);
    const events = eventsOf(state, name, input) + Math.max(0, ...successorsOf(state, input).map(from));
    onPath.delete(name);
    memo.set(name, events);
    return events;
  };
  return from(shape.StartAt);
}

function successorsOf(state: HistoryState, input: ExecutionInput): string[] {
  const next = state.Type === 'Choice' ? choiceTargets(state, input.choices) : state.Next ? [state.Next] : [];
  return [...next, ...(state.Catch ?? []).map((catcher) => catcher.Next)];
}

function eventsOf(state: HistoryState, name: string, input: ExecutionInput): number {
  if (state.Type === 'Task') {
    const events = isServiceTask(state.Resource) ? HISTORY_MODEL.serviceTask : HISTORY_MODEL.lambdaTask;
    return events.events + events.perRetry * retriesOf(state);
  }
  if (state.Type === 'Map') {
    const items = state.ItemsPath === undefined ? undefined : input.iterations[state.ItemsPath];
    if (items === undefined)
      throw new Error(
        `the Map "${name}" iterates over ${state.ItemsPath ?? 'its input'}, which the history model does not count (lambdas/core/workflow/execution-limits.ts)`,
      );
    if (!state.ItemProcessor)
      throw new Error(`the Map "${name}" has no ItemProcessor, the only form the history model reads`);
    return (
      HISTORY_MODEL.map.events +
      items * (HISTORY_MODEL.map.perIteration + longestPathEvents(state.ItemProcessor, input))
    );
  }
  if (!OTHER_STATE_TYPES.has(state.Type))
    throw new Error(`"${name}" is a ${state.Type} state, whose history events the model does not know`);
  return HISTORY_MODEL.otherState;
}

/** The most history events one execution of `shape` can write for this input. */
function worstCaseEvents(shape: WorkflowShape, input: ExecutionInput): number {
  return HISTORY_MODEL.execution + longestPathEvents(shape, input);
}

/** The manifest's counts each Map of the episode machine iterates over, and whether its scenes sync lips. */
function episodeExecutionInput(sceneCount: number, lipSync = false, dubCount = 0): ExecutionInput {
  return {
    iterations: {
      '$.plan.dialogueParts': Math.ceil(sceneCount / SCENES_PER_DIALOGUE_PART),
      '$.plan.sceneIds': sceneCount,
      '$.plan.dubs': dubCount,
    },
    choices: { '$.lipSync': lipSync },
  };
}

/** The manifest's counts each Map of the production machine iterates over: every episode developed, at worst, and a sheet per character. */
function productionExecutionInput(episodeCount: number, characterCount: number): ExecutionInput {
  return {
    iterations: {
      '$.production.episodesToDevelop': episodeCount,
      '$.plan.characterIds': characterCount,
      '$.plan.episodes': episodeCount,
    },
    choices: {},
  };
}

/** An episode execution, from the episode machine as generated. */
export function worstCaseEpisodeEvents(
  sceneCount: number,
  lipSync = false,
  dubCount = 0,
  shape: WorkflowShape = EPISODE_WORKFLOW_SHAPE,
): number {
  return worstCaseEvents(shape, episodeExecutionInput(sceneCount, lipSync, dubCount));
}

/** The production execution, from the production machine as generated: whichever review the manifest asks for, at worst. */
export function worstCaseProductionEvents(
  episodeCount: number,
  characterCount: number,
  shape: WorkflowShape = PRODUCTION_WORKFLOW_SHAPE,
): number {
  return worstCaseEvents(shape, productionExecutionInput(episodeCount, characterCount));
}

/** The largest episode whose worst case stays within the history quota with its headroom. */
export function largestEpisodeHeld(
  quotas: { historyEvents: number } = STEP_FUNCTIONS_QUOTAS,
  lipSync = false,
  dubCount = 0,
): number {
  const budget = quotas.historyEvents / HISTORY_HEADROOM;
  const fits = (scenes: number) => worstCaseEpisodeEvents(scenes, lipSync, dubCount) <= budget;
  // A scene's share of a dialogue part makes the events per scene uneven: estimate from a part's worth, then step to the edge.
  const perPart =
    worstCaseEpisodeEvents(SCENES_PER_DIALOGUE_PART, lipSync, dubCount) - worstCaseEpisodeEvents(0, lipSync, dubCount);
  let held = Math.max(
    0,
    Math.floor(((budget - worstCaseEpisodeEvents(0, lipSync, dubCount)) / perPart) * SCENES_PER_DIALOGUE_PART),
  );
  while (fits(held + 1)) held++;
  while (held > 0 && !fits(held)) held--;
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
export function executionLimitProblems(
  manifest: ShapeOfManifest,
  quotas: { historyEvents: number } = STEP_FUNCTIONS_QUOTAS,
): ManifestProblem[] {
  const budget = quotas.historyEvents / HISTORY_HEADROOM;
  const problems: ManifestProblem[] = [];
  const lipSync = manifest.lipSync !== undefined;
  const dubs = manifest.dubs?.length ?? 0;
  const shape = [lipSync ? ' with lip-sync' : '', dubs > 0 ? ` and ${dubs} dubs` : '']
    .join('')
    .replace(/^ and/, ' with');
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
