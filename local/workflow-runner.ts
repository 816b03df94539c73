import './polyfills.js';
import { readFile } from 'node:fs/promises';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { StateMachine } from 'aws-local-stepfunctions';
import type { TaskTokenService } from './task-token-service.js';

export const WAIT_FOR_TASK_TOKEN_SQS = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';

/** `$$.Task.Token` resolves to this in the local context; the runner swaps in a fresh token per Task. */
const TASK_TOKEN_PLACEHOLDER = '<local-task-token>';

type StateDefinition = Record<string, unknown> & { Type: string; Resource?: string };
type Definition = { States: Record<string, StateDefinition> } & Record<string, unknown>;

/** Applies definitionSubstitutions exactly as Step Functions does: `${Name}` inside string values. */
export function substituteDefinition(text: string, substitutions: Record<string, string>): Definition {
  const substituted = text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_match, name: string) => {
    const value = substitutions[name];
    if (value === undefined) throw new Error(`the state machine uses \${${name}} but no substitution was given for it`);
    return value;
  });
  return JSON.parse(substituted) as Definition;
}

export async function loadDefinition(file: string, substitutions: Record<string, string>): Promise<Definition> {
  return substituteDefinition(await readFile(file, 'utf8'), substitutions);
}

/** Every Task state, at any depth (Map item processors, Parallel branches), with its name. */
export function taskStates(definition: { States: Record<string, StateDefinition> }): { name: string; state: StateDefinition }[] {
  const found: { name: string; state: StateDefinition }[] = [];
  const visit = (states: Record<string, StateDefinition>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') found.push({ name, state });
      const processor = (state.ItemProcessor ?? state.Iterator) as { States: Record<string, StateDefinition> } | undefined;
      if (processor) visit(processor.States);
      for (const branch of (state.Branches as { States: Record<string, StateDefinition> }[] | undefined) ?? []) visit(branch.States);
    }
  };
  visit(definition.States);
  return found;
}

/**
 * The ASL features aws-local-stepfunctions ignores or runs differently from AWS.
 * A definition that uses any of them would behave one way locally and another in
 * the cloud, so the local runner refuses it.
 */
export function constructsTheLocalEngineIgnores(definitionText: string): string[] {
  const problems: string[] = [];
  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) return node.forEach((child, index) => walk(child, `${path}[${index}]`));
    if (!node || typeof node !== 'object') {
      if (typeof node === 'string' && /^\{%.*%\}$/s.test(node)) problems.push(`${path}: JSONata expression`);
      return;
    }
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      const at = path ? `${path}.${key}` : key;
      if (key === 'QueryLanguage' && value === 'JSONata') problems.push(`${at}: JSONata`);
      if (key === 'Assign') problems.push(`${at}: Assign (variables)`);
      if (key === 'Mode' && value === 'DISTRIBUTED') problems.push(`${at}: Distributed Map`);
      if (key === 'ItemReader' || key === 'ResultWriter' || key === 'ItemBatcher') problems.push(`${at}: ${key} (Distributed Map)`);
      if (key === 'Arguments' || key === 'Output') problems.push(`${at}: ${key} (JSONata field)`);
      walk(value, at);
    }
  };
  walk(JSON.parse(definitionText), '');
  return problems;
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
          Id: `arn:aws:states:us-east-1:000000000000:execution:dramaforge-production:${executionName}`,
          Name: executionName,
          Input: input,
          StartTime: startTime,
        },
        StateMachine: { Id: 'arn:aws:states:us-east-1:000000000000:stateMachine:dramaforge-production', Name: 'dramaforge-production' },
        Task: { Token: TASK_TOKEN_PLACEHOLDER },
      }) as never,
    });
  }
}
