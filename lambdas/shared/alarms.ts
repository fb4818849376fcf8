/**
 * The tenant's CloudWatch alarms as they exist in AWS: ConfigureAlarms checks whose they are before putting them,
 * and Rollback finds and deletes the ones its execution created.
 *
 * @module
 */
import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
  type Tag,
} from '@aws-sdk/client-cloudwatch';
import { awsErrorName } from './errors';

/** An alarm that already exists under one of the tenant's names, with its tags. */
export interface ExistingAlarm {
  name: string;
  tags: readonly Tag[] | undefined;
}

/**
 * CloudWatch's "no such alarm" errors, by their names in @aws-sdk/client-cloudwatch: DeleteAlarms raises
 * `ResourceNotFound`, ListTagsForResource raises `ResourceNotFoundException`.
 */
const ALARM_NOT_FOUND = new Set(['ResourceNotFound', 'ResourceNotFoundException']);

/** True when a CloudWatch call failed because the alarm does not exist (any more). */
export function isAlarmNotFound(error: unknown): boolean {
  return ALARM_NOT_FOUND.has(awsErrorName(error) ?? '');
}

/**
 * The tenant's alarms that exist now (DescribeAlarms by name), with their tags. An alarm deleted between
 * DescribeAlarms and its ListTagsForResource is simply absent.
 */
export async function existingAlarms(client: CloudWatchClient, names: string[]): Promise<ExistingAlarm[]> {
  const { MetricAlarms = [] } = await client.send(new DescribeAlarmsCommand({ AlarmNames: names }));
  const alarms = await Promise.all(
    MetricAlarms.map(async (alarm): Promise<ExistingAlarm | undefined> => {
      try {
        const { Tags } = await client.send(new ListTagsForResourceCommand({ ResourceARN: alarm.AlarmArn }));
        return { name: alarm.AlarmName ?? '(unnamed)', tags: Tags };
      } catch (error) {
        if (isAlarmNotFound(error)) return undefined;
        throw error;
      }
    }),
  );
  return alarms.filter((alarm): alarm is ExistingAlarm => alarm !== undefined);
}
