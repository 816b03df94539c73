import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { STAGE_FUNCTIONS } from '../../../lambdas/catalog.js';
import * as errors from '../../../lambdas/core/contracts/errors.js';
import { episodeWorkflow } from '../../../statemachines/episode-workflow-source.js';
import {
  allStates,
  DEFINITION_FILE,
  type Definition,
  EPISODE_DEFINITION_FILE,
  renderStateMachine,
  START_CHILD_EXECUTION_SYNC,
  type StateDefinition,
  taskStates,
} from '../../../statemachines/production-definition.js';
import { productionWorkflow } from '../../../statemachines/production-workflow-source.js';
import { resourceOf, retryPolicyOf } from '../../../statemachines/stage-task.js';
import {
  CHILD_EXECUTION_RETRY,
  OWN_WORK_RETRY,
  PROVIDER_CALL_RETRY,
  PROVIDER_THROTTLED_RETRY,
  REVIEW_GATE_RETRY,
  TRANSIENT_FAILURE_RETRY,
} from '../../../statemachines/workflow-policies.js';

type Rule = { ErrorEquals: string[]; Next?: string };

describe.each([
  ['production', DEFINITION_FILE, productionWorkflow],
  ['episode', EPISODE_DEFINITION_FILE, episodeWorkflow],
] as const)('the %s workflow source', (_kind, file, source) => {
  const checkedIn = async () => JSON.parse(await readFile(file, 'utf8')) as Definition;

  it('renders exactly the checked-in file', async () => {
    // Prepare
    const onDisk = await readFile(file, 'utf8');

    // Act
    const rendered = renderStateMachine(source);

    // Assess
    expect(onDisk === rendered, `${file} is stale: run \`npm run asl\``).toBe(true);
  });

  it('every Task in the checked-in file retries with one of the shared policies and names no error outside them', async () => {
    // Prepare
    const policyErrors = new Set([
      ...PROVIDER_THROTTLED_RETRY.ErrorEquals,
      ...TRANSIENT_FAILURE_RETRY.ErrorEquals,
      ...CHILD_EXECUTION_RETRY.flatMap((rule) => rule.ErrorEquals),
    ]);
    const tasks = taskStates(await checkedIn());

    // Act
    const offPolicy = tasks
      .filter(
        ({ state }) =>
          ![PROVIDER_CALL_RETRY, OWN_WORK_RETRY, CHILD_EXECUTION_RETRY, REVIEW_GATE_RETRY].some(
            (policy) => JSON.stringify(state.Retry) === JSON.stringify(policy),
          ),
      )
      .map(({ name }) => name);
    const strayErrors = tasks
      .flatMap(({ state }) => (state.Retry as Rule[]).flatMap((rule) => rule.ErrorEquals))
      .filter((error) => !policyErrors.has(error));

    // Assess
    expect(tasks.length).toBeGreaterThan(0);
    expect(offPolicy).toEqual([]);
    expect(strayErrors).toEqual([]);
  });

  it("every Lambda Task in the checked-in file times out and retries as its stage's descriptor says", async () => {
    // Prepare
    const stageByResource = new Map(
      STAGE_FUNCTIONS.flatMap((stage) => (stage.invokedBy === 'workflow' ? [[resourceOf(stage), stage] as const] : [])),
    );
    const lambdaTasks = taskStates(await checkedIn()).filter(({ state }) => stageByResource.has(state.Resource ?? ''));

    // Act
    const disagreeing = lambdaTasks.flatMap(({ name, state }) => {
      const stage = stageByResource.get(state.Resource!)!;
      return [
        ...(state.TimeoutSeconds === stage.timeoutSeconds
          ? []
          : [
              `${name}: TimeoutSeconds ${String(state.TimeoutSeconds)}, ${stage.name} times out at ${stage.timeoutSeconds}`,
            ]),
        ...(JSON.stringify(state.Retry) === JSON.stringify(retryPolicyOf(stage))
          ? []
          : [`${name}: not the retry policy of ${stage.name}`]),
      ];
    });

    // Assess
    expect(lambdaTasks.length).toBeGreaterThan(0);
    expect(disagreeing).toEqual([]);
  });

  it('names in Retry and Catch only errors the stages throw or Step Functions and Lambda raise', async () => {
    // Prepare
    const thrownByStages = new Set(
      Object.values(errors)
        .filter(
          (value): value is typeof errors.DramaforgeError =>
            typeof value === 'function' && value.prototype instanceof errors.DramaforgeError,
        )
        .map((errorClass) => errorClass.name),
    );

    // Act
    const named = allStates(await checkedIn()).flatMap(({ state }) =>
      [...((state.Retry as Rule[] | undefined) ?? []), ...((state.Catch as Rule[] | undefined) ?? [])].flatMap(
        (rule) => rule.ErrorEquals,
      ),
    );
    const unknown = named.filter(
      (error) => !thrownByStages.has(error) && !/^(States|Lambda|StepFunctions)\.\w+$/.test(error),
    );

    // Assess
    expect(named.length).toBeGreaterThan(0);
    expect([...new Set(unknown)]).toEqual([]);
  });

  it('every Catch, Next and Choice goes to a state in its own States block, as Step Functions requires', async () => {
    // Prepare
    const definition = await checkedIn();
    const dangling: string[] = [];
    const visit = (states: Record<string, StateDefinition>) => {
      for (const [name, state] of Object.entries(states)) {
        const targets = [
          state.Next,
          state.Default,
          ...((state.Choices as Rule[] | undefined) ?? []).map((choice) => choice.Next),
          ...((state.Catch as Rule[] | undefined) ?? []).map((rule) => rule.Next),
        ].filter((target): target is string => typeof target === 'string');
        dangling.push(...targets.filter((target) => !(target in states)).map((target) => `${name} -> ${target}`));
        const processor = state.ItemProcessor as { States: Record<string, StateDefinition> } | undefined;
        if (processor) visit(processor.States);
        for (const branch of (state.Branches as { States: Record<string, StateDefinition> }[] | undefined) ?? [])
          visit(branch.States);
      }
    };

    // Act
    visit(definition.States);

    // Assess
    expect(dangling).toEqual([]);
  });
});

