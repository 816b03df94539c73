import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, type Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import {
  MANIFEST_TRIGGER_FUNCTION,
  QUEUE_SUBSTITUTION,
  STAGE_FUNCTIONS,
  VIDEO_WORKER_FUNCTION,
} from '../lambdas/catalog.js';
import { workflowSettingsVariables } from '../lambdas/core/contracts/environment.js';
import type { MediaTool, StageDescriptor } from '../lambdas/pipeline/stage-descriptor.js';
import {
  DEFINITION_FILE,
  EPISODE_DEFINITION_FILE,
  EPISODE_STATE_MACHINE_SUBSTITUTION,
} from '../statemachines/production-definition.js';
import { configuredFanOut, fitFanOut, functionMemoryMb } from './config/account-limits.js';
import type { EnvironmentConfig } from './config/environment-config.js';
import { AssetBucket } from './constructs/asset-bucket.js';
import { CanvasLayer } from './constructs/canvas-layer.js';
import { EspeakLayer } from './constructs/espeak-layer.js';
import { FfmpegLayer } from './constructs/ffmpeg-layer.js';
import type { MediaLayer } from './constructs/file-layer.js';
import { FontsLayer } from './constructs/fonts-layer.js';
import { ManifestTrigger } from './constructs/manifest-trigger.js';
import { ProductionMonitoring } from './constructs/production-monitoring.js';
import { ProductionTable } from './constructs/production-table.js';
import { ProviderSdkLayer } from './constructs/provider-sdk-layer.js';
import { ProviderSecret } from './constructs/provider-secret.js';
import { StageFunction } from './constructs/stage-function.js';
import { VideoQueue } from './constructs/video-queue.js';
import { WorkflowStateMachine } from './constructs/workflow-state-machine.js';

export interface DramaforgeStackProps extends StackProps {
  /** The environment to deploy. @default - none, required */
  readonly config: EnvironmentConfig;
}

/**
 * The stages that draw load @napi-rs/canvas, and those with media tools run ffmpeg; npm
 * installs only this machine's linux-x64 builds of both. So the workflow's functions run on
 * x86_64 with the x64 binaries (one architecture for all of them keeps the layers single);
 * the trigger, which loads nothing native, runs on ARM64. See docs/aws-deployment-decisions.md.
 */
const STAGE_ARCHITECTURE = Architecture.X86_64;
const TRIGGER_ARCHITECTURE = Architecture.ARM_64;

/** The props bin/app.ts deploys an environment with; tests synthesise with the same, so they see what deploys. */
export function stackPropsFor(config: EnvironmentConfig): DramaforgeStackProps {
  return {
    config,
    env: config.account || config.region ? { account: config.account, region: config.region } : undefined,
    description: `dramaforge ${config.name}: manifests in, short dramas out`,
    tags: { project: 'dramaforge', environment: config.name },
  };
}

/** One environment of dramaforge: bucket, table, video queue, the functions, the workflow, its trigger and its monitoring. */
export class DramaforgeStack extends Stack {
  readonly functions = new Map<string, StageFunction>();

