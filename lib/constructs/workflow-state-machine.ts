import { readFileSync } from 'node:fs';
import { ArnFormat, type CfnElement, type RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  type Definition,
  renderStateMachine,
  withFunctionTimeouts,
} from '../../statemachines/production-definition.js';
import { buildLogGroup } from './secure-defaults.js';

/** The rule Step Functions manages in the account to learn when a `.sync` child execution ends. */
const SYNC_EVENTS_RULE = 'StepFunctionsGetEventsForStepFunctionsExecutionRule';

export interface WorkflowStateMachineProps {
  /**
   * The checked-in ASL file both runtimes load (statemachines/*.asl.json).
   *
   * @default - none, required
   */
  readonly definitionFile: string;
  /**
   * Stage functions by their `${...}` substitution (from the stage descriptors); those the file names are substituted and may be invoked,
   * and the Tasks that call them time out with them.
   *
   * @default - none, required
   */
  readonly functions: Map<string, LambdaFunction>;
  /**
   * Substitutions that are not functions (the video queue's URL, the episode machine's ARN).
   *
   * @default - none
   */
  readonly substitutions?: Record<string, string>;
  /**
   * The queue the file's task-token Tasks send to.
   *
   * @default - the machine sends to no queue
   */
  readonly videoQueue?: IQueue;
  /**
   * The state machine the file's `startExecution.sync:2` Tasks start.
   *
   * @default - the machine starts no child executions
   */
  readonly childStateMachine?: StateMachine;
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
 * A workflow file as a Standard state machine, with its substitutions applied, every event
 * logged, and X-Ray tracing. A definition from a file gets no automatic grants, so the role
 * is given exactly what the file calls: invoke on the functions it names (unqualified ARNs,
 * as the Tasks name them), SendMessage on its queue, and what `.sync` needs to run a child.
 */
export class WorkflowStateMachine extends Construct {
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: WorkflowStateMachineProps) {
    super(scope, id);
    const text = readFileSync(props.definitionFile, 'utf8');
    const timeouts = new Map(
      [...props.functions].flatMap(([substitution, fn]) =>
        fn.timeout === undefined ? [] : [[substitution, fn.timeout.toSeconds()] as const],
      ),
    );
    const deployedText = renderStateMachine(withFunctionTimeouts(JSON.parse(text) as Definition, timeouts));
    const named = new Set([...text.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1]!));
    const functions = [...props.functions].filter(([substitution]) => named.has(substitution));
    const definitionSubstitutions: Record<string, string> = {
      ...Object.fromEntries(
        Object.entries(props.substitutions ?? {}).filter(([substitution]) => named.has(substitution)),
      ),
      ...Object.fromEntries(functions.map(([substitution, fn]) => [substitution, fn.functionArn])),
    };

    // The /aws/vendedlogs/ prefix keeps the log group out of the size-limited CloudWatch Logs resource policy.
    this.logGroup = buildLogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${this.node.addr}`,
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      // The checked-in file, as both runtimes load it, unless this environment times a function out otherwise:
      // then its Tasks' timeouts move with it, and the definition ships inline.
      definitionBody:
        deployedText === text ? DefinitionBody.fromFile(props.definitionFile) : DefinitionBody.fromString(deployedText),
      definitionSubstitutions,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: !props.redactExecutionData },
    });
    if (functions.length > 0) {
      this.stateMachine.addToRolePolicy(
        new PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: functions.map(([, fn]) => fn.functionArn),
        }),
      );
    }
    if (props.videoQueue)
      this.stateMachine.addToRolePolicy(
        new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.videoQueue.queueArn] }),
      );
    if (props.childStateMachine) this.allowChildExecutions(props.childStateMachine);

    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Step Functions log delivery (logs:CreateLogDelivery and friends) and X-Ray tracing accept no resource-level permissions; ' +
        'the role reaches its functions, queue and child state machine by exact ARN.',
    });
  }

  /** `states:startExecution.sync:2`: start the child, follow and stop its executions, and the managed rule that reports their end. */
  private allowChildExecutions(child: StateMachine): void {
    const stack = Stack.of(this);
    const childExecutions = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${child.stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['states:StartExecution'], resources: [child.stateMachineArn] }),
    );
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        resources: [childExecutions],
      }),
    );
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: SYNC_EVENTS_RULE })],
      }),
    );
    // cdk-nag names a resource by its ARN with unresolved tokens shown as <AWS::...> and <LogicalId.Attribute>.
    const shown = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
    const childId = stack.getLogicalId(child.node.defaultChild as CfnElement);
    Validations.of(this.stateMachine.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${shown(stack.region, 'Region')}:${shown(stack.account, 'AccountId')}:execution:<${childId}.Name>:*]`,
      reason:
        'Child execution names are chosen per production and episode at run time; access is confined to executions of the episode state machine.',
    });
  }
}
