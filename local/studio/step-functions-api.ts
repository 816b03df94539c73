import { randomUUID } from 'node:crypto';
import type { TaskTokenService } from '../engines/task-token-service.js';
import { type ExecutionRecord, isAbandoned, type LocalRuntime } from '../runtime/index.js';
import type { ExecutionHistories } from './execution-history.js';

/** An error as the AWS JSON 1.0 protocol carries it: the SDK reads `__type` and throws an exception of that name. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface ApiAnswer {
  status: number;
  body: unknown;
}

const epochSeconds = (iso: string | undefined) => (iso ? new Date(iso).getTime() / 1000 : undefined);

/**
 * The status Step Functions would answer. An execution waiting on a task token is RUNNING (PAUSED is this
 * runtime's own word for it); a running record whose process is gone is a run that can no longer end: aborted.
 */
function statusOf(record: ExecutionRecord): string {
  if (record.status === 'PAUSED') return 'RUNNING';
  return record.status === 'RUNNING' && isAbandoned(record) ? 'ABORTED' : record.status;
}

interface Page<Item> {
  items: Item[];
  nextToken?: string;
}

function page<Item>(all: Item[], maxResults: unknown, nextToken: unknown, limit = 1000): Page<Item> {
  const size = maxResults === undefined || maxResults === 0 ? limit : Number(maxResults);
  if (!Number.isInteger(size) || size < 0 || size > 1000)
    throw new ApiError('ValidationException', 'maxResults: must be an integer from 0 to 1000');
  const start =
    nextToken === undefined ? 0 : Number.parseInt(Buffer.from(String(nextToken), 'base64url').toString('utf8'), 10);
  if (!Number.isInteger(start) || start < 0 || start > all.length)
    throw new ApiError('InvalidToken', 'nextToken: not a token this endpoint gave');
  const items = all.slice(start, start + size);
  const next = start + size < all.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return { items, nextToken: next };
}

/**
 * The Step Functions API subset the studio serves over the local runtime: StartExecution,
 * DescribeExecution, ListExecutions, ListStateMachines, DescribeStateMachine,
 * GetExecutionHistory (paged, reverseOrder), StopExecution and SendTask{Success,Failure,Heartbeat}.
 */
export class StepFunctionsApi {
  private readonly createdAt = Date.now() / 1000;

  constructor(
    private readonly runtime: LocalRuntime,
    private readonly histories: ExecutionHistories,
    private readonly taskTokens: TaskTokenService,
  ) {}

  /** Answers one request, `operation` being the `X-Amz-Target` after `AWSStepFunctions.`. */
  async handle(operation: string, input: Record<string, unknown>): Promise<ApiAnswer> {
    try {
      return { status: 200, body: await this.dispatch(operation, input) };
    } catch (error) {
      if (error instanceof ApiError)
        return { status: error.status, body: { __type: error.code, message: error.message } };
      throw error;
    }
  }

  private dispatch(operation: string, input: Record<string, unknown>): Promise<unknown> | unknown {
    switch (operation) {
      case 'StartExecution':
        return this.startExecution(input);
      case 'DescribeExecution':
        return this.describeExecution(input);
      case 'ListExecutions':
        return this.listExecutions(input);
      case 'ListStateMachines':
        return this.listStateMachines(input);
      case 'DescribeStateMachine':
        return this.describeStateMachine(input);
      case 'GetExecutionHistory':
        return this.getExecutionHistory(input);
      case 'StopExecution':
        return this.stopExecution(input);
      case 'SendTaskSuccess':
      case 'SendTaskFailure':
      case 'SendTaskHeartbeat': {
        const answer = this.taskTokens.report(operation, input);
        if (answer.status !== 200)
          throw new ApiError((answer.body as { __type: string }).__type, (answer.body as { message: string }).message);
        return answer.body;
      }
      default:
        throw new ApiError('UnknownOperationException', `${operation} is not served by the studio`);
    }
  }

