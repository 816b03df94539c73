import { SCENES_PER_DIALOGUE_PART } from '../prompts/script-prompt.js';
import { choiceTargets, type WorkflowShape } from '../workflow/execution-limits.js';
import { EPISODE_WORKFLOW_SHAPE, PRODUCTION_WORKFLOW_SHAPE } from '../workflow/workflow-shapes.js';
import { AWS_LIST_PRICES, type AwsListPrices, type AwsPriceKey, listPriceUsd } from './aws-prices.js';
import {
  FUNCTION_SECONDS,
  type FunctionDuration,
  MEASURED_SERVICE_USAGE,
  type ServiceUsage,
} from './aws-usage-measured.js';

/**
 * What AWS itself charges for one production, beside the providers: Step Functions state
 * transitions walked from the two machines, Lambda requests and GB-seconds from each function's
 * memory and its measured duration, and the S3, DynamoDB, SQS and CloudWatch Logs usage measured
 * on local runs, all at the us-east-1 list prices of aws-prices.ts. Pure: the functions' sizes
 * are handed in (the stage descriptors), so the core knows no stage.
 */

/** A walk the bill cannot make: a state it does not know, a Choice it cannot decide, a function it cannot size. */
export class WorkflowNotBillable extends Error {
  override readonly name = 'WorkflowNotBillable';
}

/** How many items each Map's ItemsPath holds, and the value of each Choice variable, on the run the bill expects. */
export interface ExpectedRun {
  iterations: Record<string, number>;
  choices: Record<string, boolean | string>;
}

/** States entered on one run, and how often each Task reached each of its targets (a function, the queue, the episode machine). */
export interface StateVisits {
  transitions: number;
  targets: Record<string, number>;
}

function addVisits(into: StateVisits, from: StateVisits, times: number): void {
  into.transitions += times * from.transitions;
  // A Map over no items reaches nothing: its targets are not listed as reached none times.
  if (times === 0) return;
  for (const [target, count] of Object.entries(from.targets))
    into.targets[target] = (into.targets[target] ?? 0) + times * count;
}

/** Where a state goes on the expected run: its Next, or the one branch its Choice takes; nothing after an end. */
function nextOnExpectedRun(state: WorkflowShape['States'][string], name: string, run: ExpectedRun): string | undefined {
  if (state.Type === 'Succeed' || state.Type === 'Fail') return undefined;
  if (state.Type !== 'Choice') return state.Next;
  const taken = choiceTargets(state, run.choices);
  if (taken.length !== 1)
    throw new WorkflowNotBillable(`the Choice "${name}" reads a variable the expected run does not decide`);
  return taken[0];
}

/**
 * The states one run enters, as Standard workflows bill them: one transition for each state
 * entered, a Map's own included, and each of its items' states once per item. The expected run
 * retries nothing and catches nothing: a retry is a transition more, which this leaves out.
 */
export function expectedStateVisits(shape: WorkflowShape, run: ExpectedRun): StateVisits {
  const visits: StateVisits = { transitions: 0, targets: {} };
  const entered = new Set<string>();
  for (let name: string | undefined = shape.StartAt; name !== undefined; ) {
    const state = shape.States[name];
    if (!state) throw new WorkflowNotBillable(`the workflow goes to "${name}", which is not a state of its block`);
    if (entered.has(name)) throw new WorkflowNotBillable(`the expected run loops through "${name}"`);
    entered.add(name);
    visits.transitions += 1;
    if (state.Type === 'Task') {
      const target = state.Target ?? state.Resource;
      if (target === undefined) throw new WorkflowNotBillable(`the Task "${name}" names no resource`);
      visits.targets[target] = (visits.targets[target] ?? 0) + 1;
    }
    if (state.Type === 'Map') {
      const items = state.ItemsPath === undefined ? undefined : run.iterations[state.ItemsPath];
      if (items === undefined)
        throw new WorkflowNotBillable(
          `the Map "${name}" iterates over ${state.ItemsPath ?? 'its input'}, which the bill does not count`,
        );
      if (!state.ItemProcessor) throw new WorkflowNotBillable(`the Map "${name}" has no ItemProcessor`);
      addVisits(visits, expectedStateVisits(state.ItemProcessor, run), items);
    }
    name = nextOnExpectedRun(state, name, run);
  }
  return visits;
}

