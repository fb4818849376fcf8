import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { PURGE_METRICS } from '../../../lambdas/purge-retained/metrics';
import { RUNTIME_ENV, setting } from '../../../lambdas/shared/config';
import { REGISTRY_STATUS_INDEX } from '../../../lambdas/shared/contracts';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../../lambdas/shared/telemetry';
import type { HandlerFunction } from '../handler-function';
import { addHandler, type HandlerSpec, onRegistry, type PlatformResources, registryKeyActions } from '../handler-spec';
import { allow, MANAGED_RESOURCE_CONDITION } from '../permissions';

/** Props of {@link RetentionPurge}. */
export interface RetentionPurgeProps {
  /** What the function's environment and permissions name. */
  readonly platform: PlatformResources;
  /** When the purge runs. @default - daily at 03:17 UTC, outside business hours in Europe and the Americas */
  readonly schedule?: events.Schedule;
}

/**
 * The daily retention purge: an EventBridge schedule runs the purge function, which deletes the final snapshots
 * and retained automated backups of tenants whose `purgeAfter` has passed (in the tenant's Region and the backup
 * Region) and records them PURGED. Deleting needs the platform's `managed-by` tag on the snapshot (IAM) and the
 * tenant's tags (the function). Alarms: any tenant the purge failed on, any resource it refused to delete, and
 * the function's own errors.
 */
export class RetentionPurge extends Construct {
  public readonly function: HandlerFunction;
  /** Raised when a run failed on a tenant or found a resource it does not own. */
  public readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: RetentionPurgeProps) {
    super(scope, id);
    const { platform } = props;
    const stack = Stack.of(this);
    const regions = [...new Set([stack.region, ...(platform.backupRegion ? [platform.backupRegion] : [])])];
    const rdsArn = (resource: string, region: string) =>
      stack.formatArn({
        service: 'rds',
        resource,
        resourceName: '*',
        region,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    const snapshots = regions.map((r) => rdsArn('snapshot', r));
    const backups = regions.map((r) => rdsArn('auto-backup', r));
    const spec: HandlerSpec = {
      folder: 'purge-retained',
      description: 'Deletes final snapshots and retained backups once their retention passed, and records PURGED',
      invocation: 'event',
      memorySize: 256,
      timeoutSeconds: 900,
      environment: (p) => [
        setting(RUNTIME_ENV.registryTable, p.table.tableName),
        setting(RUNTIME_ENV.alertTopicArn, p.foundation.alertTopic.topicArn),
      ],
      access: (p) => ({
        statements: [
          onRegistry(p, ['dynamodb:UpdateItem']),
          onRegistry(p, ['dynamodb:Query'], REGISTRY_STATUS_INDEX),
          allow(['rds:DescribeDBSnapshots'], snapshots),
          allow(['rds:DeleteDBSnapshot'], snapshots, MANAGED_RESOURCE_CONDITION),
          allow(['rds:DescribeDBInstanceAutomatedBackups', 'rds:DeleteDBInstanceAutomatedBackup'], backups),
          allow(['sns:Publish'], [p.foundation.alertTopic.topicArn]),
        ],
        keyActions: registryKeyActions('write'),
        accepted: {
          reason:
            'Final snapshots and retained backups are named by the offboarding at run time; the grants are limited to the platform Regions, and DeleteDBSnapshot additionally requires the platform managed-by tag on the snapshot (the function also checks the tenant tag).',
          findings: regions.flatMap((r) => {
            const region = r === stack.region ? '<AWS::Region>' : r;
            return [
              `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:rds:${region}:<AWS::AccountId>:snapshot:*]`,
              `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:rds:${region}:<AWS::AccountId>:auto-backup:*]`,
            ];
          }),
        },
      }),
    };
    this.function = addHandler(this, 'Function', spec, platform);
    new events.Rule(this, 'Schedule', {
      description: 'Runs the retention purge of offboarded tenants',
      schedule: props.schedule ?? events.Schedule.cron({ hour: '3', minute: '17' }),
      // A failed run is followed by the next day's; the alarms below say it failed.
      targets: [
        new targets.LambdaFunction(this.function.function, { retryAttempts: 2, maxEventAge: Duration.hours(6) }),
      ],
    });
    const notify = new actions.SnsAction(platform.foundation.alertTopic);
    const metric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: SERVICE_NAME },
        statistic: 'Sum',
        period: Duration.days(1),
      });
    const alarm = (alarmId: string, description: string, m: cloudwatch.IMetric) => {
      const a = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: description,
        metric: m,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(notify);
      a.addOkAction(notify);
      return a;
    };
    this.alarms = [
      alarm(
        'FailedAlarm',
        'The retention purge failed on a tenant; the next run repeats it',
        metric(PURGE_METRICS.failed),
      ),
      alarm(
        'ForeignResourceAlarm',
        'The retention purge found a kept snapshot or backup not tagged for its tenant and left it (see the alert)',
        metric(PURGE_METRICS.foreign),
      ),
      alarm(
        'ErrorsAlarm',
        'The retention purge function failed',
        this.function.function.metricErrors({ period: Duration.days(1), statistic: 'Sum' }),
      ),
    ];
  }
}
