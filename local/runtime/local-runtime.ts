import './polyfills.js';
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { QUEUE_SUBSTITUTION, STAGE_FUNCTIONS, VIDEO_WORKER_FUNCTION } from '../../lambdas/catalog.js';
import { EVERY_OFFLINE_PORT } from '../../lambdas/composition/offline-ports/every-offline-port.js';
import type { StageCompositionOptions } from '../../lambdas/composition/stage-deps-from-env.js';
import { stageDepsWithProviders } from '../../lambdas/composition/stage-deps-with-providers.js';
import type { ProviderPort } from '../../lambdas/core/contracts/bound-providers.js';
import { STAGE_VARIABLES, workflowSettingsVariables } from '../../lambdas/core/contracts/environment.js';
import { assetKeys } from '../../lambdas/core/contracts/keys.js';
import { executionNameFor } from '../../lambdas/core/workflow/execution-name.js';
import type { LambdaHandler } from '../../lambdas/pipeline/stage-descriptor.js';
import { ProviderShares } from '../../lambdas/pipeline/weighted-slots.js';
import {
  DEFINITION_FILE,
  type Definition,
  EPISODE_DEFINITION_FILE,
  EPISODE_STATE_MACHINE_SUBSTITUTION,
} from '../../statemachines/production-definition.js';
import {
  LOCAL_ACCOUNT,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalEngines,
  type S3Event,
  startEngines,
} from '../engines/embedded-engines.js';
import { ensureTable, ensureVideoQueues, type VideoQueues } from '../engines/resources.js';
import type { TaskTokenService } from '../engines/task-token-service.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { withEveryClient } from './every-client.js';
import { AWS_EXECUTION_QUOTAS, type ExecutionQuotas } from './execution-quotas.js';
import { type ExecutionRecord, ExecutionRegistry, isAbandoned } from './execution-registry.js';
import type { HistoryEventShape, WorkflowEvent } from './history-events.js';
import { Authorizer, accessDeniedError, type DeniedService } from './iam/authorizer.js';
import { RoleGateway } from './iam/role-gateway.js';
import { lambdaContext, localFunctionArn } from './lambda-context.js';
import { QueueEventSource } from './queue-event-source.js';
import { readAssemblyStack } from './sandbox/cloud-assembly.js';
import { deployedStack } from './sandbox/deployed-stack.js';
import { FunctionSandboxes } from './sandbox/function-sandboxes.js';
import { ensureRuntimeInterfaceClient } from './sandbox/runtime-interface-client-build.js';
import { SlotBroker } from './sandbox/slot-broker.js';
import {
  type ProviderDecoratorModule,
  type SourceFunction,
  SourceWorkerPool,
  stageHandlerModule,
} from './sandbox/source-worker-pool.js';
import {
  DEFAULT_LOCAL_SETTINGS,
  handlerWorkersFrom,
  LOCAL_RESOURCE_NAMES,
  LOCAL_STATE_MACHINE_NAMES,
  type LocalSettings,
} from './settings.js';
import { type ExecutionOutcome, loadDefinition, WorkflowRunner } from './workflow-runner.js';

/** One event of an execution this runtime runs, and what Step Functions writes to its history for it. */
export interface ExecutionEvent extends WorkflowEvent {
  executionName: string;
  /** The production execution this event belongs to: the execution itself, or the one that started this episode's. */
  productionExecution: string;
  /** The history events this event writes, as GetExecutionHistory lists them and the history quota counts them. */
  history: HistoryEventShape[];
}

/** A state machine of the runtime, as DescribeStateMachine shows it. */
export interface StateMachine {
  kind: ExecutionRecord['kind'];
  name: string;
  arn: string;
  definition: Definition;
}

/** An object put under `manifests/`, as the bucket's ObjectCreated event names it. */
export interface ManifestUpload {
  bucket: string;
  key: string;
  etag: string;
}

