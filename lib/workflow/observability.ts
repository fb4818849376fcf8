import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRIC_NAMES, METRICS_NAMESPACE, SERVICE_NAME } from '../../lambdas/shared/telemetry';
import type { PlatformResources } from './handler-spec';
import { TenantRegistryStats } from './registry-stats';

export interface PlatformObservabilityProps {
  readonly stateMachine: sfn.StateMachine;
  /** Tier names, for the duration-by-tier widget. */
  readonly tierNames: readonly string[];
  /** Every alarm notifies this topic. */
  readonly alertTopic: sns.ITopic;
  /** Queues that must stay empty (dead letters, rejected billing events). */
  readonly deadLetterQueues: readonly sqs.IQueue[];
  /** Functions outside the workflow (reaper, sweeper) whose errors must be seen: one alarm each. @default [] */
  readonly backgroundFunctions?: readonly lambda.IFunction[];
  /** The platform's resources: the registry is counted by status for the dashboard. */
  readonly platform: PlatformResources;
  /**
   * The day-2 workflows (suspension, schema rollout, ...), each with a short name for its alarms' ids and
   * descriptions: an execution that failed, timed out or was stopped by hand alerts as a provisioning one does.
   * @default []
   */
  readonly operationWorkflows?: readonly OperationWorkflow[];
}

/** A day-2 workflow the platform alarms on. */
interface OperationWorkflow {
  /** PascalCase name for the alarms' construct ids (`Suspension` → `SuspensionExecutionsFailed`). */
  readonly id: string;
  /** What its executions do, for the alarm descriptions (`a suspend or resume`). */
  readonly description: string;
  readonly stateMachine: sfn.IStateMachine;
}

/** The platform watching itself: execution alarms, rollback and dead-letter alarms, and one dashboard. */
export class PlatformObservability extends Construct {
  public readonly alarms: cloudwatch.Alarm[] = [];
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: PlatformObservabilityProps) {
    super(scope, id);
    const sm = props.stateMachine;
    const period = Duration.minutes(5);
    const notify = new actions.SnsAction(props.alertTopic);
    const alarmOn = (name: string, description: string, metric: cloudwatch.IMetric) => {
      const alarm = new cloudwatch.Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(notify);
      this.alarms.push(alarm);
      return alarm;
    };

    alarmOn(
      'ExecutionsFailed',
      'A tenant onboarding failed: see the registry record and the execution history',
      sm.metricFailed({ period, statistic: 'Sum' }),
    );
    alarmOn(
      'ExecutionsTimedOut',
      'A tenant onboarding hit the execution timeout',
      sm.metricTimedOut({ period, statistic: 'Sum' }),
    );
    alarmOn(
      'ExecutionsThrottled',
      'Step Functions throttled the provisioning workflow',
      sm.metricThrottled({ period, statistic: 'Sum' }),
    );
    alarmOn(
      'ExecutionsAborted',
      'A tenant onboarding was stopped by hand',
      sm.metricAborted({ period, statistic: 'Sum' }),
    );
    const rollbackFailed = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: METRIC_NAMES.rollbackFailed,
      dimensionsMap: { service: SERVICE_NAME },
      statistic: 'Sum',
      period,
    });
    alarmOn(
      'RollbackFailed',
      'A rollback could not remove everything: the registry lists the leftovers',
      rollbackFailed,
    );
    props.deadLetterQueues.forEach((queue, index) => {
      alarmOn(
        `QueueNotEmpty${index}`,
        'Events are waiting in a dead-letter or rejected-events queue (billing, or the execution reaper): inspect and redrive',
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      );
    });
    (props.backgroundFunctions ?? []).forEach((fn, index) => {
      alarmOn(
        `BackgroundFunctionErrors${index}`,
        'The execution reaper or the sweeper failed: a tenant may stay in a non-terminal status or an outcome event may be pending; see its log',
        fn.metricErrors({ period, statistic: 'Sum' }),
      );
    });

    for (const workflow of props.operationWorkflows ?? []) {
      const day2 = workflow.stateMachine;
      alarmOn(
        `${workflow.id}ExecutionsFailed`,
        `${workflow.description} failed: see the tenant's registry record (tenantctl status) and the execution history`,
        day2.metricFailed({ period, statistic: 'Sum' }),
      );
      alarmOn(
        `${workflow.id}ExecutionsTimedOut`,
        `${workflow.description} hit the execution timeout`,
        day2.metricTimedOut({ period, statistic: 'Sum' }),
      );
      alarmOn(
        `${workflow.id}ExecutionsAborted`,
        `${workflow.description} was stopped by hand`,
        day2.metricAborted({ period, statistic: 'Sum' }),
      );
    }

    const stats = new TenantRegistryStats(this, 'RegistryStats', { platform: props.platform });

    const search = (expression: string, label: string) =>
      new cloudwatch.MathExpression({ expression, label, period, searchAccount: undefined });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(7),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Executions by status',
            width: 12,
            left: [
              sm.metricStarted({ period, statistic: 'Sum', label: 'Started' }),
              sm.metricSucceeded({ period, statistic: 'Sum', label: 'Succeeded' }),
              sm.metricFailed({ period, statistic: 'Sum', label: 'Failed' }),
              sm.metricTimedOut({ period, statistic: 'Sum', label: 'Timed out' }),
              sm.metricAborted({ period, statistic: 'Sum', label: 'Aborted' }),
            ],
          }),
          new cloudwatch.GraphWidget({
            title: 'Provisioning duration by tier (s)',
            width: 12,
            left: props.tierNames.map(
              (tier) =>
                new cloudwatch.Metric({
                  namespace: METRICS_NAMESPACE,
                  metricName: METRIC_NAMES.duration,
                  dimensionsMap: { service: SERVICE_NAME, tier },
                  statistic: 'Average',
                  period: Duration.hours(1),
                  label: tier,
                }),
            ),
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Failures per step',
            width: 12,
            left: [
              search(
                `SEARCH('{${METRICS_NAMESPACE},service,step} MetricName="${METRIC_NAMES.failed}"', 'Sum', 300)`,
                'Failures',
              ),
            ],
          }),
          new cloudwatch.GraphWidget({
            title: 'Tenants by registry status',
            width: 12,
            left: [
              search(
                `SEARCH('{${METRICS_NAMESPACE},service,status} MetricName="${METRIC_NAMES.tenantsByStatus}"', 'Maximum', 300)`,
                'Tenants',
              ),
            ],
          }),
        ],
        [
          new cloudwatch.AlarmStatusWidget({ title: 'Platform alarms', width: 24, alarms: this.alarms }),
          new cloudwatch.SingleValueWidget({
            title: 'Registry stats collector errors',
            width: 24,
            metrics: [stats.handler.function.metricErrors({ period: Duration.hours(1) })],
          }),
        ],
      ],
    });
  }
}
