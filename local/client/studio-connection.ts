import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AssetStore } from '../../lambdas/adapters/aws/asset-store.js';
import { ProductionStore } from '../../lambdas/adapters/aws/production-store.js';
import type { ExecutionSummary } from '../../lambdas/stages/finalize-production/production-report.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../engines/embedded-engines.js';
import { LOCAL_RESOURCE_NAMES, LOCAL_STATE_MACHINE_NAMES } from '../runtime/index.js';
import type { ExecutionState, RuntimeConnection } from './production-client.js';
import type { RunningStates } from './progress.js';
import { type TaskFailure, taskFailuresInHistory } from './task-failures.js';

/**
 * A studio that owns the data directory, reached through its endpoint as a producer reaches AWS: S3 for
 * the manifest and the deliverables, DynamoDB for progress, and Step Functions' DescribeExecution,
 * ListExecutions and GetExecutionHistory for the executions.
 */
export class StudioConnection implements RuntimeConnection {
  readonly bucket = LOCAL_RESOURCE_NAMES.bucket;
  readonly assets: AssetStore;
  readonly productions: ProductionStore;
  /** The studio runs its own executions: a client sees only which states' machine it is in. */
  private readonly states: RunningStates;

  private constructor(
    endpoint: string,
    readonly s3: S3Client,
    private readonly sfn: SFNClient,
    private readonly dynamo: DynamoDBClient,
    private readonly machines: { production: string; episode: string },
  ) {
    this.assets = new AssetStore(s3, this.bucket);
    this.productions = new ProductionStore(DynamoDBDocumentClient.from(dynamo), LOCAL_RESOURCE_NAMES.table);
    this.states = {
      active: new Map([[`in the studio at ${endpoint}`, 1]]),
      totalMilliseconds: new Map(),
      entries: new Map(),
    };
  }

  static async open(endpoint: string): Promise<StudioConnection> {
    const config = { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    const sfn = new SFNClient(config);
    try {
      const machines = await sfn.send(new ListStateMachinesCommand({}));
      const arnOf = (name: string) => machines.stateMachines?.find((machine) => machine.name === name)?.stateMachineArn;
      const production = arnOf(LOCAL_STATE_MACHINE_NAMES.production);
      const episode = arnOf(LOCAL_STATE_MACHINE_NAMES.episode);
      if (!production || !episode) throw new Error(`${endpoint} is not a dramaforge studio`);
      return new StudioConnection(
        endpoint,
        new S3Client({ ...config, forcePathStyle: true }),
        sfn,
        new DynamoDBClient(config),
        { production, episode },
      );
    } catch (error) {
      sfn.destroy();
      throw error;
    }
  }

  private executionArn(name: string): string {
    return `${this.machines.production.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  async waitForExecution({
    name,
    productionId,
  }: {
    name: string;
    productionId: string | undefined;
  }): Promise<ExecutionState> {
    const executionArn = this.executionArn(name);
    for (;;) {
      // The studio's trigger starts the execution after the upload: until then it does not exist.
      const description = await this.sfn.send(new DescribeExecutionCommand({ executionArn })).catch((error: Error) => {
        if (error.name === 'ExecutionDoesNotExist') return undefined;
        throw error;
      });
      if (description && description.status !== 'RUNNING') return stateOf(description);
      // An execution waiting at its review gate runs on until someone decides: the producer has what they asked for.
      if (
        description &&
        productionId &&
        (await this.productions.findProduction(productionId))?.status === 'AWAITING_APPROVAL'
      )
        return stateOf(description);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  async executionsOf(production: ExecutionState): Promise<ExecutionSummary[]> {
    const summaries: ExecutionSummary[] = [];
    for (const execution of await this.executionsStartedFor(production.name)) {
      summaries.push({ ...execution, events: (await this.history(execution.executionArn)).length });
    }
    return summaries;
  }

  async taskFailuresOf(production: ExecutionState): Promise<TaskFailure[]> {
    const failures: TaskFailure[] = [];
    for (const execution of await this.executionsStartedFor(production.name))
      failures.push(...taskFailuresInHistory(execution.name, await this.history(execution.executionArn)));
    return failures;
  }

  /** The production's execution and the episode executions it started, as ListExecutions lists them. */
  private async executionsStartedFor(
    name: string,
  ): Promise<(Omit<ExecutionSummary, 'events'> & { executionArn: string })[]> {
    const executionArn = this.executionArn(name);
    const production = await this.sfn.send(new DescribeExecutionCommand({ executionArn }));
    const executions: (Omit<ExecutionSummary, 'events'> & { executionArn: string })[] = [
      { name, kind: 'production', status: production.status!, executionArn },
    ];
    let nextToken: string | undefined;
    do {
      const page = await this.sfn.send(
        new ListExecutionsCommand({ stateMachineArn: this.machines.episode, nextToken }),
      );
      for (const episode of page.executions ?? []) {
        const described = await this.sfn.send(new DescribeExecutionCommand({ executionArn: episode.executionArn }));
        // As in AWS, a child execution's input names the execution that started it.
        const startedBy = (
          JSON.parse(described.input ?? '{}') as { AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID?: string }
        ).AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID;
        if (startedBy !== executionArn) continue;
        executions.push({
          name: episode.name!,
          kind: 'episode',
          status: episode.status!,
          executionArn: episode.executionArn!,
        });
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return executions;
  }

  private async history(executionArn: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.sfn.send(
        new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken, includeExecutionData: true }),
      );
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return events;
  }

  /** The studio's functions run in its own process; their runs are the studio's to report. */
  functionRuns(): undefined {
    return undefined;
  }

  statesOf(): RunningStates {
    return this.states;
  }

  close(): void {
    this.s3.destroy();
    this.sfn.destroy();
    this.dynamo.destroy();
  }
}

function stateOf(description: DescribeExecutionCommandOutput): ExecutionState {
  return {
    name: description.name!,
    status: description.status!,
    startedAt: description.startDate ?? new Date(),
    error: description.error ? { name: description.error, cause: description.cause ?? '' } : undefined,
  };
}