describe('the checked-in production workflow', () => {
  it("retries a child start refused at the account's execution quota under both spellings of the error", async () => {
    // Prepare
    const definition = JSON.parse(await readFile(DEFINITION_FILE, 'utf8')) as Definition;
    const childTasks = taskStates(definition).filter(({ state }) => state.Resource === START_CHILD_EXECUTION_SYNC);

    // Act
    const missing = childTasks.flatMap(({ name, state }) => {
      const retried = new Set((state.Retry as Rule[]).flatMap((rule) => rule.ErrorEquals));
      return ['StepFunctions.ExecutionLimitExceeded', 'StepFunctions.ExecutionLimitExceededException']
        .filter((error) => !retried.has(error))
        .map((error) => `${name}: ${error}`);
    });

    // Assess
    expect(childTasks.length).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });
});

describe('the checked-in episode workflow', () => {
  it('retries Assemble episode as a paid call: it buys the music bed through paidCall', async () => {
    // Prepare
    const definition = JSON.parse(await readFile(EPISODE_DEFINITION_FILE, 'utf8')) as Definition;

    // Act
    const assemble = taskStates(definition).find(({ name }) => name === 'Assemble episode')!;

    // Assess
    expect(assemble.state.Retry).toEqual(PROVIDER_CALL_RETRY);
  });
});

describe('the workflow stages', () => {
  it('make a paid provider call only where their access lets them call providers', () => {
    // Act
    const paidWithoutAccess = STAGE_FUNCTIONS.filter(
      (stage) => stage.invokedBy === 'workflow' && stage.work === 'paid-provider-call' && !stage.access.callsProviders,
    ).map((stage) => stage.name);

    // Assess
    expect(STAGE_FUNCTIONS.some((stage) => stage.invokedBy === 'workflow' && stage.work === 'paid-provider-call')).toBe(
      true,
    );
    expect(paidWithoutAccess).toEqual([]);
  });
});

describe('the two workflows together', () => {
  it('retry the provider errors and catch the budget stop and a rejected manifest by name', () => {
    // Prepare
    const definitions: Definition[] = [productionWorkflow, episodeWorkflow];

    // Act
    const named = definitions.flatMap((definition) =>
      allStates(definition).flatMap(({ state }) =>
        [...((state.Retry as Rule[] | undefined) ?? []), ...((state.Catch as Rule[] | undefined) ?? [])].flatMap(
          (rule) => rule.ErrorEquals,
        ),
      ),
    );

    // Assess
    expect(named).toEqual(
      expect.arrayContaining([
        'ProviderThrottled',
        'ProviderUnavailable',
        'ProviderTimeout',
        'BudgetExceeded',
        'ManifestInvalid',
      ]),
    );
  });
});
