import path from 'node:path';
import {
  AssetHashType,
  type CfnElement,
  DockerImage,
  Duration,
  type RemovalPolicy,
  Stack,
  Token,
  Validations,
} from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  type Architecture,
  Code,
  type ILayerVersion,
  Function as LambdaFunction,
  Runtime,
  RuntimeFamily,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import type { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { STAGE_VARIABLES, TRIGGER_VARIABLES } from '../../lambdas/core/contracts/environment.js';
import { defaultInferenceProfiles } from '../../lambdas/core/pricing/bedrock-defaults.js';
import type { MediaTool, StageDescriptor, TableAction } from '../../lambdas/pipeline/stage-descriptor.js';
import { bundleStage, STAGE_BUNDLE_HANDLER, stageEntry } from '../bundling/stage-bundle.js';
import { FUNCTION_NODE_MAJOR } from '../config/function-runtime.js';
import type { MediaLayer } from './file-layer.js';
import { buildLogGroup } from './secure-defaults.js';

export interface StageFunctionProps {
  /**
   * The stage's descriptor: folder under lambdas/stages/, default memory and timeout, access.
   *
   * @default - none, required
   */
  readonly spec: StageDescriptor;
  /**
   * Memory for this environment.
   *
   * @default - the descriptor's `memoryMb`
   */
  readonly memoryMb?: number;
  /**
   * Timeout for this environment.
   *
   * @default - the descriptor's `timeoutSeconds`
   */
  readonly timeoutSeconds?: number;
  /**
   * Must match the native layers the function gets (canvas, ffmpeg).
   *
   * @default - none, required
   */
  readonly architecture: Architecture;
  /**
   * How long the function's log group keeps its events.
   *
   * @default - none, required
   */
  readonly logRetention: RetentionDays;
  /**
   * What happens to the log group when the stack is deleted.
   *
   * @default - none, required
   */
  readonly logRemovalPolicy: RemovalPolicy;
  /**
   * Powertools log level (POWERTOOLS_LOG_LEVEL).
   *
   * @default - none, required
   */
  readonly logLevel: string;
  /**
   * Variables beyond those the bind helpers set (the workflow settings of lambdas/core/contracts/environment.ts).
   *
   * @default - none
   */
  readonly environment?: Record<string, string>;
}

/**
 * The house Lambda function: one esbuild bundle (ESM, minified, split, source maps, no Docker),
 * the current Node.js runtime, X-Ray tracing, its own log group with retention, and a
 * role that starts with nothing but its own log group. Access is added with the bind
 * helpers, each of which grants and sets the environment variable the code reads in one call.
 */
export class StageFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly spec: StageDescriptor;
  private readonly mediaTools = new Set<MediaTool>();

  constructor(scope: Construct, id: string, props: StageFunctionProps) {
    super(scope, id);
    this.spec = props.spec;
    this.logGroup = buildLogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `dramaforge ${props.spec.name}`,
    });
    // In place of the AWSLambdaBasicExecutionRole managed policy, which may write to any log group.
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new LambdaFunction(this, 'Function', {
      code: stageCode(props.spec.name),
      handler: STAGE_BUNDLE_HANDLER,
      runtime: new Runtime(`nodejs${FUNCTION_NODE_MAJOR}.x`, RuntimeFamily.NODEJS, { supportsInlineCode: true }),
      architecture: props.architecture,
      memorySize: props.memoryMb ?? props.spec.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds ?? props.spec.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'dramaforge',
        POWERTOOLS_METRICS_NAMESPACE: 'dramaforge',
        POWERTOOLS_LOG_LEVEL: props.logLevel,
        // Stack traces point into lambdas/*.ts through the bundle's source map.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });
  }

  /** Object access limited to key patterns (e.g. `productions/*`), and BUCKET_NAME. */
  bindAssetBucket(bucket: IBucket, access: { reads: readonly string[]; writes: readonly string[] }): this {
    if (access.reads.length > 0) {
      this.allow(
        ['s3:GetObject'],
        access.reads.map((pattern) => bucket.arnForObjects(pattern)),
      );
      // Without ListBucket, S3 answers 403 instead of 404 for a missing key, and the stores'
      // "is it cached yet?" checks would read as permission errors.
      this.allow(['s3:ListBucket'], [bucket.bucketArn]);
    }
    // PutObject with a Tagging header (scene intermediates carry their lifecycle tag) also needs PutObjectTagging.
    if (access.writes.length > 0)
      this.allow(
        ['s3:PutObject', 's3:PutObjectTagging'],
        access.writes.map((pattern) => bucket.arnForObjects(pattern)),
      );
    for (const pattern of [...new Set([...access.reads, ...access.writes])]) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(bucket)}.Arn>/${pattern}]`,
        reason: `Objects are named per production and scene at run time; access is confined to the ${pattern} key pattern.`,
      });
    }
    this.function.addEnvironment(STAGE_VARIABLES.bucketName, bucket.bucketName);
    return this;
  }

  /** Exactly the listed item actions on the table (not its indexes), and TABLE_NAME. */
  bindProductionTable(table: ITable, actions: readonly TableAction[]): this {
    if (actions.length > 0) this.allow([...actions], [table.tableArn]);
    this.function.addEnvironment(STAGE_VARIABLES.tableName, table.tableName);
    return this;
  }

  /**
   * The native canvas, for a function that draws, with the fonts layer: the canvas registers the
   * fonts as it loads (lambdas/adapters/media/canvas-with-fonts.ts), and without their files it cannot load.
   */
  bindCanvasLayer(layer: ILayerVersion, fonts: MediaLayer): this {
    this.function.addLayers(layer);
    return this.bindMediaLayer(fonts);
  }

  /** The provider SDKs the bundle leaves out (lib/bundling/stage-bundle.ts), for a function that calls providers. */
  bindProviderSdkLayer(layer: ILayerVersion): this {
    this.function.addLayers(layer);
    return this;
  }

  /** Adds a media layer and the variables that point the code at its files, once however many needs ask for it. */
  bindMediaLayer(media: MediaLayer): this {
    if (this.mediaTools.has(media.tool)) return this;
    this.mediaTools.add(media.tool);
    this.function.addLayers(media.layer);
    for (const [name, value] of Object.entries(media.environment)) this.function.addEnvironment(name, value);
    return this;
  }

  /** Read access to the provider API keys, and DRAMAFORGE_PROVIDER_SECRET_ARN to find them. */
  bindProviderSecret(secret: ISecret): this {
    secret.grantRead(this.role);
    return this.bindProviderSecretArn(secret);
  }

  /** DRAMAFORGE_PROVIDER_SECRET_ARN without read access, for a function that only checks whether a profile can be served. */
  bindProviderSecretArn(secret: ISecret): this {
    this.function.addEnvironment(STAGE_VARIABLES.providerSecretArn, secret.secretArn);
    return this;
  }

  /**
   * The generative models of the bedrock profile: Converse/InvokeModel and async Luma Ray jobs on
   * this region's foundation models and inference profiles, and Polly speech. Converse and
   * StartAsyncInvoke are authorised by bedrock:InvokeModel: IAM has no action of their own.
   */
  bindGenerativeModels(): this {
    const { region, account } = Stack.of(this);
    this.allow(
      ['bedrock:InvokeModel', 'bedrock:GetAsyncInvoke'],
      [
        `arn:aws:bedrock:${region}::foundation-model/*`,
        `arn:aws:bedrock:${region}:${account}:inference-profile/*`,
        `arn:aws:bedrock:${region}:${account}:async-invoke/*`,
      ],
    );
    // A cross-Region inference profile (`us.amazon.nova-2-lite-v1:0`) is called by its id: IAM checks the profile's ARN
    // and then the foundation model in whichever Region the profile routes the request to.
    const profiles = defaultInferenceProfiles();
    if (profiles.length > 0) {
      this.allow(
        ['bedrock:InvokeModel'],
        profiles.flatMap(({ profile, foundationModel }) => [
          `arn:aws:bedrock:${region}:${account}:inference-profile/${profile}`,
          `arn:aws:bedrock:*::foundation-model/${foundationModel}`,
        ]),
      );
      for (const { foundationModel } of profiles) {
        Validations.of(this.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:aws:bedrock:*::foundation-model/${foundationModel}]`,
          reason:
            'A cross-Region inference profile routes to this one model in any of its destination Regions, which AWS chooses per request.',
        });
      }
    }
    this.allow(['polly:SynthesizeSpeech'], ['*']);
    // Luma Ray's start is looked up by its clientRequestToken before it is sent again; a list names no invocation.
    this.allow(['bedrock:ListAsyncInvokes'], ['*']);
    // cdk-nag names a resource by its ARN with unresolved tokens shown as <AWS::...>.
    const shown = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
    const [regionShown, accountShown] = [shown(region, 'Region'), shown(account, 'AccountId')];
    for (const resource of [
      `arn:aws:bedrock:${regionShown}::foundation-model/*`,
      `arn:aws:bedrock:${regionShown}:${accountShown}:inference-profile/*`,
      `arn:aws:bedrock:${regionShown}:${accountShown}:async-invoke/*`,
    ]) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${resource}]`,
        reason:
          'The model is chosen per stage and tier at run time (DRAMAFORGE_BEDROCK_<STAGE>_MODELS); access stays within Bedrock models of this region and account.',
      });
    }
    return this;
  }

  /** May send to the video queue, to re-enqueue its own job while an asynchronous provider job runs. */
  bindVideoJobRequeue(queue: IQueue): this {
    queue.grantSendMessages(this.role);
    return this;
  }

  /** May answer the workflow's waiting Tasks (SendTaskSuccess/Failure/Heartbeat on that state machine only). */
  bindTaskOutcomeReporting(stateMachine: IStateMachine): this {
    // A policy of its own rather than the role's default one: the function's deployment waits on its default policy,
    // and a state machine that invokes the function (the approval gate's) must exist before this grant names it.
    new Policy(this, 'TaskOutcomePolicy', {
      roles: [this.role],
      statements: [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
          resources: [stateMachine.stateMachineArn],
        }),
      ],
    });
    return this;
  }

  /** May start executions of the workflow, and STATE_MACHINE_ARN to name it. */
  bindExecutionStarter(stateMachine: IStateMachine): this {
    this.allow(['states:StartExecution'], [stateMachine.stateMachineArn]);
    this.function.addEnvironment(TRIGGER_VARIABLES.stateMachineArn, stateMachine.stateMachineArn);
    return this;
  }

  private allow(actions: string[], resources: string[]): void {
    this.role.addToPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions, resources }));
  }
}

/**
 * The stage's bundle, built at synth by esbuild in this process (no Docker): the same
 * build the bundle test imports. Hashed by its output, so an unchanged stage is not re-uploaded.
 */
function stageCode(stageName: string): Code {
  return Code.fromAsset(path.dirname(stageEntry(stageName)), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the API; never pulled, because local bundling never returns false.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/busybox:stable'),
      local: {
        tryBundle(outputDir: string): boolean {
          bundleStage(stageName, outputDir);
          return true;
        },
      },
    },
  });
}

/** The logical id cdk-nag prints for a resource when it flattens its ARN in a finding. */
function logicalIdOf(construct: Construct): string {
  const resource = construct.node.defaultChild;
  if (!resource) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(construct).getLogicalId(resource as CfnElement);
}
