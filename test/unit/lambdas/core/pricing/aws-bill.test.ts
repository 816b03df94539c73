import { describe, expect, it } from 'vitest';
import { ALL_STAGES } from '../../../../../lambdas/catalog.js';
import {
  awsBill,
  type BilledFunction,
  type BilledProduction,
  productionStateVisits,
  WorkflowNotBillable,
} from '../../../../../lambdas/core/pricing/aws-bill.js';
import { AWS_LIST_PRICES, AwsListPricesSchema } from '../../../../../lambdas/core/pricing/aws-prices.js';
import { FUNCTION_SECONDS } from '../../../../../lambdas/core/pricing/aws-usage-measured.js';
import { workflowShapeOf } from '../../../../../lambdas/core/workflow/execution-limits.js';
import {
  EPISODE_WORKFLOW_SHAPE,
  PRODUCTION_WORKFLOW_SHAPE,
} from '../../../../../lambdas/core/workflow/workflow-shapes.js';
import { episodeWorkflow } from '../../../../../statemachines/episode-workflow-source.js';
import type { Definition } from '../../../../../statemachines/production-definition.js';
import { productionWorkflow } from '../../../../../statemachines/production-workflow-source.js';

const production: BilledProduction = {
  episodeScenes: [4, 6],
  characters: 2,
  episodesToDevelop: 0,
  review: 'none',
  lipSync: false,
  dubs: 0,
  videoPollsPerClip: 0,
};

/** A workflow source with a state added by `add`, reduced as `npm run asl` reduces it. */
function shapeWith(source: Definition, add: (definition: Definition) => void) {
  const definition = structuredClone(source) as Definition;
  add(definition);
  return workflowShapeOf(definition as Definition & { StartAt: string });
}
const pass = (next: string) => ({ Type: 'Pass', Next: next });
const shipped = { production: PRODUCTION_WORKFLOW_SHAPE, episode: EPISODE_WORKFLOW_SHAPE };

describe('state transitions walked from the two machines', () => {
  it("move by one a scene when a state is added to the scenes' Map", () => {
    // Prepare: a Pass state between Encode scene and Mark scene complete
    const episode = shapeWith(episodeWorkflow as Definition, (definition) => {
      const scene = (definition.States['Produce scenes']!.ItemProcessor as Definition).States;
      scene['Check the cut'] = pass('Mark scene complete');
      scene['Encode scene']!.Next = 'Check the cut';
    });

    // Act
    const before = productionStateVisits(production).transitions;
    const after = productionStateVisits(production, { ...shipped, episode }).transitions;

    // Assess: ten scenes, one more state each
    expect(after - before).toBe(10);
  });

  it('move by one when a state is added to the production machine', () => {
    // Prepare: a Pass state between Plan production and Cast characters
    const machine = shapeWith(productionWorkflow as Definition, (definition) => {
      definition.States['Note the plan'] = pass('Cast characters');
      definition.States['Plan production']!.Next = 'Note the plan';
    });

    // Act
    const before = productionStateVisits(production).transitions;
    const after = productionStateVisits(production, { ...shipped, production: machine }).transitions;

    // Assess
    expect(after - before).toBe(1);
  });

  it('run the episodes twice under a video review, and dub only the final cut', () => {
    // Prepare
    const dubbed = { ...production, dubs: 2 };

    // Act
    const once = productionStateVisits(dubbed);
    const reviewed = productionStateVisits({ ...dubbed, review: 'video' });

    // Assess: the animatic runs every scene again, and dubs nothing
    const voicedDubs = (visits: typeof once) => visits.targets['${VoiceDubFunctionArn}'];
    expect(voicedDubs(once)).toBe(2 * 2);
    expect(voicedDubs(reviewed)).toBe(2 * 2);
    expect(reviewed.targets['${RenderKeyframesFunctionArn}']).toBe(2 * once.targets['${RenderKeyframesFunctionArn}']!);
  });

  it('refuses a Task that reaches a function it was not given', () => {
    // Prepare
    const withoutAssembly = ALL_STAGES.filter((stage) => stage.name !== 'assemble-episode');

    // Act
    const bill = () => awsBill(production, withoutAssembly);

    // Assess
    expect(bill).toThrow(WorkflowNotBillable);
    expect(bill).toThrow(/\$\{AssembleEpisodeFunctionArn\}/);
  });
});