export interface LocalRuntimeOptions {
  dataDir: string;
  /** The command that owns the data directory while this runtime runs, as the lock file names it. */
  command?: string;
  settings?: Partial<LocalSettings>;
  /** Every Retry waits this long instead of its backoff (tests). */
  retryDelayMs?: number;
  /** Extra environment for the handlers, e.g. fault injection. */
  environment?: Record<string, string>;
  onExecutionEvent?: (event: ExecutionEvent) => void;
  onError?: (error: unknown) => void;
  /** Step Functions' quotas the local runner enforces; AWS's unless a test lowers them. */
  quotas?: Partial<ExecutionQuotas>;
  /**
   * Wraps each manifest's providers in every stage (the benchmarks' simulated providers). A function cannot be
   * sent to a worker process, so with it the handlers run in this process.
   */
  decorateProviders?: StageCompositionOptions<ProviderPort>['decorateProviders'];
  /** The same, as a module's export each worker process imports: the handlers keep running in the workers. */
  providerDecorator?: ProviderDecoratorModule;
  /**
   * What a manifest upload does instead of starting its execution here directly: the studio hands it
   * to the deployed trigger's code, which calls StartExecution on the studio's endpoint as in AWS.
   */
  onManifestUploaded?: (upload: ManifestUpload) => Promise<unknown>;
  /**
   * Runs every function from this cloud assembly's stack as Lambda runs it (local/runtime/sandbox/), with the
   * template's state machine definitions, substitutions and event source mapping, instead of the handlers
   * from the sources in this process. `environment` and `decorateProviders` do not reach them: a deployed
   * function has only what its template gives it.
   */
  deployed?: {
    cdkOut: string;
    stackName: string;
    onFunctionLog?: (functionName: string, chunk: string) => void;
    onProgress?: (line: string) => void;
    /** Put into the stack's provider secret before anything runs, as a user puts their keys before a production (JSON `{"apiKey","baseUrl"}`). */
    providerSecret?: string;
  };
}

/** Lambda refuses an event source mapping whose function's role cannot read the queue, as CreateEventSourceMapping does. */
export class EventSourceMappingInvalid extends Error {
  override readonly name = 'InvalidParameterValueException';
}

/** Provider slots were asked to be shared by one process, but the handlers run in many. */
export class ProviderSlotsNotShareable extends Error {
  static readonly errorName = 'ProviderSlotsNotShareable';
  override readonly name = ProviderSlotsNotShareable.errorName;
}

/** Where the functions of one runtime come from, and the workflow and event source wiring they deploy with. */
interface FunctionWiring {
  substitutions: { production: Record<string, string>; episode: Record<string, string> };
  definitionFiles: { production: string; episode: string };
  videoWorker: { arn: string; batchSize: number; maxConcurrency: number };
}

/**
 * The whole AWS side of dramaforge in one process: engines, table, bucket, queues,
 * the production state machine from its ASL file, the video queue's event source,
 * and the bucket trigger that starts an execution for each manifest upload.
 */
export class LocalRuntime {
  readonly names = LOCAL_RESOURCE_NAMES;
  private readonly settings: LocalSettings;
  private readonly executions: ExecutionRegistry;
  readonly s3: S3Client;
  readonly dynamo: DynamoDBClient;
  readonly sqs: SQSClient;
  private readonly running = new Map<string, Promise<ExecutionRecord>>();
  /** The trigger's decision for each execution name an upload produced in this process. */
  private readonly triggered = new Map<string, Promise<ExecutionRecord>>();
  private workflow!: WorkflowRunner;
  private episodes!: WorkflowRunner;
  private readonly runningEpisodes = new Map<string, Promise<ExecutionRecord>>();
  /** How StopExecution reaches each execution running in this process. */
  private readonly stoppers = new Map<string, AbortController>();
  /** Executions of this runtime waiting at the approval gate, and who waits for one to get there. */
  private readonly paused = new Map<string, ExecutionRecord>();
  private readonly pauseWaiters = new Map<string, ((record: ExecutionRecord) => void)[]>();
  private readonly current = new Map<string, ExecutionRecord>();
  private videoSource!: QueueEventSource;
  /** Set by `settle`: what every invocation asked for after it waits on, for good. */
  private settling?: Promise<never>;
  private readonly invocations = new Set<Promise<unknown>>();
  private sandboxes?: FunctionSandboxes;
  /** In source mode, the worker processes the handlers run in (unless they run in this one). */
  private workers?: SourceWorkerPool;
  /** In deployed mode, the template's roles and resource policies, and the endpoint that enforces them on the functions. */
  private authorizer?: Authorizer;
  private gateway?: RoleGateway;
  /** The front (a studio's edge) deployed functions send their AWS requests to, once one is announced. */
  private front?: string;
  private manifestTriggerFunction?: string;
  /** In deployed mode, the stack's provider secret, as its functions name it. */
  providerSecretArn?: string;
  private readonly handlers = new Map<string, { handler: LambdaHandler; name: string; timeoutSeconds: number }>();
  private readonly reportError: (error: unknown) => void;
  private queues!: VideoQueues;

  private constructor(
    private readonly engines: LocalEngines,
    private readonly options: LocalRuntimeOptions,
    private readonly lock: DataDirLock,
  ) {
    this.settings = { ...DEFAULT_LOCAL_SETTINGS, handlerWorkers: handlerWorkersFrom(process.env), ...options.settings };
    // A failure off the execution's path (a worker invocation, the trigger, saving dead letters) must still be seen.
    this.reportError =
      options.onError ??
      ((error) =>
        process.stderr.write(
          `dramaforge local runtime: ${(error as Error).name}: ${(error as Error).message ?? String(error)}\n`,
        ));
    this.executions = ExecutionRegistry.of(options.dataDir);
    const clientConfig = { region: engines.environment.AWS_REGION, credentials: LOCAL_CREDENTIALS };
    this.s3 = new S3Client({ ...clientConfig, endpoint: engines.endpoints.s3, forcePathStyle: true });
    this.dynamo = new DynamoDBClient({ ...clientConfig, endpoint: engines.endpoints.dynamodb });
    this.sqs = new SQSClient({ ...clientConfig, endpoint: engines.endpoints.sqs });
  }

