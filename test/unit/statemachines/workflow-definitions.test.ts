import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { QUEUE_SUBSTITUTION, STAGE_FUNCTIONS } from '../../../lambdas/catalog.js';
import { TaskTokenService } from '../../../local/engines/task-token-service.js';
import { loadDefinition, WorkflowRunner } from '../../../local/runtime/workflow-runner.js';
import {
  constructsTheLocalEngineIgnores,
  DEFINITION_FILE,
  type Definition,
  EPISODE_DEFINITION_FILE,
  EPISODE_STATE_MACHINE_SUBSTITUTION,
  START_CHILD_EXECUTION_SYNC,
  substituteDefinition,
  taskStates,
  WAIT_FOR_TASK_TOKEN_LAMBDA,
  WAIT_FOR_TASK_TOKEN_SQS,
} from '../../../statemachines/production-definition.js';

const substitutions: Record<string, string> = Object.fromEntries([
  ...STAGE_FUNCTIONS.filter((spec) => spec.substitution).map((spec) => [
    spec.substitution!,
    `arn:aws:lambda:us-east-1:000000000000:function:${spec.name}`,
  ]),
  [QUEUE_SUBSTITUTION, 'https://sqs.us-east-1.amazonaws.com/000000000000/video'],
  [EPISODE_STATE_MACHINE_SUBSTITUTION, 'arn:aws:states:us-east-1:000000000000:stateMachine:episode'],
]);
const functionArns = new Set(
  STAGE_FUNCTIONS.filter((spec) => spec.substitution).map((spec) => substitutions[spec.substitution!]!),
);
const load = async (file: string): Promise<Definition> =>
  substituteDefinition(await readFile(file, 'utf8'), substitutions);
const runnerOptions = (definition: Definition) => ({
  stateMachineName: 'under-test',
  definition,
  invoke: async () => null,
  sqs: new SQSClient({ region: 'us-east-1' }),
  taskTokens: new TaskTokenService(),
  startChildExecution: async () => null,
});

describe.each([
  ['production', DEFINITION_FILE],
  ['episode', EPISODE_DEFINITION_FILE],
])('the %s state machine', (_kind, file) => {
  it('uses nothing the local engine ignores', async () => {
    // Prepare
    const text = await readFile(file, 'utf8');

    // Act
    const ignored = constructsTheLocalEngineIgnores(text);

    // Assess
    expect(ignored).toEqual([]);
  });

  it('resolves every Task to a stage function, the video queue or the episode machine, each with jittered Retry and a Catch', async () => {
    // Prepare
    const definition = await load(file);

    // Act
    const tasks = taskStates(definition).map(({ name, state }) => ({
      name,
      mapped:
        functionArns.has(state.Resource!) ||
        state.Resource === WAIT_FOR_TASK_TOKEN_SQS ||
        state.Resource === START_CHILD_EXECUTION_SYNC ||
        (state.Resource === WAIT_FOR_TASK_TOKEN_LAMBDA &&
          functionArns.has((state.Parameters as { FunctionName?: string }).FunctionName!)),
      retries: ((state.Retry as { JitterStrategy?: string; BackoffRate?: number }[] | undefined) ?? []).map(
        (retry) => ({
          jitter: retry.JitterStrategy,
          backsOff: (retry.BackoffRate ?? 1) > 1,
        }),
      ),
      caught: Array.isArray(state.Catch) && state.Catch.length > 0,
    }));

    // Assess
    expect(tasks.length).toBeGreaterThan(0);
    for (const task of tasks) {
      expect(task.mapped, `${task.name} resolves`).toBe(true);
      expect(task.retries.length, `${task.name} retries`).toBeGreaterThan(0);
      expect(
        task.retries.every((retry) => retry.jitter === 'FULL' && retry.backsOff),
        `${task.name} backs off with jitter`,
      ).toBe(true);
      expect(task.caught, `${task.name} has a Catch`).toBe(true);
    }
  });

  it('the local runner maps every Task state, and refuses the definition when one is unmapped', async () => {
    // Prepare
    const definition = await load(file);
    const lambdaTask = taskStates(definition).find(({ state }) => functionArns.has(state.Resource!))!;
    const withoutOne = new Set([...functionArns].filter((arn) => arn !== lambdaTask.state.Resource));

    // Act
    const runner = new WorkflowRunner({ ...runnerOptions(definition), functionArns });
    const refusing = () => new WorkflowRunner({ ...runnerOptions(definition), functionArns: withoutOne });

    // Assess
    expect(runner.mappedTaskStates.sort()).toEqual(
      taskStates(definition)
        .map((task) => task.name)
        .sort(),
    );
    expect(refusing).toThrow(lambdaTask.name);
  });
});

describe('the execution shape', () => {
  it('the production starts one child execution per episode, and the episode machine runs the scenes and the video queue', async () => {
    // Prepare
    const [production, episode] = await Promise.all([load(DEFINITION_FILE), load(EPISODE_DEFINITION_FILE)]);

    // Act
    const productionTasks = new Map(taskStates(production).map(({ name, state }) => [name, state]));
    const episodeTasks = new Map(taskStates(episode).map(({ name, state }) => [name, state]));

    // Assess
    const child = productionTasks.get('Produce episode')!;
    expect(child.Resource).toBe(START_CHILD_EXECUTION_SYNC);
    expect((child.Parameters as Record<string, unknown>).StateMachineArn).toBe(
      substitutions[EPISODE_STATE_MACHINE_SUBSTITUTION],
    );
    expect((child.Parameters as Record<string, unknown>)['Name.$']).toBe('$.executionName');
    expect(
      [...productionTasks.entries()]
        .filter(([, state]) => state.Resource === WAIT_FOR_TASK_TOKEN_SQS)
        .map(([name]) => name),
    ).toEqual([]);
    const video = episodeTasks.get('Generate video')!;
    expect(video.Resource).toBe(WAIT_FOR_TASK_TOKEN_SQS);
    expect((video.Parameters as { MessageBody: Record<string, string> }).MessageBody['taskToken.$']).toBe(
      '$$.Task.Token',
    );
    expect(
      (video.Catch as { ErrorEquals: string[]; Next: string }[]).map((rule) => [rule.ErrorEquals[0], rule.Next]),
    ).toContainEqual(['BudgetExceeded', 'Record budget stop']);
  });
});

describe('loading a definition', () => {
  it('finds JSONata, Assign and Distributed Map when they are there', () => {
    // Prepare
    const tainted = JSON.stringify({
      QueryLanguage: 'JSONata',
      States: {
        A: { Type: 'Pass', Assign: { x: 1 }, End: true },
        B: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' } }, ItemReader: {} },
      },
    });

    // Act
    const problems = constructsTheLocalEngineIgnores(tainted).join('\n');

    // Assess
    expect(problems).toMatch(/JSONata/);
    expect(problems).toMatch(/Assign/);
    expect(problems).toMatch(/Distributed Map/);
  });

  it('the local runner refuses a file the local engine would run differently', async () => {
    // Prepare
    const dir = await mkdtemp(path.join(os.tmpdir(), 'asl-'));
    const file = path.join(dir, 'assign.asl.json');
    await writeFile(
      file,
      JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Assign: { x: 1 }, End: true } } }),
    );

    // Act
    const loading = loadDefinition(file, {});

    // Assess
    await expect(loading).rejects.toThrow(/Assign/);
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a substitution the caller did not provide', () => {
    // Act
    const substituting = () =>
      substituteDefinition(JSON.stringify({ States: { A: { Type: 'Task', Resource: '${Missing}' } } }), {});

    // Assess
    expect(substituting).toThrow(/Missing/);
  });
});
