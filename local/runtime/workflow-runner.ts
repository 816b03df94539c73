import './polyfills.js';
import './map-failure-stops-iterations.js';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { StateMachine } from 'aws-local-stepfunctions';
import {
  constructsTheLocalEngineIgnores,
  type Definition,
  START_CHILD_EXECUTION_SYNC,
  type StateDefinition,
  substituteDefinition,
  taskStates,
  WAIT_FOR_TASK_TOKEN_LAMBDA,
  WAIT_FOR_TASK_TOKEN_SQS,
} from '../../statemachines/production-definition.js';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../engines/embedded-engines.js';
import type { TaskTokenService } from '../engines/task-token-service.js';
import {
  AWS_EXECUTION_QUOTAS,
  checkExecutionName,
  type ExecutionQuotas,
  HistoryCounter,
  mapConcurrencyProblems,
  messageProblem,
  type QuotaExceeded,
} from './execution-quotas.js';
import {
  type HistoryEventShape,
  historyTranslation,
  type TaskResources,
  taskResources,
  type WorkflowEvent,
} from './history-events.js';

/** `$$.Task.Token` resolves to this in the local context; the runner swaps in a fresh token per Task. */
const TASK_TOKEN_PLACEHOLDER = '<local-task-token>';

export async function loadDefinition(file: string, substitutions: Record<string, string>): Promise<Definition> {
  const text = await readFile(file, 'utf8');
  const ignored = constructsTheLocalEngineIgnores(text);
  if (ignored.length > 0)
    throw new Error(`${file} uses what the local engine would run differently:\n${ignored.join('\n')}`);
  return substituteDefinition(text, substitutions);
}

export type LocalFunctionInvoker = (functionArn: string, event: unknown) => Promise<unknown>;

/** What StartExecution.sync:2 answers once the child ends, as the parent's Task sees it. */
export type ChildExecutionStarter = (name: string, input: unknown) => Promise<unknown>;

export interface WorkflowRunnerOptions {
  /** The state machine's name, as its ARN and the console show it. */
  stateMachineName: string;
  definition: Definition;
  functionArns: Set<string>;
  invoke: LocalFunctionInvoker;
  sqs: SQSClient;
  taskTokens: TaskTokenService;
  /** Runs a child execution for a `states:startExecution.sync:2` Task. */
  startChildExecution?: ChildExecutionStarter;
  quotas?: ExecutionQuotas;
  /** When set, every Retry waits this long instead of its backoff: tests use it to stay fast. */
  retryDelayMs?: number;
  /**
   * A `lambda:invoke.waitForTaskToken` Task (the approval gate) invoked its function and now waits
   * on `token`; called again without one when its answer came.
   */
  onAwaitingDecision?: (executionName: string, awaiting: { stateName: string; token: string } | undefined) => void;
  /**
   * Whether the state machine's role allows what a Task asks of a service: undefined when it does, else
   * AWS's AccessDenied message. Deployed mode evaluates the template's role; the sources have no roles.
   */
  authorize?: (action: string, resource: string) => string | undefined;
}

/** How Step Functions reports a service integration's AccessDenied: the error named after the SDK's exception, the service's message as cause. */
const INTEGRATION_DENIALS = {
  lambda: { error: 'Lambda.AWSLambdaException', service: 'AWSLambda', status: 403, code: 'AccessDeniedException' },
  sqs: { error: 'SQS.AmazonSQSException', service: 'AmazonSQS', status: 403, code: 'AccessDenied' },
  states: {
    error: 'StepFunctions.AWSStepFunctionsException',
    service: 'AWSStepFunctions',
    status: 400,
    code: 'AccessDeniedException',
  },
} as const;

/** A Task's service call that the state machine's role does not allow. */
class IntegrationAccessDenied extends Error {
  constructor(integration: keyof typeof INTEGRATION_DENIALS, message: string) {
    const { error, service, status, code } = INTEGRATION_DENIALS[integration];
    super(
      `${message} (Service: ${service}; Status Code: ${status}; Error Code: ${code}; Request ID: ${randomUUID()}; Proxy: null)`,
    );
    this.name = error;
  }
}

export type ExecutionOutcome =
  | { status: 'SUCCEEDED'; output: unknown; events: number }
  | { status: 'FAILED' | 'ABORTED'; error: { name: string; cause: string }; events: number };

function replacePlaceholder(value: unknown, token: string): unknown {
  if (value === TASK_TOKEN_PLACEHOLDER) return token;
  if (Array.isArray(value)) return value.map((item) => replacePlaceholder(item, token));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, replacePlaceholder(inner, token)]));
  }
  return value;
}

function failureOf(error: unknown): { name: string; cause: string } {
  const failure = error as Error & { cause?: { name?: string; message?: string } };
  return { name: failure.cause?.name ?? failure.name, cause: failure.cause?.message ?? failure.message };
}

type TaskOverride = (input: unknown) => Promise<unknown>;

