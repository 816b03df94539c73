import { readFileSync } from 'node:fs';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { STAGE_FUNCTIONS } from '../../lambdas/catalog.js';
import { type Definition, EPISODE_DEFINITION_FILE, taskStates } from '../../statemachines/production-definition.js';
import type { EnvironmentConfig } from '../config/environment-config.js';
import { buildTopic } from './secure-defaults.js';

export interface ProductionMonitoringProps {
  /**
   * CloudWatch namespace of the metrics derived from logs.
   *
   * @default - none, required
   */
  readonly namespace: string;
  /**
   * The production workflow, whose execution metrics the dashboard shows and the failed-executions alarm watches.
   *
   * @default - none, required
   */
  readonly stateMachine: IStateMachine;
  /**
   * The episode workflow's execution log group, where each scene's outcome state is logged.
   *
   * @default - none, required
   */
  readonly sceneLogGroup: ILogGroup;
  /**
   * The episode workflow (one child execution per episode).
   *
   * @default - none, required
   */
  readonly episodeStateMachine: IStateMachine;
  /**
   * The log group of finalize-production, whose "production closed" line carries the production's spend.
   *
   * @default - none, required
   */
  readonly finalizeLogGroup: ILogGroup;
  /**
   * The video worker, whose errors raise an alarm.
   *
   * @default - none, required
   */
  readonly videoWorker: IFunction;
  /**
   * Where video jobs that kept failing wait; any message in it raises an alarm.
   *
   * @default - none, required
   */
  readonly videoDeadLetterQueue: IQueue;
  /**
   * Where manifest uploads that could not start a production wait; any message in it raises an alarm.
   *
   * @default - none, required
   */
  readonly triggerDeadLetterQueue: IQueue;
  /**
   * Every function of the stack, whose throttles are summed into one alarm.
   *
   * @default - none, required
   */
  readonly functions: IFunction[];
  /**
   * The alarms' thresholds, and the address they notify (without one, the alarms are only on the dashboard).
   *
   * @default - none, required
   */
  readonly alarms: EnvironmentConfig['alarms'];
  /**
   * What happens to the alarm topic's KMS key when the stack is deleted.
   *
   * @default - none, required
   */
  readonly alarmKeyRemovalPolicy: RemovalPolicy;
}

const FIVE_MINUTES = Duration.minutes(5);

interface SceneOutcomeState {
  stateName: string;
  outcome: string;
}

/**
 * The Tasks that record a scene's final outcome, read from the ASL so the dashboard
 * follows a renamed state: they call RecordSceneOutcome with a literal `outcome`.
 */
export function sceneOutcomeStates(): SceneOutcomeState[] {
  const recorder = STAGE_FUNCTIONS.find((spec) => spec.name === 'record-scene-outcome')?.substitution;
  if (!recorder) throw new Error('lambdas/catalog.ts has no record-scene-outcome function');
  const definition = JSON.parse(readFileSync(EPISODE_DEFINITION_FILE, 'utf8')) as Definition;
  return taskStates(definition).flatMap(({ name, state }) => {
    const outcome = (state.Parameters as { outcome?: unknown } | undefined)?.outcome;
    return state.Resource === `\${${recorder}}` && typeof outcome === 'string' ? [{ stateName: name, outcome }] : [];
  });
}

/**
 * One dashboard a producer and an operator can both read (executions, scenes by outcome,
 * spend, the video queue's dead letters, worker errors, throttles) and alarms on what
 * needs a person: failed executions, anything in a dead-letter queue, throttling, worker
 * errors and a day's spend. Alarms notify an SNS topic encrypted with a key CloudWatch may use.
 */