/** What of a production its AWS bill depends on. */
export interface BilledProduction {
  /** Planned scenes in each episode, developed ones included. */
  episodeScenes: number[];
  characters: number;
  episodesToDevelop: number;
  review: 'video' | 'delivery' | 'none';
  lipSync: boolean;
  dubs: number;
  /** Times a video job is polled after it starts: 0 for a model that renders within the call. */
  videoPollsPerClip: number;
}

/** A function as its stage descriptor declares it. */
export interface BilledFunction {
  name: string;
  invokedBy: 'workflow' | 'video-queue' | 'manifest-upload';
  substitution?: string;
  memoryMb: number;
}

export interface FunctionBill {
  name: string;
  invocations: number;
  memoryMb: number;
  secondsPerInvocation: number;
  gbSeconds: number;
  /** Whether its duration was measured locally, or assumed (`source` says from what). */
  measured: boolean;
  source: string;
}

export interface AwsBillLine {
  service: 'Step Functions' | 'Lambda' | 'S3' | 'DynamoDB' | 'SQS' | 'CloudWatch Logs';
  item: string;
  quantity: number;
  unit: string;
  usd: number;
  price: AwsPriceKey;
}

export interface AwsBill {
  lines: AwsBillLine[];
  totalUsd: number;
  functions: FunctionBill[];
  /** Prices the bill used that were not read on their AWS page (aws-prices.ts). */
  unverifiedPrices: AwsPriceKey[];
}

/** Step Functions' queue message, and each re-send to poll a job: sent, received and deleted. */
const SQS_REQUESTS_PER_MESSAGE = 3;
/** Lambda writes START, END and REPORT lines for every invocation besides the function's own logs. */
const PLATFORM_LOG_BYTES_PER_INVOCATION = 300;

const VIDEO_QUEUE_TARGET = '${VideoQueueUrl}';
const EPISODE_MACHINE_TARGET = '${EpisodeStateMachineArn}';

function episodeRun(scenes: number, lipSync: boolean, dubs: number): ExpectedRun {
  return {
    iterations: {
      '$.plan.dialogueParts': Math.ceil(scenes / SCENES_PER_DIALOGUE_PART),
      '$.plan.sceneIds': scenes,
      '$.plan.dubs': dubs,
    },
    choices: { '$.lipSync': lipSync },
  };
}

/** The production's run: its review as the manifest asks, approved, and every episode delivered. */
function productionRun(production: BilledProduction): ExpectedRun {
  return {
    iterations: {
      '$.production.episodesToDevelop': production.episodesToDevelop,
      '$.plan.characterIds': production.characters,
      '$.plan.episodes': production.episodeScenes.length,
    },
    choices: { '$.plan.review': production.review, '$.review.decision': 'APPROVED', '$.result.status': 'COMPLETE' },
  };
}

/** Every state the production enters, its episodes' executions included. */
export function productionStateVisits(
  production: BilledProduction,
  shapes: { production: WorkflowShape; episode: WorkflowShape } = {
    production: PRODUCTION_WORKFLOW_SHAPE,
    episode: EPISODE_WORKFLOW_SHAPE,
  },
): StateVisits {
  const visits = expectedStateVisits(shapes.production, productionRun(production));
  const episodes = production.episodeScenes.length;
  const childRuns = episodes === 0 ? 0 : (visits.targets[EPISODE_MACHINE_TARGET] ?? 0) / episodes;
  delete visits.targets[EPISODE_MACHINE_TARGET];
  production.episodeScenes.forEach((scenes) => {
    for (let run = 0; run < childRuns; run++) {
      // Under a video review the first run is the animatic, which is not dubbed; the final cut is.
      const dubs = production.review === 'video' && run === 0 ? 0 : production.dubs;
      addVisits(visits, expectedStateVisits(shapes.episode, episodeRun(scenes, production.lipSync, dubs)), 1);
    }
  });
  return visits;
}

function functionFor(target: string, functions: readonly BilledFunction[]): BilledFunction {
  const found =
    target === VIDEO_QUEUE_TARGET
      ? functions.find((fn) => fn.invokedBy === 'video-queue')
      : functions.find((fn) => fn.substitution !== undefined && target === `\${${fn.substitution}}`);
  if (!found) throw new WorkflowNotBillable(`a Task reaches ${target}, which is no function the bill was given`);
  return found;
}