/** An event as aws-local-stepfunctions emits it. */
interface EngineEvent {
  type: string;
  timestamp: number;
  state?: { name: string; type?: string; input?: unknown; output?: unknown };
  parentState?: { name: string };
  index?: number;
  input?: unknown;
  output?: unknown;
  Error?: string;
  Cause?: string;
  error?: string;
  cause?: string;
}

function workflowEventOf(event: EngineEvent): WorkflowEvent {
  return {
    type: event.type,
    stateName: event.state?.name,
    timestamp: event.timestamp,
    stateType: event.state?.type,
    index: event.index,
    parentStateName: event.parentState?.name,
    input: event.state ? event.state.input : event.input,
    output: event.state ? event.state.output : event.output,
    error: event.Error ?? event.error,
    cause: event.Cause ?? event.cause,
  };
}

/**
 * Runs a state machine in aws-local-stepfunctions, with every Task mapped to what the
 * deployed stack calls: Lambda Tasks call the handler in-process; the SQS
 * `.waitForTaskToken` Task sends the real message to the local queue and waits for the
 * worker to report on its token; a `startExecution.sync:2` Task runs the child execution.
 * Each execution's history is counted as Step Functions counts it, and an execution that
 * breaks a quota fails as it would in AWS (lambdas' Catch rules cannot catch it).
 */
export class WorkflowRunner {
  private readonly machine: StateMachine;
  private readonly taskNames: string[];
  private readonly tasks: TaskResources;
  readonly quotas: ExecutionQuotas;

  constructor(private readonly options: WorkflowRunnerOptions) {
    this.quotas = options.quotas ?? AWS_EXECUTION_QUOTAS;
    const refused = mapConcurrencyProblems(options.definition, this.quotas);
    if (refused.length > 0) throw new Error(`${options.stateMachineName} is refused:\n${refused.join('\n')}`);
    this.machine = new StateMachine(options.definition as never, {
      validationOptions: { checkPaths: true, checkArn: true },
    });
    this.taskNames = taskStates(options.definition).map(({ name }) => name);
    this.tasks = taskResources(options.definition);
    // Every Task must have a local mapping before anything runs.
    this.overrides(() => undefined, '');
  }

  private overrides(fatal: (error: QuotaExceeded) => void, executionName: string): Record<string, TaskOverride> {
    return Object.fromEntries(
      taskStates(this.options.definition).map(({ name, state }) => [
        name,
        this.overrideFor(name, state, fatal, executionName),
      ]),
    );
  }

  private overrideFor(
    name: string,
    state: StateDefinition,
    fatal: (error: QuotaExceeded) => void,
    executionName: string,
  ): TaskOverride {
    const resource = state.Resource ?? '';
    if (resource === WAIT_FOR_TASK_TOKEN_SQS) {
      return (input) => {
        const message = input as { QueueUrl: string; MessageBody: unknown };
        this.allow('sqs', 'sqs:SendMessage', this.queueArnOf(message.QueueUrl));
        return this.sendAndWait(message, fatal);
      };
    }
    const functionName = (state.Parameters as { FunctionName?: string } | undefined)?.FunctionName;
    if (resource === WAIT_FOR_TASK_TOKEN_LAMBDA && functionName && this.options.functionArns.has(functionName)) {
      return (input) => {
        this.allow('lambda', 'lambda:InvokeFunction', functionName);
        return this.invokeAndWait(functionName, (input as { Payload: unknown }).Payload, executionName, name);
      };
    }
    if (resource === START_CHILD_EXECUTION_SYNC && this.options.startChildExecution) {
      const start = this.options.startChildExecution;
      return (input) => {
        const { StateMachineArn, Name, Input } = input as { StateMachineArn: string; Name: string; Input: unknown };
        // `.sync` starts the child, then follows it through its executions and an EventBridge rule Step Functions manages.
        this.allow('states', 'states:StartExecution', StateMachineArn);
        this.allow(
          'states',
          'states:DescribeExecution',
          `${StateMachineArn.replace(':stateMachine:', ':execution:')}:${Name}`,
        );
        this.allow(
          'states',
          'events:PutRule',
          this.arnIn('events', 'rule/StepFunctionsGetEventsForStepFunctionsExecutionRule'),
        );
        return start(Name, Input);
      };
    }
    if (this.options.functionArns.has(resource)) {
      return (input) => {
        this.allow('lambda', 'lambda:InvokeFunction', resource);
        return this.options.invoke(resource, input);
      };
    }
    throw new Error(`Task "${name}" uses ${resource}, which has no local mapping`);
  }

  /** Throws the integration's AccessDenied when the state machine's role does not allow the action on the resource. */
  private allow(integration: keyof typeof INTEGRATION_DENIALS, action: string, resource: string): void {
    const refusal = this.options.authorize?.(action, resource);
    if (refusal !== undefined) throw new IntegrationAccessDenied(integration, refusal);
  }

  /** An ARN of a service in the state machine's own Region and account. */
  private arnIn(service: string, resource: string): string {
    const [partition, , region, account] = this.stateMachineArn.split(':').slice(1);
    return `arn:${partition}:${service}:${region}:${account}:${resource}`;
  }