  /** Refused with DataDirectoryInUse, before any engine opens, while another live process owns the data directory. */
  static async start(options: LocalRuntimeOptions): Promise<LocalRuntime> {
    const lock = acquireDataDirLock(options.dataDir, options.command ?? 'dramaforge');
    let engines: LocalEngines | undefined;
    try {
      engines = await startEngines(options.dataDir, [LOCAL_RESOURCE_NAMES.bucket]);
      const runtime = new LocalRuntime(engines, options, lock);
      await runtime.bootstrap();
      return runtime;
    } catch (error) {
      await engines?.stop();
      lock.release();
      throw error;
    }
  }

  private async bootstrap(): Promise<void> {
    await ensureTable(this.dynamo, this.names.table);
    this.queues = await ensureVideoQueues(this.sqs, this.names, {
      visibilityTimeoutSeconds: this.settings.videoVisibilityTimeoutSeconds,
      maxReceiveCount: this.settings.videoMaxReceiveCount,
    });
    const queueArn = this.videoQueueArn;

    // SDK clients find the engines through the standard AWS_ENDPOINT_URL_* variables, which they read from the
    // process; a handler module evaluated here also builds its Lambda default from it, so set them first.
    // A runtime started earlier in this process may have set slots this one does not want.
    delete process.env[STAGE_VARIABLES.providerSlots];
    delete process.env[STAGE_VARIABLES.providerSlotsSharedBy];
    Object.assign(process.env, this.engines.environment, {
      [STAGE_VARIABLES.tableName]: this.names.table,
      [STAGE_VARIABLES.bucketName]: this.names.bucket,
      ...workflowSettingsVariables({
        sceneMaxConcurrency: this.settings.sceneMaxConcurrency,
        episodeMaxConcurrency: this.settings.episodeMaxConcurrency,
        keyframeMaxAttempts: this.settings.keyframeMaxAttempts,
        videoQueueUrl: this.queues.queueUrl,
        videoMaxReceiveCount: this.settings.videoMaxReceiveCount,
      }),
      ...(this.settings.providerSlots
        ? {
            [STAGE_VARIABLES.providerSlots]: JSON.stringify(this.settings.providerSlots),
            [STAGE_VARIABLES.providerSlotsSharedBy]: this.providerSlotsSharedBy(),
          }
        : {}),
      POWERTOOLS_SERVICE_NAME: 'dramaforge',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR',
      POWERTOOLS_METRICS_NAMESPACE: 'dramaforge',
      ...this.options.environment,
    });
    const wiring = this.options.deployed
      ? await this.deployedFunctions(this.options.deployed)
      : await this.sourceFunctions();
    const workflowFunctionArns = new Set(
      [...Object.values(wiring.substitutions.production), ...Object.values(wiring.substitutions.episode)].filter(
        (value) => this.handlers.has(value),
      ),
    );

    const runnerOptions = {
      functionArns: workflowFunctionArns,
      invoke: (arn: string, event: unknown) => this.invoke(arn, event),
      sqs: this.sqs,
      taskTokens: this.engines.taskTokens,
      quotas: { ...AWS_EXECUTION_QUOTAS, ...this.options.quotas },
      retryDelayMs: this.options.retryDelayMs,
      onAwaitingDecision: (name: string, awaiting: { stateName: string; token: string } | undefined) => {
        this.markAwaiting(name, awaiting).catch((error: unknown) => this.reportError(error));
      },
    };
    this.episodes = new WorkflowRunner({
      ...runnerOptions,
      authorize: this.roleOfStateMachine(this.stateMachineArnOf(LOCAL_STATE_MACHINE_NAMES.episode)),
      stateMachineName: LOCAL_STATE_MACHINE_NAMES.episode,
      definition: await loadDefinition(wiring.definitionFiles.episode, wiring.substitutions.episode),
    });
    this.workflow = new WorkflowRunner({
      ...runnerOptions,
      authorize: this.roleOfStateMachine(this.stateMachineArnOf(LOCAL_STATE_MACHINE_NAMES.production)),
      stateMachineName: LOCAL_STATE_MACHINE_NAMES.production,
      definition: await loadDefinition(wiring.definitionFiles.production, wiring.substitutions.production),
      startChildExecution: (name, input) => this.runEpisode(name, input),
    });

    const worker = this.handlers.get(wiring.videoWorker.arn)!;
    this.videoSource = new QueueEventSource({
      sqs: this.sqs,
      queueUrl: this.queues.queueUrl,
      queueArn,
      handler: worker.handler as (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>,
      context: () => lambdaContext(worker.name, worker.timeoutSeconds),
      batchSize: wiring.videoWorker.batchSize,
      maxConcurrency: wiring.videoWorker.maxConcurrency,
      onError: this.reportError,
    });
    this.videoSource.start();

    this.engines.s3.on('event', (event: S3Event) => {
      for (const record of event.Records) {
        const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
        if (
          !record.eventName.startsWith('ObjectCreated') ||
          !key.startsWith(assetKeys.manifestsPrefix) ||
          key.endsWith('.errors.json')
        )
          continue;
        const upload = { bucket: record.s3.bucket.name, key, etag: record.s3.object.eTag };
        const started = this.options.onManifestUploaded
          ? this.options.onManifestUploaded(upload)
          : this.startExecution(key, upload.etag);
        started.catch((error: unknown) => this.reportError(error));
      }
    });
  }

  /**
   * The handlers from the sources, wired as the catalog says the stack wires them: in worker processes as many
   * as the machine has cores (source-worker-pool.ts), so handlers run on every core while the interpreter and
   * the engines stay here; or, when `decorateProviders` is given, in this process, since a function cannot be
   * handed to another process.
   */
  private async sourceFunctions(): Promise<FunctionWiring> {
    const substitutions: Record<string, string> = { [QUEUE_SUBSTITUTION]: this.queues.queueUrl };
    const functions: SourceFunction[] = STAGE_FUNCTIONS.map((spec) => ({
      handlerModule: stageHandlerModule(spec.name),
      handlerExport: 'handler',
      functionName: `dramaforge-${spec.name}`,
      functionArn: localFunctionArn(`dramaforge-${spec.name}`),
      timeoutSeconds: spec.timeoutSeconds,
      memoryMb: spec.memoryMb,
    }));
    if (this.handlersInProcess) {
      // One set of dependencies per runtime, built as a cold start builds them: a runtime started again in the
      // same process has new engine endpoints, and its handlers must not reuse the last one's clients.
      const deps = withEveryClient(
        stageDepsWithProviders(EVERY_OFFLINE_PORT, process.env, { decorateProviders: this.options.decorateProviders }),
      );
      for (const spec of STAGE_FUNCTIONS) {
        const module = await spec.load();
        this.handlers.set(localFunctionArn(`dramaforge-${spec.name}`), {
          handler: module.createHandler(deps),
          name: `dramaforge-${spec.name}`,
          timeoutSeconds: spec.timeoutSeconds,
        });
      }
    } else {
      // A worker's environment is this process's as bootstrap and the caller set it, read when the worker starts.
      const limits = this.settings.providerSlots;
      const workers = new SourceWorkerPool(functions, {
        size: this.settings.handlerWorkers,
        providerDecorator: this.options.providerDecorator,
        ...(limits &&
          this.providerSlotsSharedBy() === 'process' && { slotBroker: new SlotBroker(new ProviderShares(limits)) }),
        environment: () => ({ ...process.env }),
        log: (chunk) => process.stderr.write(chunk),
      });
      this.workers = workers;
      for (const { functionName, functionArn, timeoutSeconds } of functions) {
        const handler = ((event: unknown) => workers.invoke(functionName, event)) as LambdaHandler;
        this.handlers.set(functionArn, { handler, name: functionName, timeoutSeconds });
      }
    }
    for (const spec of STAGE_FUNCTIONS)
      if (spec.substitution) substitutions[spec.substitution] = localFunctionArn(`dramaforge-${spec.name}`);
    return {
      substitutions: {
        production: {
          ...substitutions,
          [EPISODE_STATE_MACHINE_SUBSTITUTION]: this.stateMachineArnOf(LOCAL_STATE_MACHINE_NAMES.episode),
        },
        episode: substitutions,
      },
      definitionFiles: { production: DEFINITION_FILE, episode: EPISODE_DEFINITION_FILE },
      videoWorker: {
        arn: localFunctionArn(`dramaforge-${VIDEO_WORKER_FUNCTION.name}`),
        batchSize: this.settings.videoBatchSize,
        maxConcurrency: this.settings.videoWorkerMaxConcurrency,
      },
    };
  }

  /**
   * The handlers run in this process unless `handlerWorkers` asks for workers (the CLI asks for one per core:
   * docs/twin.md, Source mode), and always when a function wraps their providers, since it cannot reach a worker.
   */
  private get handlersInProcess(): boolean {
    return (
      !this.options.deployed &&
      (this.options.decorateProviders !== undefined || !((this.settings.handlerWorkers ?? 0) > 0))
    );
  }

  /**
   * The provider slots are shared out by this process by default, exactly: to the handlers in it, or to its
   * source-mode workers over their channels (sandbox/slot-broker.ts). Deployed functions run their bundles,
   * which share them through the production table (lambdas/adapters/aws/table-slots.ts) as they do in AWS.
   */
  private providerSlotsSharedBy(): 'process' | 'table' {
    const chosen = this.settings.providerSlotsSharedBy;
    if (!this.options.deployed) return chosen ?? 'process';
    if (chosen === 'process')
      throw new ProviderSlotsNotShareable(
        'providerSlotsSharedBy "process" needs the handlers from the sources: deployed functions run their bundles, which share the slots through the table',
      );
    return 'table';
  }

  /** Every function from the cloud assembly, each in its sandbox, wired as the template wires them. */
  private async deployedFunctions(deployed: NonNullable<LocalRuntimeOptions['deployed']>): Promise<FunctionWiring> {
    const stack = deployedStack(readAssemblyStack(deployed.cdkOut, deployed.stackName), {
      region: LOCAL_REGION,
      account: LOCAL_ACCOUNT,
      bucket: this.names.bucket,
      table: this.names.table,
      videoQueue: { url: this.queues.queueUrl, arn: this.videoQueueArn, name: this.names.videoQueue },
      videoDeadLetterQueue: {
        url: this.queues.deadLetterQueueUrl,
        arn: this.queues.deadLetterQueueArn,
        name: this.names.videoDeadLetterQueue,
      },
      productionStateMachine: {
        arn: this.stateMachineArnOf(LOCAL_STATE_MACHINE_NAMES.production),
        name: LOCAL_STATE_MACHINE_NAMES.production,
      },
      episodeStateMachine: {
        arn: this.stateMachineArnOf(LOCAL_STATE_MACHINE_NAMES.episode),
        name: LOCAL_STATE_MACHINE_NAMES.episode,
      },
      functionName: (logicalId) => `${deployed.stackName}-${logicalId}`,
      functionArn: localFunctionArn,
      roleName: (logicalId) => `${deployed.stackName}-${logicalId}`,
    });
    const nodeMajors = new Set(stack.functions.map((definition) => definition.nodeMajor));
    for (const major of nodeMajors)
      await ensureRuntimeInterfaceClient(major, (chunk) => deployed.onProgress?.(chunk.trimEnd()));
    const authorizer = new Authorizer(stack.permissions);
    this.authorizer = authorizer;
    this.allowEventSourceMapping(authorizer, stack.videoWorker.functionName);
    const { endpoints, taskTokens, secrets } = this.engines;
    const gateway = new RoleGateway({
      authorizer,
      locator: {
        partition: stack.permissions.partition,
        region: LOCAL_REGION,
        account: LOCAL_ACCOUNT,
        stateMachineOfTaskToken: (token) => taskTokens.issuerOf(token),
        secretArn: (secretId) => (secretId.startsWith('arn:') ? secretId : secrets.arnOf(secretId)),
      },
      keyPair: LOCAL_CREDENTIALS,
      // Behind a studio, a function reaches AWS as a client does: the one endpoint, routed by service.
      upstream: (service) => this.front ?? endpoints[service],
      onError: this.reportError,
    });
    this.gateway = gateway;
    const gatewayEndpoint = await gateway.listen();
    this.sandboxes = new FunctionSandboxes(stack.functions, {
      region: LOCAL_REGION,
      functionArn: (definition) => localFunctionArn(definition.functionName),
      credentials: (definition) => gateway.credentialsFor(definition.functionName),
      endpoints: () => ({ AWS_ENDPOINT_URL: gatewayEndpoint }),
      log: deployed.onFunctionLog,
    });
    this.manifestTriggerFunction = stack.manifestTrigger.functionName;
    this.providerSecretArn = stack.providerSecretArn;
    if (deployed.providerSecret) this.engines.secrets.put(stack.providerSecretArn, deployed.providerSecret);
    const sandboxes = this.sandboxes;
    for (const definition of stack.functions) {
      const handler = ((event: unknown) => sandboxes.invoke(definition.functionName, event)) as LambdaHandler;
      this.handlers.set(localFunctionArn(definition.functionName), {
        handler,
        name: definition.functionName,
        timeoutSeconds: definition.timeoutSeconds,
      });
    }
    return {
      substitutions: { production: stack.production.substitutions, episode: stack.episode.substitutions },
      definitionFiles: { production: stack.production.definitionFile, episode: stack.episode.definitionFile },
      videoWorker: {
        arn: localFunctionArn(stack.videoWorker.functionName),
        batchSize: stack.videoWorker.batchSize,
        // Without a MaximumConcurrency, Lambda scales the pollers up; here, as many as the settings allow.
        maxConcurrency: stack.videoWorker.maxConcurrency ?? this.settings.videoWorkerMaxConcurrency,
      },
    };
  }

  /** What a state machine's role allows its Tasks, in deployed mode; nothing is checked from the sources. */
  private roleOfStateMachine(
    stateMachineArn: string,
  ): ((action: string, resource: string) => string | undefined) | undefined {
    const authorizer = this.authorizer;
    if (!authorizer) return undefined;
    return (action, resource) => {
      const decision = authorizer.authorize({
        principal: { stateMachine: stateMachineArn },
        action,
        resource,
        context: { 'aws:SecureTransport': 'true' },
      });
      return decision.allowed
        ? undefined
        : accessDeniedError(action.split(':')[0] as DeniedService, decision.denial).message;
    };
  }

  /**
   * Lambda polls a queue for its event source mapping with the function's role, and refuses to create
   * the mapping (so CloudFormation fails the deploy) when the role cannot receive, delete and read the
   * queue's attributes.
   */
  private allowEventSourceMapping(authorizer: Authorizer, functionName: string): void {
    for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes']) {
      const decision = authorizer.authorize({
        principal: { function: functionName },
        action,
        resource: this.videoQueueArn,
        context: { 'aws:SecureTransport': 'true' },
      });
      if (!decision.allowed) {
        throw new EventSourceMappingInvalid(
          `The provided execution role does not have permissions to call ${action.slice('sqs:'.length)} on SQS (function ${functionName}, queue ${this.videoQueueArn}: ${decision.reason})`,
        );
      }
    }
  }