export class ProductionMonitoring extends Construct {
  readonly dashboard: Dashboard;
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ProductionMonitoringProps) {
    super(scope, id);
    this.alarmTopic = buildTopic(this, 'AlarmTopic', {
      displayName: 'dramaforge alarms',
      keyRemovalPolicy: props.alarmKeyRemovalPolicy,
    });
    if (props.alarms.notificationEmail)
      this.alarmTopic.addSubscription(new EmailSubscription(props.alarms.notificationEmail));

    const sceneStates = sceneOutcomeStates();
    // Step Functions logs a TaskStateExited event per state, with its name even when execution data is redacted.
    new MetricFilter(this, 'SceneOutcomes', {
      logGroup: props.sceneLogGroup,
      metricNamespace: props.namespace,
      metricName: 'ScenesFinished',
      filterPattern: FilterPattern.all(
        FilterPattern.stringValue('$.type', '=', 'TaskStateExited'),
        FilterPattern.any(
          ...sceneStates.map((state) => FilterPattern.stringValue('$.details.name', '=', state.stateName)),
        ),
      ),
      metricValue: '1',
      dimensions: { State: '$.details.name' },
    });
    const sceneMetrics = sceneStates.map(
      (state) =>
        new Metric({
          namespace: props.namespace,
          metricName: 'ScenesFinished',
          dimensionsMap: { State: state.stateName },
          statistic: 'Sum',
          label: state.outcome,
          period: FIVE_MINUTES,
        }),
    );

    new MetricFilter(this, 'ProductionSpend', {
      logGroup: props.finalizeLogGroup,
      metricNamespace: props.namespace,
      metricName: 'ProductionSpendUsd',
      filterPattern: FilterPattern.stringValue('$.message', '=', 'production closed'),
      metricValue: '$.spentUsd',
    });
    const spendPerDay = new Metric({
      namespace: props.namespace,
      metricName: 'ProductionSpendUsd',
      statistic: 'Sum',
      period: Duration.days(1),
      label: 'USD spent (closed productions)',
    });

    const executions = {
      started: props.stateMachine.metricStarted({ period: FIVE_MINUTES, label: 'started' }),
      succeeded: props.stateMachine.metricSucceeded({ period: FIVE_MINUTES, label: 'succeeded' }),
      failed: props.stateMachine.metricFailed({ period: FIVE_MINUTES, label: 'failed' }),
      timedOut: props.stateMachine.metricTimedOut({ period: FIVE_MINUTES, label: 'timed out' }),
    };
    const videoDeadLetters = props.videoDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
      period: FIVE_MINUTES,
      label: 'video jobs',
    });
    const triggerDeadLetters = props.triggerDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
      period: FIVE_MINUTES,
      label: 'manifest uploads',
    });
    const workerErrors = props.videoWorker.metricErrors({ period: FIVE_MINUTES, label: 'video worker errors' });
    // A Metrics Insights query: a metric-math alarm may combine at most 10 metrics, and there are more functions than that.
    const throttles = new MathExpression({
      expression: `SELECT SUM(Throttles) FROM SCHEMA("AWS/Lambda", FunctionName) WHERE ${props.functions
        .map((fn) => `FunctionName = '${fn.functionName}'`)
        .join(' OR ')}`,
      usingMetrics: {},
      period: FIVE_MINUTES,
      label: 'throttles (all functions)',
    });

    this.alarm('FailedExecutions', executions.failed, props.alarms.failedExecutions, 'Production executions failed');
    const failedEpisodes = props.episodeStateMachine.metricFailed({ period: FIVE_MINUTES, label: 'episodes failed' });
    this.alarm('FailedEpisodeExecutions', failedEpisodes, props.alarms.failedExecutions, 'Episode executions failed');
    this.alarm('VideoDeadLetters', videoDeadLetters, 1, 'Video jobs are in the dead-letter queue');
    this.alarm('TriggerDeadLetters', triggerDeadLetters, 1, 'Manifest uploads could not start a production');
    this.alarm('Throttles', throttles, props.alarms.throttles, 'Functions are being throttled');
    this.alarm('VideoWorkerErrors', workerErrors, props.alarms.videoWorkerErrors, 'The video worker is failing');
    this.alarm(
      'DailySpend',
      spendPerDay,
      props.alarms.dailySpendUsd,
      'Provider spend over one day is above the threshold',
    );

    this.dashboard = new Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new TextWidget({
            markdown:
              '# dramaforge\nExecutions of the production workflow, scenes by outcome, provider spend, and the queues that need a person.',
            width: 24,
            height: 2,
          }),
        ],
        [
          new GraphWidget({ title: 'Executions', left: [...Object.values(executions), failedEpisodes], width: 12 }),
          new GraphWidget({ title: 'Scenes by outcome', left: sceneMetrics, stacked: true, width: 12 }),
        ],
        [
          new SingleValueWidget({ title: 'Spend today (USD)', metrics: [spendPerDay], width: 6 }),
          new GraphWidget({ title: 'Dead-letter queues', left: [videoDeadLetters, triggerDeadLetters], width: 6 }),
          new GraphWidget({ title: 'Video worker errors', left: [workerErrors], width: 6 }),
          new GraphWidget({ title: 'Throttles', left: [throttles], width: 6 }),
        ],
      ],
    });
  }

  private alarm(id: string, metric: IMetric, threshold: number, description: string): void {
    const alarm = new Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
  }
}