  private machine(arn: unknown) {
    const machine = this.runtime.stateMachines.find((candidate) => candidate.arn === arn);
    if (!machine) throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(arn)}'`);
    return machine;
  }

  private async record(executionArn: unknown): Promise<ExecutionRecord> {
    const arn = String(executionArn ?? '');
    const name = arn.split(':').at(-1) ?? '';
    const record = /^[A-Za-z0-9_-]{1,80}$/.test(name) ? await this.runtime.describeExecution(name) : undefined;
    if (!record || this.runtime.executionArnOf(record) !== arn)
      throw new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return record;
  }

  /**
   * Starts a production execution of a manifest in the bucket. A name that is running with the same
   * input answers as the first start did; a name that succeeded is ExecutionAlreadyExists, as in AWS.
   * A name whose run failed or died starts again and resumes (docs/execution-shape.md, "Where local differs").
   */
  private async startExecution(input: Record<string, unknown>) {
    const machine = this.machine(input.stateMachineArn);
    if (machine.kind !== 'production')
      throw new ApiError('InvalidArn', 'episode executions are started by their production execution');
    let manifest: { bucket?: unknown; key?: unknown };
    try {
      manifest = JSON.parse(String(input.input ?? '{}')) as typeof manifest;
    } catch {
      throw new ApiError('InvalidExecutionInput', 'input: not JSON');
    }
    if (manifest.bucket !== this.runtime.names.bucket || typeof manifest.key !== 'string') {
      throw new ApiError(
        'InvalidExecutionInput',
        `input: expected {"bucket": "${this.runtime.names.bucket}", "key": "manifests/..."}`,
      );
    }
    const name = input.name === undefined ? randomUUID() : String(input.name);
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name))
      throw new ApiError('InvalidName', `name: ${name} is not 1-80 characters of A-Z, a-z, 0-9, - and _`);
    const existing = await this.runtime.describeExecution(name);
    const live = existing && existing.status === 'RUNNING' && !isAbandoned(existing);
    if (existing && (existing.status === 'SUCCEEDED' || (live && existing.manifestKey !== manifest.key))) {
      throw new ApiError(
        'ExecutionAlreadyExists',
        `Execution Already Exists: '${this.runtime.executionArnOf(existing)}'`,
      );
    }
    const record = live ? existing : await this.runtime.startNamedExecution(name, manifest.key);
    return { executionArn: this.runtime.executionArnOf(record), startDate: epochSeconds(record.startedAt) };
  }

  private async describeExecution(input: Record<string, unknown>) {
    const record = await this.record(input.executionArn);
    const started = (await this.histories.of(record.name)).find((event) => event.type === 'ExecutionStarted');
    const startedInput = (started?.executionStartedEventDetails as { input?: string } | undefined)?.input;
    const status = statusOf(record);
    return {
      executionArn: this.runtime.executionArnOf(record),
      stateMachineArn: this.runtime.stateMachines.find(({ kind }) => kind === record.kind)!.arn,
      name: record.name,
      status,
      startDate: epochSeconds(record.startedAt),
      stopDate: epochSeconds(record.endedAt),
      input:
        startedInput ??
        (record.manifestKey
          ? JSON.stringify({ bucket: this.runtime.names.bucket, key: record.manifestKey })
          : undefined),
      output: record.status === 'SUCCEEDED' ? JSON.stringify(record.output ?? null) : undefined,
      error: record.error?.name,
      cause: record.error?.cause,
    };
  }

  private async listExecutions(input: Record<string, unknown>) {
    const machine = this.machine(input.stateMachineArn);
    const all = (await this.runtime.listExecutions())
      .filter((record) => record.kind === machine.kind)
      .filter((record) => input.statusFilter === undefined || statusOf(record) === input.statusFilter)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || a.name.localeCompare(b.name));
    const { items, nextToken } = page(all, input.maxResults, input.nextToken, 100);
    return {
      executions: items.map((record) => ({
        executionArn: this.runtime.executionArnOf(record),
        stateMachineArn: machine.arn,
        name: record.name,
        status: statusOf(record),
        startDate: epochSeconds(record.startedAt),
        stopDate: epochSeconds(record.endedAt),
      })),
      nextToken,
    };
  }

  private listStateMachines(input: Record<string, unknown>) {
    const { items, nextToken } = page(this.runtime.stateMachines, input.maxResults, input.nextToken);
    return {
      stateMachines: items.map(({ arn, name }) => ({
        stateMachineArn: arn,
        name,
        type: 'STANDARD',
        creationDate: this.createdAt,
      })),
      nextToken,
    };
  }

  private describeStateMachine(input: Record<string, unknown>) {
    const machine = this.machine(input.stateMachineArn);
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: JSON.stringify(machine.definition, null, 2),
      roleArn: 'arn:aws:iam::000000000000:role/dramaforge-local',
      type: 'STANDARD',
      creationDate: this.createdAt,
    };
  }

  private async getExecutionHistory(input: Record<string, unknown>) {
    const record = await this.record(input.executionArn);
    const events = await this.histories.of(record.name);
    const ordered = input.reverseOrder === true ? [...events].reverse() : events;
    const { items, nextToken } = page(ordered, input.maxResults, input.nextToken, 100);
    const withData = input.includeExecutionData !== false;
    return { events: withData ? items : items.map(withoutData), nextToken };
  }

  private async stopExecution(input: Record<string, unknown>) {
    const record = await this.record(input.executionArn);
    const stopped = await this.runtime.stopExecution(record.name, {
      error: input.error as string | undefined,
      cause: input.cause as string | undefined,
    });
    if (!stopped && statusOf(record) === 'RUNNING')
      throw new ApiError('ExecutionDoesNotExist', `${record.name} runs in another process`);
    return { stopDate: Date.now() / 1000 };
  }
}

/** includeExecutionData false: the events without their inputs, outputs and causes. */
function withoutData(event: Record<string, unknown>) {
  return Object.fromEntries(
    Object.entries(event).map(([key, value]) => {
      if (!key.endsWith('EventDetails') || !value || typeof value !== 'object') return [key, value];
      const {
        input: _input,
        output: _output,
        cause: _cause,
        parameters: _parameters,
        ...rest
      } = value as Record<string, unknown>;
      return [key, rest];
    }),
  );
}