describe('Lambda GB-seconds', () => {
  const gbSecondsOf = (bill: ReturnType<typeof awsBill>, name: string) =>
    bill.functions.find((fn) => fn.name === name)?.gbSeconds;

  it("scale with a function's memory", () => {
    // Prepare
    const doubled: BilledFunction[] = ALL_STAGES.map((stage) =>
      stage.name === 'render-keyframes' ? { ...stage, memoryMb: 2 * stage.memoryMb } : stage,
    );

    // Act
    const [base, large] = [awsBill(production, ALL_STAGES), awsBill(production, doubled)];

    // Assess
    expect(gbSecondsOf(large, 'render-keyframes')).toBeCloseTo(2 * gbSecondsOf(base, 'render-keyframes')!, 9);
    expect(gbSecondsOf(large, 'synthesize-voice')).toBe(gbSecondsOf(base, 'synthesize-voice'));
  });

  it("scale with a function's duration", () => {
    // Prepare
    const slower = {
      ...FUNCTION_SECONDS,
      'synthesize-voice': {
        ...FUNCTION_SECONDS['synthesize-voice']!,
        seconds: 3 * FUNCTION_SECONDS['synthesize-voice']!.seconds,
      },
    };

    // Act
    const [base, slow] = [awsBill(production, ALL_STAGES), awsBill(production, ALL_STAGES, { durations: slower })];

    // Assess
    expect(gbSecondsOf(slow, 'synthesize-voice')).toBeCloseTo(3 * gbSecondsOf(base, 'synthesize-voice')!, 9);
    expect(slow.lines.find((line) => line.item === 'duration')!.usd).toBeGreaterThan(
      base.lines.find((line) => line.item === 'duration')!.usd,
    );
  });

  it('are memory in GB times seconds times invocations, as Lambda bills them', () => {
    // Act
    const bill = awsBill(production, ALL_STAGES);

    // Assess: ten scenes, a keyframe render each
    const keyframes = bill.functions.find((fn) => fn.name === 'render-keyframes')!;
    expect(keyframes.invocations).toBe(10);
    expect(keyframes.gbSeconds).toBeCloseTo(10 * (keyframes.memoryMb / 1024) * keyframes.secondsPerInvocation, 9);
  });

  it('refuse a function with no duration measured or assumed', () => {
    // Prepare
    const { 'encode-scene': _dropped, ...durations } = FUNCTION_SECONDS;

    // Act
    const bill = () => awsBill(production, ALL_STAGES, { durations });

    // Assess
    expect(bill).toThrow(/no duration for the encode-scene function/);
  });
});

describe('the AWS list prices', () => {
  const prices = () => structuredClone(AWS_LIST_PRICES) as { region: string; prices: Record<string, object> };

  it('are each validated: a page and the day it was read', () => {
    // Act
    const parsed = AwsListPricesSchema.safeParse(AWS_LIST_PRICES);

    // Assess
    expect(parsed.error?.issues).toBeUndefined();
  });

  it.each(['source', 'asOf'])('refuse an entry without its %s', (field) => {
    // Prepare
    const table = prices();
    delete (table.prices.lambdaRequest as Record<string, unknown>)[field];

    // Act
    const parsed = AwsListPricesSchema.safeParse(table);

    // Assess
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toContainEqual(`prices.lambdaRequest.${field}`);
  });

  it('refuse a price not read on its page that does not say where it was seen', () => {
    // Prepare
    const table = prices();
    table.prices.sqsStandardRequest = { ...table.prices.sqsStandardRequest, verified: false, note: undefined };

    // Act
    const parsed = AwsListPricesSchema.safeParse(table);

    // Assess
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toContainEqual('prices.sqsStandardRequest.note');
  });

  it('refuse a table missing a price the bill uses', () => {
    // Prepare
    const table = prices();
    delete table.prices.cloudWatchLogsIngestionGb;

    // Act
    const parsed = AwsListPricesSchema.safeParse(table);

    // Assess
    expect(parsed.success).toBe(false);
  });
});