  constructor(scope: Construct, id: string, props: DramaforgeStackProps) {
    super(scope, id, props);
    const { config } = props;
    const dataRemoval = config.data.removalPolicy;
    // Logs and the alarm topic's key follow the data: kept with a retained stack, removed with a disposable one.
    const logRemovalPolicy = dataRemoval === RemovalPolicy.RETAIN ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const assets = new AssetBucket(this, 'Assets', {
      removalPolicy: dataRemoval,
      versioned: config.data.bucketVersioning,
      cacheExpirationDays: config.data.cacheExpirationDays,
      sceneAssetExpirationDays: config.data.sceneAssetExpirationDays,
      noncurrentVersionExpirationDays: config.data.noncurrentVersionExpirationDays,
    });
    const table = new ProductionTable(this, 'Productions', { removalPolicy: dataRemoval }).table;
    const providerSecret = new ProviderSecret(this, 'ProviderKeys', {
      existingSecretName: config.providers.existingSecretName,
      removalPolicy: dataRemoval,
    }).secret;

    const videoQueue = new VideoQueue(this, 'VideoJobs', {
      workerTimeout: this.timeoutOf(VIDEO_WORKER_FUNCTION, config),
      maxReceiveCount: config.videoWorker.maxReceiveCount,
    });

    const mediaLayers: Record<MediaTool, MediaLayer> = {
      ffmpeg: new FfmpegLayer(this, 'FfmpegLayer', { architecture: STAGE_ARCHITECTURE }),
      fonts: new FontsLayer(this, 'FontsLayer'),
      espeak: new EspeakLayer(this, 'EspeakLayer'),
    };
    const canvasLayer = new CanvasLayer(this, 'CanvasLayer', { architecture: STAGE_ARCHITECTURE }).layer;
    const providerSdkLayer = new ProviderSdkLayer(this, 'ProviderSdkLayer').layer;

    // One production's functions at once fit the account's concurrency, so a new account does not throttle its own production.
    const fanOut = fitFanOut(configuredFanOut(config), config.accountLimits.concurrentExecutions);
    const workflowSettings = workflowSettingsVariables({
      sceneMaxConcurrency: fanOut.scenes,
      episodeMaxConcurrency: fanOut.episodes,
      keyframeMaxAttempts: config.workflow.keyframeMaxAttempts,
      consistencyThreshold: config.workflow.consistencyThreshold,
      videoQueueUrl: videoQueue.queue.queueUrl,
      // The worker tells a last delivery (the next failure goes to the DLQ) from one that will be retried.
      videoMaxReceiveCount: config.videoWorker.maxReceiveCount,
    });

    const substitutedFunctions = new Map<string, LambdaFunction>();
    for (const spec of STAGE_FUNCTIONS) {
      const { access } = spec;
      const stage = this.stageFunction(
        spec,
        config,
        STAGE_ARCHITECTURE,
        spec.environment === 'stage' ? workflowSettings : {},
        logRemovalPolicy,
      )
        .bindAssetBucket(assets.bucket, access)
        .bindProductionTable(table, access.table);
      for (const tool of access.media) stage.bindMediaLayer(mediaLayers[tool]);
      if (access.draws) stage.bindCanvasLayer(canvasLayer, mediaLayers.fonts);
      if (access.callsProviders)
        stage.bindProviderSecret(providerSecret).bindGenerativeModels().bindProviderSdkLayer(providerSdkLayer);
      if (access.validatesProviderProfiles) stage.bindProviderSecretArn(providerSecret);
      if (access.requeuesVideoJobs) stage.bindVideoJobRequeue(videoQueue.queue);
      if (spec.substitution) substitutedFunctions.set(spec.substitution, stage.function);
    }

    const workflowLogs = {
      redactExecutionData: config.workflow.redactExecutionDataInLogs,
      logRetention: config.data.logRetention,
      logRemovalPolicy,
    };
    const episodeWorkflow = new WorkflowStateMachine(this, 'EpisodeWorkflow', {
      definitionFile: EPISODE_DEFINITION_FILE,
      functions: substitutedFunctions,
      substitutions: { [QUEUE_SUBSTITUTION]: videoQueue.queue.queueUrl },
      videoQueue: videoQueue.queue,
      ...workflowLogs,
    });
    const workflow = new WorkflowStateMachine(this, 'Workflow', {
      definitionFile: DEFINITION_FILE,
      functions: substitutedFunctions,
      substitutions: { [EPISODE_STATE_MACHINE_SUBSTITUTION]: episodeWorkflow.stateMachine.stateMachineArn },
      childStateMachine: episodeWorkflow.stateMachine,
      ...workflowLogs,
    });

    // The video worker answers the episode machine's Generate video Task; the approval gate, the production machine's.
    for (const spec of STAGE_FUNCTIONS.filter((candidate) => candidate.access.reportsTaskOutcome)) {
      this.functions
        .get(spec.name)!
        .bindTaskOutcomeReporting(
          spec.access.reportsTaskOutcome === 'production' ? workflow.stateMachine : episodeWorkflow.stateMachine,
        );
    }
    // What `dramaforge approve` / `reject --table` needs: the production's row, and the gate's token answered.
    const reviewer = new ManagedPolicy(this, 'ReviewerPolicy', {
      description: 'Approve or reject a production waiting at its review gate (dramaforge approve / reject --table)',
      statements: [
        new PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [table.tableArn] }),
        new PolicyStatement({
          actions: ['states:SendTaskSuccess'],
          resources: [workflow.stateMachine.stateMachineArn],
        }),
      ],
    });
    const videoWorker = this.functions.get(VIDEO_WORKER_FUNCTION.name)!;
    videoWorker.function.addEventSource(
      new SqsEventSource(videoQueue.queue, {
        batchSize: config.videoWorker.batchSize,
        maxConcurrency: fanOut.videoWorkers,
        reportBatchItemFailures: true,
      }),
    );

    const starter = this.stageFunction(
      MANIFEST_TRIGGER_FUNCTION,
      config,
      TRIGGER_ARCHITECTURE,
      {},
      logRemovalPolicy,
    ).bindExecutionStarter(workflow.stateMachine);
    const trigger = new ManifestTrigger(this, 'Trigger', { bucket: assets.bucket, starter });

    const monitoring = new ProductionMonitoring(this, 'Monitoring', {
      namespace: `dramaforge/${config.name}`,
      stateMachine: workflow.stateMachine,
      episodeStateMachine: episodeWorkflow.stateMachine,
      sceneLogGroup: episodeWorkflow.logGroup,
      finalizeLogGroup: this.functions.get('finalize-production')!.logGroup,
      videoWorker: videoWorker.function,
      videoDeadLetterQueue: videoQueue.deadLetterQueue,
      triggerDeadLetterQueue: trigger.deadLetterQueue,
      functions: [...this.functions.values()].map((stage) => stage.function),
      alarms: config.alarms,
      alarmKeyRemovalPolicy: logRemovalPolicy,
    });

    const consoleBase = `https://${this.region}.console.aws.amazon.com`;
    new CfnOutput(this, 'BucketName', {
      value: assets.bucket.bucketName,
      description: 'Upload manifests under manifests/',
    });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'ReviewerPolicyArn', {
      value: reviewer.managedPolicyArn,
      description: 'Attach to whoever approves or rejects productions',
    });
    new CfnOutput(this, 'StateMachineArn', { value: workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'EpisodeStateMachineArn', {
      value: episodeWorkflow.stateMachine.stateMachineArn,
      description: 'One child execution per episode',
    });
    new CfnOutput(this, 'VideoQueueUrl', { value: videoQueue.queue.queueUrl });
    new CfnOutput(this, 'ProviderSecretArn', {
      value: providerSecret.secretArn,
      description: 'Provider API keys (JSON)',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: monitoring.alarmTopic.topicArn,
      description: 'Subscribe to get alarms',
    });
    new CfnOutput(this, 'StateMachineConsoleUrl', {
      value: `${consoleBase}/states/home?region=${this.region}#/statemachines/view/${workflow.stateMachine.stateMachineArn}`,
      description: 'Watch executions here',
    });
    new CfnOutput(this, 'DashboardUrl', {
      value: `${consoleBase}/cloudwatch/home?region=${this.region}#dashboards/dashboard/${monitoring.dashboard.dashboardName}`,
    });
  }

  private timeoutOf(spec: StageDescriptor, config: EnvironmentConfig): Duration {
    return Duration.seconds(config.functionSizing[spec.name]?.timeoutSeconds ?? spec.timeoutSeconds);
  }

  private stageFunction(
    spec: StageDescriptor,
    config: EnvironmentConfig,
    architecture: Architecture,
    environment: Record<string, string>,
    logRemovalPolicy: RemovalPolicy,
  ): StageFunction {
    const sizing = config.functionSizing[spec.name] ?? {};
    const stage = new StageFunction(
      this,
      spec.name.replace(/(^|-)([a-z])/g, (_match: string, _dash: string, letter: string) => letter.toUpperCase()),
      {
        spec,
        memoryMb: functionMemoryMb(sizing.memoryMb ?? spec.memoryMb, config.accountLimits),
        timeoutSeconds: sizing.timeoutSeconds,
        architecture,
        environment,
        logRetention: config.data.logRetention,
        logRemovalPolicy,
        logLevel: config.logLevel,
      },
    );
    this.functions.set(spec.name, stage);
    return stage;
  }
}