  /** Cold starts and invocations of each deployed function, for report.json; none in source mode. */
  get functionStatistics(): Record<string, { invocations: number; coldStarts: number }> {
    const sandboxes = this.sandboxes;
    if (!sandboxes) return {};
    return Object.fromEntries(
      [...this.handlers.values()].map(({ name }) => {
        const { invocations, coldStarts } = sandboxes.statistics(name);
        return [name, { invocations, coldStarts }];
      }),
    );
  }

  private stateMachineArnOf(name: string): string {
    return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
  }

  /** The production and episode state machines, as ListStateMachines shows them. */
  get stateMachines(): StateMachine[] {
    const view = (kind: StateMachine['kind'], runner: WorkflowRunner): StateMachine => ({
      kind,
      name: runner.stateMachineName,
      arn: runner.stateMachineArn,
      definition: runner.definition,
    });
    return [view('production', this.workflow), view('episode', this.episodes)];
  }

  /** Where the engines listen, for a front that serves them on one endpoint (the studio's edge). */
  get endpoints(): LocalEngines['endpoints'] {
    return this.engines.endpoints;
  }

  /** The Step Functions callback API (SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat) the waiting Tasks listen on. */
  get taskTokens(): TaskTokenService {
    return this.engines.taskTokens;
  }

  /** The video queue and its dead-letter queue. */
  get queueUrls(): Readonly<VideoQueues> {
    return this.queues;
  }