  /** A queue URL's path is `/<account>/<queue name>`. */
  private queueArnOf(queueUrl: string): string {
    return this.arnIn('sqs', new URL(queueUrl).pathname.split('/').filter(Boolean).at(-1) ?? '');
  }

  private async sendAndWait(
    input: { QueueUrl: string; MessageBody: unknown },
    fatal: (error: QuotaExceeded) => void,
  ): Promise<unknown> {
    const { token, outcome } = this.options.taskTokens.mint(this.stateMachineArn);
    const body = replacePlaceholder(input.MessageBody, token);
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const tooLarge = messageProblem(text, this.quotas);
    if (tooLarge) {
      fatal(tooLarge);
      throw tooLarge;
    }
    await this.options.sqs.send(new SendMessageCommand({ QueueUrl: input.QueueUrl, MessageBody: text }));
    return outcome;
  }

  /** `lambda:invoke.waitForTaskToken`: the function gets the token in its payload, and the Task waits for SendTaskSuccess/Failure on it. */
  private async invokeAndWait(
    functionArn: string,
    payload: unknown,
    executionName: string,
    stateName: string,
  ): Promise<unknown> {
    const { token, outcome } = this.options.taskTokens.mint(this.stateMachineArn);
    let settled = false;
    const answered = outcome.finally(() => {
      settled = true;
      this.options.onAwaitingDecision?.(executionName, undefined);
    });
    answered.catch(() => undefined);
    try {
      await this.options.invoke(functionArn, replacePlaceholder(payload, token));
    } catch (error) {
      this.options.taskTokens.forget(token);
      throw error;
    }
    // A function that answered its own token at once (a decision taken before) leaves nothing waiting.
    if (!settled) this.options.onAwaitingDecision?.(executionName, { stateName, token });
    return answered;
  }

  get mappedTaskStates(): string[] {
    return this.taskNames;
  }

  get stateMachineName(): string {
    return this.options.stateMachineName;
  }

  get definition(): Definition {
    return this.options.definition;
  }

  get stateMachineArn(): string {
    return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${this.options.stateMachineName}`;
  }

  executionArn(executionName: string): string {
    return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${this.options.stateMachineName}:${executionName}`;
  }

  /**
   * Runs one execution to its end. A name over the quota is refused before it starts
   * (StartExecution's InvalidName); `onEvent` sees every event of the local engine, with the events
   * Step Functions writes to the execution's history for it, which the history quota counts. An abort
   * (StopExecution) ends it ABORTED, with the reason the signal carries.
   */
  async run(
    executionName: string,
    input: unknown,
    onEvent?: (event: WorkflowEvent, history: HistoryEventShape[]) => void,
    signal?: AbortSignal,
  ): Promise<ExecutionOutcome> {
    checkExecutionName(executionName, this.quotas);
    const control: { fatal?: QuotaExceeded; abort?: () => void } = {};
    const fatal = (error: QuotaExceeded) => {
      control.fatal ??= error;
      control.abort?.();
    };
    const overrides = this.overrides(fatal, executionName);
    const retryIntervalOverrides =
      this.options.retryDelayMs === undefined
        ? undefined
        : Object.fromEntries(this.taskNames.map((name) => [name, this.options.retryDelayMs!]));
    const execution = this.machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: overrides as never, retryIntervalOverrides },
      noThrowOnAbort: true,
      context: {
        Execution: {
          Id: this.executionArn(executionName),
          Name: executionName,
          Input: input,
          StartTime: new Date().toISOString(),
        },
        StateMachine: { Id: this.stateMachineArn, Name: this.options.stateMachineName },
        Task: { Token: TASK_TOKEN_PLACEHOLDER },
      } as never,
    });
    control.abort = () => execution.abort();
    const stop = () => execution.abort();
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
    const history = new HistoryCounter(this.options.definition, this.quotas);
    const historyEventsOf = historyTranslation(this.tasks);
    const watching = (async () => {
      for await (const engineEvent of execution.eventLogs as AsyncGenerator<EngineEvent>) {
        const event = workflowEventOf(engineEvent);
        const written = historyEventsOf(event);
        onEvent?.(event, written);
        const problem = history.observe(event, written);
        if (problem) fatal(problem);
      }
    })();
    let ended: { output: unknown } | { error: unknown };
    try {
      ended = { output: await execution.result };
    } catch (error) {
      ended = { error };
    }
    // The events may trail the result: a quota broken on the way fails the execution even if its work ran on.
    await watching;
    signal?.removeEventListener('abort', stop);
    if (signal?.aborted && !control.fatal) {
      const reason = (signal.reason ?? {}) as { error?: string; cause?: string };
      return {
        status: 'ABORTED',
        error: { name: reason.error ?? 'Aborted', cause: reason.cause ?? 'stopped by StopExecution' },
        events: history.events,
      };
    }
    if (control.fatal) return { status: 'FAILED', error: failureOf(control.fatal), events: history.events };
    if ('error' in ended) return { status: 'FAILED', error: failureOf(ended.error), events: history.events };
    return { status: 'SUCCEEDED', output: ended.output, events: history.events };
  }
}