function usageOf(production: BilledProduction): ServiceUsage {
  const scenes = production.episodeScenes.reduce((sum, count) => sum + count, 0);
  const episodes = production.episodeScenes.length;
  const { perProduction, perEpisode, perScene } = MEASURED_SERVICE_USAGE;
  const of = (key: keyof ServiceUsage) => perProduction[key] + episodes * perEpisode[key] + scenes * perScene[key];
  return {
    s3PutRequests: of('s3PutRequests'),
    s3GetRequests: of('s3GetRequests'),
    dynamoDbWriteUnits: of('dynamoDbWriteUnits'),
    dynamoDbReadUnits: of('dynamoDbReadUnits'),
    logBytes: of('logBytes'),
    storedBytes: of('storedBytes'),
  };
}

const GB = 1024 ** 3;

/** What the bill is priced from; each defaults to this repository's own. */
export interface AwsBillSources {
  prices?: AwsListPrices;
  shapes?: { production: WorkflowShape; episode: WorkflowShape };
  durations?: Record<string, FunctionDuration>;
}

/** AWS's bill for one production at list prices. */
export function awsBill(
  production: BilledProduction,
  functions: readonly BilledFunction[],
  { prices = AWS_LIST_PRICES, shapes, durations = FUNCTION_SECONDS }: AwsBillSources = {},
): AwsBill {
  const visits = productionStateVisits(production, shapes);
  const invocations = new Map<BilledFunction, number>();
  const invoke = (fn: BilledFunction, times: number) => invocations.set(fn, (invocations.get(fn) ?? 0) + times);
  const trigger = functions.find((fn) => fn.invokedBy === 'manifest-upload');
  if (trigger) invoke(trigger, 1);
  let queueMessages = 0;
  for (const [target, count] of Object.entries(visits.targets)) {
    const messages = target === VIDEO_QUEUE_TARGET ? count * (1 + production.videoPollsPerClip) : count;
    if (target === VIDEO_QUEUE_TARGET) queueMessages += messages;
    invoke(functionFor(target, functions), messages);
  }
  const functionBills = [...invocations].map(([fn, count]): FunctionBill => {
    const duration = durations[fn.name];
    if (!duration)
      throw new WorkflowNotBillable(
        `no duration for the ${fn.name} function: measure it (BENCHMARKS.md) and add it to lambdas/core/pricing/aws-usage-measured.ts`,
      );
    return {
      name: fn.name,
      invocations: count,
      memoryMb: fn.memoryMb,
      secondsPerInvocation: duration.seconds,
      gbSeconds: count * (fn.memoryMb / 1024) * duration.seconds,
      measured: duration.measured,
      source: duration.source,
    };
  });
  const requests = functionBills.reduce((sum, fn) => sum + fn.invocations, 0);
  const gbSeconds = functionBills.reduce((sum, fn) => sum + fn.gbSeconds, 0);
  const usage = usageOf(production);
  const line = (
    service: AwsBillLine['service'],
    item: string,
    quantity: number,
    unit: string,
    price: AwsPriceKey,
  ): AwsBillLine => ({ service, item, quantity, unit, usd: listPriceUsd(prices.prices[price], quantity), price });
  const lines = [
    line('Step Functions', 'state transitions', visits.transitions, 'transitions', 'stepFunctionsStateTransition'),
    line('Lambda', 'requests', requests, 'requests', 'lambdaRequest'),
    line('Lambda', 'duration', gbSeconds, 'GB-seconds', 'lambdaX86GbSecond'),
    line('S3', 'PUT, COPY, POST and LIST requests', usage.s3PutRequests, 'requests', 's3PutRequest'),
    line('S3', 'GET and other requests', usage.s3GetRequests, 'requests', 's3GetRequest'),
    line('S3', 'storage for a month', usage.storedBytes / GB, 'GB-months', 's3StandardStorageGbMonth'),
    line('DynamoDB', 'write request units', usage.dynamoDbWriteUnits, 'WRU', 'dynamoDbWriteRequestUnit'),
    line('DynamoDB', 'read request units', usage.dynamoDbReadUnits, 'RRU', 'dynamoDbReadRequestUnit'),
    line('SQS', 'video queue requests', queueMessages * SQS_REQUESTS_PER_MESSAGE, 'requests', 'sqsStandardRequest'),
    line(
      'CloudWatch Logs',
      'ingestion',
      (usage.logBytes + requests * PLATFORM_LOG_BYTES_PER_INVOCATION) / GB,
      'GB',
      'cloudWatchLogsIngestionGb',
    ),
  ];
  return {
    lines,
    totalUsd: lines.reduce((sum, l) => sum + l.usd, 0),
    functions: functionBills,
    unverifiedPrices: [...new Set(lines.map((l) => l.price))].filter((key) => !prices.prices[key].verified),
  };
}