  /** Writes a front's endpoint into the data directory's lock, so a `produce` there becomes its client. */
  announceEndpoint(endpoint: string): void {
    this.lock.update({ endpoint });
    this.front = endpoint;
  }

  /**
   * In deployed mode, what an upload under manifests/ does in AWS: EventBridge's Object Created event
   * to the function the stack's rule targets, in its sandbox. Undefined from the sources.
   */
  get deployedManifestTrigger(): ((upload: ManifestUpload) => Promise<unknown>) | undefined {
    const sandboxes = this.sandboxes;
    const functionName = this.manifestTriggerFunction;
    if (!sandboxes || !functionName) return undefined;
    return (upload) =>
      sandboxes.invoke(functionName, {
        version: '0',
        id: randomUUID(),
        'detail-type': 'Object Created',
        source: 'aws.s3',
        account: LOCAL_ACCOUNT,
        time: new Date().toISOString(),
        region: LOCAL_REGION,
        resources: [`arn:aws:s3:::${upload.bucket}`],
        detail: {
          version: '0',
          bucket: { name: upload.bucket },
          object: { key: upload.key, etag: upload.etag },
          reason: 'PutObject',
        },
      });
  }

  /** Every execution recorded in the data directory, of this process or an earlier one. */
  listExecutions(): Promise<ExecutionRecord[]> {
    return this.executions.list();
  }

