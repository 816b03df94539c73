import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type CfnElement, Duration, type RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { STAGE_VARIABLES, TRIGGER_VARIABLES } from '../../lambdas/core/environment.js';
import type { StageDescriptor, TableAction } from '../../lambdas/pipeline/stage-descriptor.js';
import type { MediaLayer } from './file-layer.js';
import { buildLogGroup } from './secure-defaults.js';

const require = createRequire(import.meta.url);
const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '..', '..');

/** npm's platform suffix for a native package's prebuilt binary, by Lambda architecture (Lambda runs glibc). */
const NATIVE_PLATFORM_SUFFIX: Record<string, string> = { x86_64: 'linux-x64-gnu', arm64: 'linux-arm64-gnu' };

export interface StageFunctionProps {
  /** The stage's descriptor: folder under lambdas/stages/, default memory and timeout. */
  spec: StageDescriptor;
  memoryMb?: number;
  timeoutSeconds?: number;
  architecture: Architecture;
  /**
   * napi-rs packages the code loads at run time. They cannot be bundled, so each is copied
   * beside the bundle with its prebuilt binary for `architecture`; synth fails if that
   * binary is not installed rather than deploying a function that cannot start.
   */
  nativeModules?: string[];
  /**
   * Native packages the code imports only on demand (a dynamic import on first use) and this
   * function never reaches: left out of the bundle and not shipped.
   */
  unshippedNativeModules?: string[];
  logRetention: RetentionDays;
  logRemovalPolicy: RemovalPolicy;
  logLevel: string;
  environment?: Record<string, string>;
}

/**
 * The house Lambda function: one esbuild bundle (ESM, minified, source maps, no Docker),
 * the current Node.js runtime, X-Ray tracing, its own log group with retention, and a
 * role that starts with nothing but its own log group. Access is added with the bind
 * helpers, each of which grants and sets the environment variable the code reads in one call.
 */
export class StageFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly spec: StageDescriptor;

  constructor(scope: Construct, id: string, props: StageFunctionProps) {
    super(scope, id);
    this.spec = props.spec;
    this.logGroup = buildLogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: props.logRemovalPolicy });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `dramaforge ${props.spec.name}`,
    });
    // In place of the AWSLambdaBasicExecutionRole managed policy, which may write to any log group.
    this.role.addToPolicy(
      new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
    );

    const nativeModules = props.nativeModules ?? [];
    const nativeCopies = nativeModules.flatMap((name) => nativePackageDirs(name, props.architecture));

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(REPOSITORY_ROOT, 'lambdas', 'stages', props.spec.name, 'handler.ts'),
      handler: 'handler',
      projectRoot: REPOSITORY_ROOT,
      depsLockFilePath: path.join(REPOSITORY_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
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
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        keepNames: true,
        sourceMap: true,
        // File and line mapping without embedding every source file: the map stays small.
        sourcesContent: false,
        mainFields: ['module', 'main'],
        // The SDK is bundled at the lockfile's version rather than taken from the runtime,
        // so Lambda runs the clients the tests ran. Native packages are copied instead.
        externalModules: [...nativeModules, ...(props.unshippedNativeModules ?? [])],
        // Bundled CommonJS dependencies still call require(); ESM output has none of its own.
        banner: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);",
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) =>
            nativeCopies.map(({ dir, name }) => {
              const target = path.join(outputDir, 'node_modules', name);
              return `mkdir -p "${path.dirname(target)}" && cp -R "${dir}" "${target}"`;
            }),
        },
      },
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });
  }

  /** Object access limited to key patterns (e.g. `productions/*`), and BUCKET_NAME. */
  bindAssetBucket(bucket: IBucket, access: { reads: readonly string[]; writes: readonly string[] }): this {
    if (access.reads.length > 0) {
      this.allow(['s3:GetObject'], access.reads.map((pattern) => bucket.arnForObjects(pattern)));
      // Without ListBucket, S3 answers 403 instead of 404 for a missing key, and the stores'
      // "is it cached yet?" checks would read as permission errors.
      this.allow(['s3:ListBucket'], [bucket.bucketArn]);
    }
    // PutObject with a Tagging header (scene intermediates carry their lifecycle tag) also needs PutObjectTagging.
    if (access.writes.length > 0) this.allow(['s3:PutObject', 's3:PutObjectTagging'], access.writes.map((pattern) => bucket.arnForObjects(pattern)));
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

  /** Adds a media layer and the variables that point the code at its files. */
  bindMediaLayer(media: MediaLayer): this {
    this.function.addLayers(media.layer);
    for (const [name, value] of Object.entries(media.environment)) this.function.addEnvironment(name, value);
    return this;
  }

  /** Read access to the provider API keys, and DRAMAFORGE_PROVIDER_SECRET_ARN to find them. */
  bindProviderSecret(secret: ISecret): this {
    secret.grantRead(this.role);
    this.function.addEnvironment(STAGE_VARIABLES.providerSecretArn, secret.secretArn);
    return this;
  }

  /**
   * The generative models of the bedrock profile: Converse/InvokeModel and async Nova Reel jobs on
   * this region's foundation models and inference profiles, and Polly speech.
   */
  bindGenerativeModels(): this {
    const { region, account } = Stack.of(this);
    this.allow(
      ['bedrock:InvokeModel', 'bedrock:StartAsyncInvoke', 'bedrock:GetAsyncInvoke'],
      [
        `arn:aws:bedrock:${region}::foundation-model/*`,
        `arn:aws:bedrock:${region}:${account}:inference-profile/*`,
        `arn:aws:bedrock:${region}:${account}:async-invoke/*`,
      ],
    );
    this.allow(['polly:SynthesizeSpeech'], ['*']);
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
        reason: 'The model is chosen per stage and tier at run time (DRAMAFORGE_BEDROCK_<STAGE>_MODELS); access stays within Bedrock models of this region and account.',
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
    this.allow(['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'], [stateMachine.stateMachineArn]);
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

/** The package directory of a napi-rs module and of its prebuilt binary for the architecture. */
function nativePackageDirs(name: string, architecture: Architecture): { name: string; dir: string }[] {
  const binaryPackage = `${name}-${NATIVE_PLATFORM_SUFFIX[architecture.name]}`;
  return [name, binaryPackage].map((packageName) => {
    try {
      return { name: packageName, dir: path.dirname(require.resolve(`${packageName}/package.json`)) };
    } catch {
      throw new Error(
        `${packageName} is not installed: ${architecture.name} functions that load ${name} need it (npm ci only installs this machine's platform)`,
      );
    }
  });
}

/** The logical id cdk-nag prints for a resource when it flattens its ARN in a finding. */
function logicalIdOf(construct: Construct): string {
  const resource = construct.node.defaultChild;
  if (!resource) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(construct).getLogicalId(resource as CfnElement);
}
