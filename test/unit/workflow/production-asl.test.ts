import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUEUE_SUBSTITUTION, STAGE_FUNCTIONS } from '../../../lambdas/catalog.js';
import { SQSClient } from '@aws-sdk/client-sqs';
import { TaskTokenService } from '../../../local/task-token-service.js';
import { loadDefinition, WorkflowRunner } from '../../../local/workflow-runner.js';
import {
  DEFINITION_FILE,
  WAIT_FOR_TASK_TOKEN_SQS,
  constructsTheLocalEngineIgnores,
  substituteDefinition,
  taskStates,
} from '../../../statemachines/production-definition.js';

const definitionFile = DEFINITION_FILE;
const substitutions: Record<string, string> = Object.fromEntries([
  ...STAGE_FUNCTIONS.filter((spec) => spec.substitution).map((spec) => [spec.substitution!, `arn:aws:lambda:us-east-1:000000000000:function:${spec.name}`]),
  [QUEUE_SUBSTITUTION, 'https://sqs.us-east-1.amazonaws.com/000000000000/video'],
]);

describe('statemachines/production.asl.json', () => {
  it('uses nothing the local engine ignores', async () => {
    expect(constructsTheLocalEngineIgnores(await readFile(definitionFile, 'utf8'))).toEqual([]);
  });

  it('the ignored-construct check finds JSONata, Assign and Distributed Map when they are there', () => {
    const tainted = JSON.stringify({
      QueryLanguage: 'JSONata',
      States: { A: { Type: 'Pass', Assign: { x: 1 }, End: true }, B: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' } }, ItemReader: {} } },
    });
    const problems = constructsTheLocalEngineIgnores(tainted);
    expect(problems.join('\n')).toMatch(/JSONata/);
    expect(problems.join('\n')).toMatch(/Assign/);
    expect(problems.join('\n')).toMatch(/Distributed Map/);
  });

  it('every Task resolves to a catalogued function or the video queue, and has Retry and Catch', async () => {
    const definition = substituteDefinition(await readFile(definitionFile, 'utf8'), substitutions);
    const tasks = taskStates(definition);
    expect(tasks.length).toBeGreaterThanOrEqual(10);
    const functionArns = new Set(Object.values(substitutions));
    for (const { name, state } of tasks) {
      const resource = state.Resource!;
      expect(resource === WAIT_FOR_TASK_TOKEN_SQS || functionArns.has(resource), `${name} -> ${resource}`).toBe(true);
      expect(Array.isArray(state.Retry) && (state.Retry as unknown[]).length > 0, `${name} has Retry`).toBe(true);
      expect(Array.isArray(state.Catch) && (state.Catch as unknown[]).length > 0, `${name} has Catch`).toBe(true);
      for (const retry of state.Retry as { JitterStrategy?: string; BackoffRate?: number }[]) {
        expect(retry.JitterStrategy, `${name} retries with jitter`).toBe('FULL');
        expect(retry.BackoffRate ?? 1, `${name} backs off`).toBeGreaterThan(1);
      }
    }
  });

  it('retries the provider errors by their names and sends the video stage through SQS with a task token', async () => {
    const definition = substituteDefinition(await readFile(definitionFile, 'utf8'), substitutions);
    const byName = new Map(taskStates(definition).map(({ name, state }) => [name, state]));
    const retried = (byName.get('Render keyframes')!.Retry as { ErrorEquals: string[] }[]).flatMap((r) => r.ErrorEquals);
    expect(retried).toEqual(expect.arrayContaining(['ProviderThrottled', 'ProviderUnavailable', 'ProviderTimeout']));
    const video = byName.get('Generate video')!;
    expect(video.Resource).toBe(WAIT_FOR_TASK_TOKEN_SQS);
    expect((video.Parameters as { MessageBody: Record<string, string> }).MessageBody['taskToken.$']).toBe('$$.Task.Token');
    const caught = (video.Catch as { ErrorEquals: string[]; Next: string }[]).map((c) => [c.ErrorEquals[0], c.Next]);
    expect(caught).toContainEqual(['BudgetExceeded', 'Record budget stop']);
  });

  it('the local runner maps every Task state, and refuses a definition with an unmapped Task', async () => {
    const definition = substituteDefinition(await readFile(definitionFile, 'utf8'), substitutions);
    const options = { definition, invoke: async () => null, sqs: new SQSClient({ region: 'us-east-1' }), taskTokens: new TaskTokenService() };
    const functionArns = new Set(Object.values(substitutions));
    const runner = new WorkflowRunner({ ...options, functionArns });
    expect(runner.mappedTaskStates.sort()).toEqual(taskStates(definition).map((t) => t.name).sort());

    functionArns.delete(substitutions.AssembleEpisodeFunctionArn!);
    expect(() => new WorkflowRunner({ ...options, functionArns })).toThrow(/Assemble episode/);
  });

  it('the local runner refuses to load a definition the local engine would run differently', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'asl-'));
    const file = path.join(dir, 'assign.asl.json');
    await writeFile(file, JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Assign: { x: 1 }, End: true } } }));
    await expect(loadDefinition(file, {})).rejects.toThrow(/Assign/);
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a substitution the caller did not provide', async () => {
    expect(() => substituteDefinition(JSON.stringify({ States: { A: { Type: 'Task', Resource: '${Missing}' } } }), {})).toThrow(/Missing/);
  });
});