  describeExecution(name: string): Promise<ExecutionRecord | undefined> {
    return this.executions.read(name);
  }

  executionArnOf(record: Pick<ExecutionRecord, 'kind' | 'name'>): string {
    return (record.kind === 'production' ? this.workflow : this.episodes).executionArn(record.name);
  }

  /**
   * StopExecution: aborts a running execution and the episode executions it started, which end
   * ABORTED. Undefined when no execution of that name runs in this process.
   */
  async stopExecution(
    name: string,
    reason: { error?: string; cause?: string } = {},
  ): Promise<ExecutionRecord | undefined> {
    const stopper = this.stoppers.get(name);
    if (!stopper) return undefined;
    const running = this.running.get(name) ?? this.runningEpisodes.get(name);
    for (const child of await this.executions.list()) {
      if (child.parent === name) this.stoppers.get(child.name)?.abort(reason);
    }
    stopper.abort(reason);
    return running;
  }

  /** Calls one function's handler as Lambda would, by catalog name (tests, `rerender`). */
  async invokeFunction(name: string, event: unknown): Promise<unknown> {
    return this.invoke(localFunctionArn(`dramaforge-${name}`), event);
  }

  private async invoke(arn: string, event: unknown): Promise<unknown> {
    if (this.settling) return this.settling;
    const target = this.handlers.get(arn);
    if (!target) throw new Error(`no local function ${arn}`);
    const invocation = Promise.resolve(target.handler(event, lambdaContext(target.name, target.timeoutSeconds)));
    this.invocations.add(invocation);
    const forget = () => this.invocations.delete(invocation);
    invocation.then(forget, forget);
    return invocation;
  }

