import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AssetStore } from '../../lambdas/adapters/aws/asset-store.js';
import { ProductionStore } from '../../lambdas/adapters/aws/production-store.js';
import type {
  ExecutionSummary,
  FunctionRunSummary,
} from '../../lambdas/stages/finalize-production/production-report.js';
import type { LocalRuntime } from '../runtime/index.js';
import type { ExecutionState, RuntimeConnection } from './production-client.js';
import type { ProductionStates, RunningStates } from './progress.js';
import type { TaskFailure } from './task-failures.js';

/** The runtime in this process, reached as an object. */
export class InProcessConnection implements RuntimeConnection {
  readonly s3: LocalRuntime['s3'];
  readonly bucket: string;
  readonly assets: AssetStore;
  readonly productions: ProductionStore;

  /** `states` must see the runtime's execution events (its onExecutionEvent). */
  constructor(
    private readonly runtime: LocalRuntime,
    private readonly states: ProductionStates,
  ) {
    this.s3 = runtime.s3;
    this.bucket = runtime.names.bucket;
    this.assets = new AssetStore(runtime.s3, runtime.names.bucket);
    this.productions = new ProductionStore(DynamoDBDocumentClient.from(runtime.dynamo), runtime.names.table);
  }

  async waitForExecution({ name }: { name: string }): Promise<ExecutionState> {
    const record = await this.runtime.waitForExecution(name);
    // PAUSED is the runtime's own word for an execution waiting on its gate's token, which Step Functions shows RUNNING.
    return {
      name,
      status: record.status === 'PAUSED' ? 'RUNNING' : record.status,
      startedAt: new Date(record.startedAt),
      error: record.error,
    };
  }

  async executionsOf({ name }: ExecutionState): Promise<ExecutionSummary[]> {
    return (await this.runtime.executionsOf(name)).map((execution) => ({
      name: execution.name,
      kind: execution.kind,
      status: execution.status,
      events: execution.events ?? 0,
    }));
  }

  functionRuns(): Record<string, FunctionRunSummary> | undefined {
    const runs = this.runtime.functionStatistics;
    return Object.keys(runs).length > 0 ? runs : undefined;
  }

  statesOf(productionExecution: string): RunningStates {
    return this.states.of(productionExecution);
  }

  async taskFailuresOf({ name }: ExecutionState): Promise<TaskFailure[]> {
    return this.states.of(name).failures;
  }
}
