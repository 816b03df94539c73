import { DEFINITION_FILE } from '../../statemachines/production-definition.js';
import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { QUEUE_SUBSTITUTION } from '../../lambdas/catalog.js';
import { buildLogGroup } from './secure-defaults.js';

/** The workflow both runtimes run; the local runner loads the same file. */

export interface ProductionWorkflowProps {
  /**
   * Each function the ASL names, keyed by its `${...}` substitution (from lambdas/catalog.ts).
   *
   * @default - none, required
   */
  readonly functions: Map<string, IFunction>;
  /**
   * The queue the video Tasks send their jobs and task tokens to.
   *
   * @default - none, required
   */
  readonly videoQueue: IQueue;
  /**
   * Keep execution inputs and outputs out of the logs.
   *
   * @default - none, required
   */
  readonly redactExecutionData: boolean;
  /**
   * How long the execution log group keeps events.
   *
   * @default - none, required
   */
  readonly logRetention: RetentionDays;
  /**
   * What happens to the execution log group when the stack is deleted.
   *
   * @default - none, required
   */
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * statemachines/production.asl.json as a Standard state machine, with its function ARNs
 * and queue URL substituted, every event logged, and X-Ray tracing. A definition from a
 * file gets no automatic grants, so the role is given exactly what the ASL calls: invoke
 * on these functions (unqualified ARNs, as the Tasks name them) and SendMessage on this queue.
 */
export class ProductionWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ProductionWorkflowProps) {
    super(scope, id);
    const definitionSubstitutions: Record<string, string> = { [QUEUE_SUBSTITUTION]: props.videoQueue.queueUrl };
    for (const [substitution, fn] of props.functions) definitionSubstitutions[substitution] = fn.functionArn;

    // The /aws/vendedlogs/ prefix keeps the log group out of the size-limited CloudWatch Logs resource policy.
    this.logGroup = buildLogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${this.node.addr}`,
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(DEFINITION_FILE),
      definitionSubstitutions,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: !props.redactExecutionData },
    });
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [...props.functions.values()].map((fn) => fn.functionArn) }),
    );
    this.stateMachine.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.videoQueue.queueArn] }));

    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Step Functions log delivery (logs:CreateLogDelivery and friends) and X-Ray tracing accept no resource-level permissions; ' +
        'the role reaches its functions and queue by exact ARN.',
    });
  }
}