  /**
   * Ctrl-C: every function invocation and video job under way finishes, so what it bought is on the
   * ledger and its result cached, and no new one starts; the executions wait at their next Task.
   * Their records stay RUNNING under this process, so once it has exited the next start of the same
   * manifest finds them cut off and resumes them from the cache, buying nothing twice.
   */
  async settle(): Promise<void> {
    this.settling ??= new Promise<never>(() => undefined);
    await this.videoSource.stop();
    while (this.invocations.size > 0) await Promise.allSettled([...this.invocations]);
  }

  /** Function invocations and video jobs still under way. */
  get callsUnderWay(): number {
    return this.invocations.size + this.videoSource.busy;
  }

  private get videoQueueArn(): string {
    return `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${this.names.videoQueue}`;
  }

  /** No video job is being processed right now. */
  idle(): boolean {
    return this.videoSource.busy === 0;
  }

  /** The Task states of both machines, as progress names them. */
  get taskStateNames(): string[] {
    return [...this.workflow.mappedTaskStates, ...this.episodes.mappedTaskStates];
  }

  /**
   * Starts the execution for an uploaded manifest, named from its content hash. The
   * same bytes again are a no-op while that execution runs or after it succeeded; an
   * execution that failed, or whose process died, is started again and resumes from
   * the cached results of the first.
   */
  private async startExecution(key: string, etag: string): Promise<ExecutionRecord> {
    return this.startNamedExecution(executionNameFor(key, etag), key);
  }

  /** StartExecution with an explicit name, as `rerender` does; the same name rules apply. */
  startNamedExecution(name: string, key: string): Promise<ExecutionRecord> {
    const decision = this.decideAndStart(name, key);
    this.triggered.set(name, decision);
    return decision;
  }

  private async decideAndStart(name: string, key: string): Promise<ExecutionRecord> {
    const active = this.running.get(name);
    if (active) return active;
    const existing = await this.executions.read(name);
    if (existing && (existing.status === 'SUCCEEDED' || (existing.status === 'RUNNING' && !isAbandoned(existing))))
      return existing;

    const record: ExecutionRecord = {
      name,
      kind: 'production',
      manifestKey: key,
      status: 'RUNNING',
      pid: process.pid,
      startedAt: new Date().toISOString(),
    };
    await this.executions.write(record);
    this.running.set(name, this.run(record));
    return record;
  }

  private async run(record: ExecutionRecord): Promise<ExecutionRecord> {
    const finished = await this.execute(this.workflow, record, { bucket: this.names.bucket, key: record.manifestKey });
    this.running.delete(record.name);
    return finished;
  }

  /**
   * An execution reached the approval gate (PAUSED, with the Task's token) or was answered there
   * (RUNNING again). A runtime that stops keeps a paused execution PAUSED, and the next start of
   * its name resumes it: it replays to the gate from the cache, and the gate answers from the
   * decision on the production's row.
   */
  private async markAwaiting(name: string, awaiting: { stateName: string; token: string } | undefined): Promise<void> {
    const record = this.current.get(name);
    if (!record) return;
    if (!awaiting) {
      this.paused.delete(name);
      const running: ExecutionRecord = { ...record, status: 'RUNNING' };
      delete running.awaiting;
      await this.executions.write(running);
      return;
    }
    const paused: ExecutionRecord = {
      ...record,
      status: 'PAUSED',
      awaiting: { ...awaiting, since: new Date().toISOString() },
    };
    this.paused.set(name, paused);
    await this.executions.write(paused);
    for (const resolve of this.pauseWaiters.get(name) ?? []) resolve(paused);
    this.pauseWaiters.delete(name);
  }

  private nextPause(name: string): Promise<ExecutionRecord> {
    return new Promise((resolve) => this.pauseWaiters.set(name, [...(this.pauseWaiters.get(name) ?? []), resolve]));
  }

