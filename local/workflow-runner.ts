import './polyfills.js';
import { readFile } from 'node:fs/promises';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { StateMachine } from 'aws-local-stepfunctions';
import {
  WAIT_FOR_TASK_TOKEN_SQS,
  constructsTheLocalEngineIgnores,
  substituteDefinition,
  taskStates,
  type Definition,
  type StateDefinition,
} from '../statemachines/production-definition.js';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda-context.js';
import type { TaskTokenService } from './task-token-service.js';

/** `$$.Task.Token` resolves to this in the local context; the runner swaps in a fresh token per Task. */
const TASK_TOKEN_PLACEHOLDER = '<local-task-token>';

export async function loadDefinition(file: string, substitutions: Record<string, string>): Promise<Definition> {
  const text = await readFile(file, 'utf8');
  const ignored = constructsTheLocalEngineIgnores(text);
  if (ignored.length > 0) throw new Error(`${file} uses what the local engine would run differently:\n${ignored.join('\n')}`);
  return substituteDefinition(text, substitutions);
}

export interface LocalFunctionInvoker {
  (functionArn: string, event: unknown): Promise<unknown>;
}

export interface WorkflowRunnerOptions {
  definition: Definition;
  functionArns: Set<string>;
  invoke: LocalFunctionInvoker;
  sqs: SQSClient;
  taskTokens: TaskTokenService;
  /** When set, every Retry waits this long instead of its backoff: tests use it to stay fast. */
  retryDelayMs?: number;
}

function replacePlaceholder(value: unknown, token: string): unknown {
  if (value === TASK_TOKEN_PLACEHOLDER) return token;
  if (Array.isArray(value)) return value.map((item) => replacePlaceholder(item, token));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, replacePlaceholder(inner, token)]));
  }
  return value;
}

/**
 * Runs the production state machine in aws-local-stepfunctions, with every Task
 * mapped to the same handler the deployed stack invokes: Lambda Tasks call the
 * handler module in-process; the SQS `.waitForTaskToken` Task sends the real
 * message to the local queue and waits for the worker to report on its token.
 */
export class WorkflowRunner {
  private readonly machine: StateMachine;
  private readonly overrides: Record<string, (input: unknown) => Promise<unknown>> = {};

  constructor(private readonly options: WorkflowRunnerOptions) {
    this.machine = new StateMachine(options.definition as never, { validationOptions: { checkPaths: true, checkArn: true } });
    for (const { name, state } of taskStates(options.definition)) {
      this.overrides[name] = this.overrideFor(name, state);
    }
  }

  private overrideFor(name: string, state: StateDefinition): (input: unknown) => Promise<unknown> {
    const resource = state.Resource ?? '';
    if (resource === WAIT_FOR_TASK_TOKEN_SQS) return (input) => this.sendAndWait(input as { QueueUrl: string; MessageBody: unknown });
    if (this.options.functionArns.has(resource)) return (input) => this.options.invoke(resource, input);
    throw new Error(`Task "${name}" uses ${resource}, which has no local mapping`);
  }

  private async sendAndWait(input: { QueueUrl: string; MessageBody: unknown }): Promise<unknown> {
    const { token, outcome } = this.options.taskTokens.mint();
    const body = replacePlaceholder(input.MessageBody, token);
    await this.options.sqs.send(
      new SendMessageCommand({ QueueUrl: input.QueueUrl, MessageBody: typeof body === 'string' ? body : JSON.stringify(body) }),
    );
    return outcome;
  }

  get mappedTaskStates(): string[] {
    return Object.keys(this.overrides);
  }

  start(executionName: string, input: unknown) {
    const retryIntervalOverrides =
      this.options.retryDelayMs === undefined
        ? undefined
        : Object.fromEntries(Object.keys(this.overrides).map((name) => [name, this.options.retryDelayMs!]));
    const startTime = new Date().toISOString();
    return this.machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: this.overrides as never, retryIntervalOverrides },
      noThrowOnAbort: true,
      context: ({
        Execution: {
          Id: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:dramaforge-production:${executionName}`,
          Name: executionName,
          Input: input,
          StartTime: startTime,
        },
        StateMachine: { Id: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:dramaforge-production`, Name: 'dramaforge-production' },
        Task: { Token: TASK_TOKEN_PLACEHOLDER },
      }) as never,
    });
  }
}
