import { STEP_FUNCTIONS_QUOTAS } from '../../lambdas/core/workflow/execution-limits.js';
import type { Definition, StateDefinition } from '../../statemachines/production-definition.js';
import { allStates } from '../../statemachines/production-definition.js';
import type { HistoryEventShape, WorkflowEvent } from './history-events.js';

/**
 * Step Functions Standard's quotas that shape an execution (docs/execution-shape.md), which
 * the local runner enforces so that the local twin fails where AWS fails. Tests may
 * lower them; the defaults are AWS's.
 */
export interface ExecutionQuotas {
  /** Events in one execution's history (hard quota). */
  historyEvents: number;
  /** Bytes of a state's input or output, and of an SQS message. */
  payloadBytes: number;
  /** Concurrent iterations an inline Map honours. */
  inlineMapConcurrency: number;
  /** Characters of an execution name. */
  executionNameLength: number;
}

export const AWS_EXECUTION_QUOTAS: ExecutionQuotas = { ...STEP_FUNCTIONS_QUOTAS };

/**
 * The error an execution fails with when it breaks a quota. States.ALL does not catch
 * these two in AWS, so the local runner ends the execution rather than raising them
 * inside a state.
 */
export const DATA_LIMIT_EXCEEDED = 'States.DataLimitExceeded';
/** Not verifiable without AWS: the service fails the execution at the history quota; this names that failure. */
export const HISTORY_LIMIT_EXCEEDED = 'States.Runtime';

export class QuotaExceeded extends Error {
  override readonly name: string;

  constructor(error: string, message: string) {
    super(message);
    this.name = error;
  }
}

/** The execution name rule of StartExecution: at most 80 characters. */
export function checkExecutionName(name: string, quotas: ExecutionQuotas): void {
  if (name.length > quotas.executionNameLength) {
    throw new QuotaExceeded(
      'InvalidName',
      `execution name "${name}" has ${name.length} characters; Step Functions allows at most ${quotas.executionNameLength}`,
    );
  }
}

/** A definition whose inline Map asks for more concurrency than AWS honours is refused when it is loaded. */
export function mapConcurrencyProblems(definition: Definition, quotas: ExecutionQuotas): string[] {
  return allStates(definition)
    .filter(
      ({ state }) =>
        state.Type === 'Map' &&
        typeof state.MaxConcurrency === 'number' &&
        state.MaxConcurrency > quotas.inlineMapConcurrency,
    )
    .map(
      ({ name, state }) =>
        `${name}: MaxConcurrency ${String(state.MaxConcurrency)} is above the ${quotas.inlineMapConcurrency} an inline Map honours`,
    );
}

/** Reads `$.a.b` from a state's input: the only MaxConcurrencyPath form the workflows use. */
function readPath(input: unknown, jsonPath: string): unknown {
  if (!jsonPath.startsWith('$.')) return undefined;
  return jsonPath
    .slice(2)
    .split('.')
    .reduce<unknown>(
      (value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined),
      input,
    );
}

const byteLength = (value: unknown) => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value), 'utf8'));

/**
 * Counts an execution's history as GetExecutionHistory would list it (the events historyTranslation
 * writes for each local event), and says when the execution breaks a quota.
 */
export class HistoryCounter {
  private count = 0;
  private readonly states: Map<string, StateDefinition>;

  constructor(
    definition: Definition,
    private readonly quotas: ExecutionQuotas,
  ) {
    this.states = new Map(allStates(definition).map(({ name, state }) => [name, state]));
  }

  get events(): number {
    return this.count;
  }

  /** Adds one local event and the history events it wrote; returns the quota it breaks, if any. */
  observe(event: WorkflowEvent, history: readonly HistoryEventShape[]): QuotaExceeded | undefined {
    this.count += history.length;
    if (this.count >= this.quotas.historyEvents) {
      return new QuotaExceeded(
        HISTORY_LIMIT_EXCEEDED,
        `the execution history reached ${this.count} events; Step Functions allows ${this.quotas.historyEvents}`,
      );
    }
    return this.stateProblem(event);
  }

  private stateProblem(event: WorkflowEvent): QuotaExceeded | undefined {
    if (!event.stateName) return undefined;
    const payload =
      event.type === 'StateEntered' ? event.input : event.type === 'StateExited' ? event.output : undefined;
    const bytes = byteLength(payload);
    if (bytes > this.quotas.payloadBytes) {
      const side = event.type === 'StateEntered' ? 'input' : 'output';
      return new QuotaExceeded(
        DATA_LIMIT_EXCEEDED,
        `the ${side} of "${event.stateName}" is ${bytes} bytes; Step Functions allows ${this.quotas.payloadBytes}`,
      );
    }
    const definition = this.states.get(event.stateName);
    if (
      event.type === 'StateEntered' &&
      event.stateType === 'Map' &&
      typeof definition?.MaxConcurrencyPath === 'string'
    ) {
      const concurrency = readPath(event.input, definition.MaxConcurrencyPath);
      if (typeof concurrency === 'number' && concurrency > this.quotas.inlineMapConcurrency) {
        return new QuotaExceeded(
          'States.Runtime',
          `"${event.stateName}" asks for MaxConcurrency ${concurrency}; an inline Map honours at most ${this.quotas.inlineMapConcurrency}`,
        );
      }
    }
    return undefined;
  }
}

/** An SQS message over the quota: SendMessage refuses it, and the Task cannot run. */
export function messageProblem(body: string, quotas: ExecutionQuotas): QuotaExceeded | undefined {
  const bytes = Buffer.byteLength(body, 'utf8');
  return bytes > quotas.payloadBytes
    ? new QuotaExceeded(
        DATA_LIMIT_EXCEEDED,
        `an SQS message of ${bytes} bytes; SQS and Step Functions allow ${quotas.payloadBytes}`,
      )
    : undefined;
}