  /** One execution to its end, its record written when it starts and when it ends. */
  private async execute(runner: WorkflowRunner, record: ExecutionRecord, input: unknown): Promise<ExecutionRecord> {
    let outcome: ExecutionOutcome;
    const stopper = new AbortController();
    this.stoppers.set(record.name, stopper);
    this.current.set(record.name, record);
    try {
      outcome = await runner.run(
        record.name,
        input,
        (event, history) =>
          this.options.onExecutionEvent?.({
            ...event,
            executionName: record.name,
            productionExecution: record.parent ?? record.name,
            history,
          }),
        stopper.signal,
      );
    } catch (error) {
      outcome = {
        status: 'FAILED',
        error: { name: (error as Error).name, cause: (error as Error).message },
        events: 0,
      };
    } finally {
      this.stoppers.delete(record.name);
      this.current.delete(record.name);
    }
    const paused = this.paused.get(record.name);
    this.paused.delete(record.name);
    if (paused && outcome.status === 'ABORTED') {
      await this.executions.write(paused);
      return paused;
    }
    const endedAt = new Date().toISOString();
    const finished: ExecutionRecord =
      outcome.status === 'SUCCEEDED'
        ? { ...record, status: 'SUCCEEDED', output: outcome.output, events: outcome.events, endedAt }
        : { ...record, status: outcome.status, error: outcome.error, events: outcome.events, endedAt };
    await this.executions.write(finished);
    return finished;
  }

  /**
   * A `states:startExecution.sync:2` Task: runs the episode's child execution and answers
   * as Step Functions does, with the child's output parsed; a failed child fails the Task
   * with States.TaskFailed and the child's description as its cause. A child of the same
   * name already running in this process is joined, not started twice.
   */
  private async runEpisode(name: string, input: unknown): Promise<unknown> {
    let child = this.runningEpisodes.get(name);
    if (!child) {
      const startedBy = (input as { AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID?: string })
        .AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID;
      const record: ExecutionRecord = {
        name,
        kind: 'episode',
        parent: startedBy?.split(':').at(-1),
        status: 'RUNNING',
        pid: process.pid,
        startedAt: new Date().toISOString(),
      };
      await this.executions.write(record);
      child = this.execute(this.episodes, record, input).finally(() => this.runningEpisodes.delete(name));
      this.runningEpisodes.set(name, child);
    }
    const finished = await child;
    const description = {
      ExecutionArn: this.episodes.executionArn(name),
      StateMachineArn: this.episodes.stateMachineArn,
      Name: name,
      Status: finished.status,
      StartDate: finished.startedAt,
      StopDate: finished.endedAt,
      Input: input,
      Output: finished.output,
      ...(finished.error && { Error: finished.error.name, Cause: finished.error.cause }),
    };
    if (finished.status !== 'SUCCEEDED')
      throw Object.assign(new Error(JSON.stringify(description)), { name: 'States.TaskFailed' });
    return description;
  }

  /** The production execution and every episode execution it started, as report.json lists them. */
  async executionsOf(productionExecution: string): Promise<ExecutionRecord[]> {
    const all = await this.executions.list();
    return all.filter((record) => record.name === productionExecution || record.parent === productionExecution);
  }

  /**
   * Resolves when the execution an upload named ends. It first waits for the bucket
   * trigger to decide on that upload (start, resume, or no-op), so an earlier
   * process's record is never mistaken for this upload's outcome.
   */
  async waitForExecution(name: string, timeoutMs = 6 * 60 * 60 * 1000): Promise<ExecutionRecord> {
    const deadline = Date.now() + timeoutMs;
    while (!this.triggered.has(name)) {
      if (Date.now() > deadline) throw new Error(`no upload in this process started execution ${name}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await this.triggered.get(name);
    for (;;) {
      const paused = this.paused.get(name);
      if (paused) return paused;
      const active = this.running.get(name);
      if (active) return Promise.race([active, this.nextPause(name)]);
      const record = await this.executions.read(name);
      if (record && (record.status !== 'RUNNING' || isAbandoned(record))) return record;
      if (Date.now() > deadline) throw new Error(`execution ${name} did not finish within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    // An execution waiting for a decision stays PAUSED: its token dies with this process, and the next start resumes it.
    const pausing = [...this.paused.keys()].map((name) => {
      this.stoppers
        .get(name)
        ?.abort({ error: 'Paused', cause: 'the runtime stopped while the execution awaited a decision' });
      return this.running.get(name);
    });
    await Promise.all(pausing);
    try {
      await this.videoSource?.stop();
      await this.sandboxes?.stop();
      await this.workers?.stop();
      await this.gateway?.close();
      await this.engines.stop();
    } finally {
      this.lock.release();
    }
  }
}
