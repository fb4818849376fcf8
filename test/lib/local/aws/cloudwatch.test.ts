import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  ListTagsForResourceCommand,
  MissingRequiredParameterException,
  PutMetricAlarmCommand,
  type PutMetricAlarmCommandInput,
  ResourceNotFoundException,
  TagResourceCommand,
} from '@aws-sdk/client-cloudwatch';
import { alarmRequest, useAwsDouble } from '../../../../lib/local/aws/fixtures';

const cloudwatch = new CloudWatchClient({});
const NAME = 'tenant-alarm-acme-cpu-utilization';
const ARN = `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${NAME}`;

const putAlarm = (overrides: Partial<PutMetricAlarmCommandInput> = {}) =>
  cloudwatch.send(new PutMetricAlarmCommand({ ...alarmRequest(NAME), ...overrides }));

describe('CloudWatch double', () => {
  const aws = useAwsDouble();

  describe('PutMetricAlarm checks', () => {
    it.each<[string, Partial<PutMetricAlarmCommandInput>, new (...args: never[]) => Error]>([
      ['a 256-character name', { AlarmName: 'a'.repeat(256) }, InvalidParameterValueException],
      ['a name with a line break', { AlarmName: 'cpu\nalarm' }, InvalidParameterValueException],
      ['no EvaluationPeriods', { EvaluationPeriods: undefined }, MissingRequiredParameterException],
      ['no Threshold', { Threshold: undefined }, MissingRequiredParameterException],
      ['no Namespace', { Namespace: undefined }, MissingRequiredParameterException],
      ['a 45-second period', { Period: 45 }, InvalidParameterValueException],
      ['more than a day of evaluation at 5-minute periods', { EvaluationPeriods: 289 }, InvalidParameterValueException],
      ['more datapoints than periods', { DatapointsToAlarm: 4 }, InvalidParameterValueException],
      ['Statistic and ExtendedStatistic', { ExtendedStatistic: 'p99' }, InvalidParameterCombinationException],
      ['an unknown comparison', { ComparisonOperator: 'Above' as never }, InvalidParameterValueException],
      [
        'six alarm actions',
        { AlarmActions: Array(6).fill('arn:aws:sns:us-east-1:123456789012:t') },
        InvalidParameterValueException,
      ],
      ['an action that is not an ARN', { AlarmActions: ['tenant-db-alerts'] }, InvalidParameterValueException],
      ['an aws: tag', { Tags: [{ Key: 'aws:cloudformation:stack-name', Value: 'x' }] }, InvalidParameterValueException],
    ])('refuses %s', async (_case, overrides, errorClass) => {
      // Act
      const call = putAlarm(overrides);

      // Assess
      await expect(call).rejects.toBeInstanceOf(errorClass);
      expect(aws().inventory().alarms).toEqual([]);
    });

    it('accepts a week of evaluation at hourly periods', async () => {
      // Act
      const call = putAlarm({ Period: 3600, EvaluationPeriods: 168 });

      // Assess
      await expect(call).resolves.toBeDefined();
      expect(aws().inventory().alarms).toHaveLength(1);
    });
  });

  it('stores the alarm with its ARN and tags, readable by name and by prefix', async () => {
    // Prepare
    await putAlarm();
    await putAlarm({ AlarmName: 'tenant-alarm-acme-free-storage', MetricName: 'FreeStorageSpace' });
    await putAlarm({ AlarmName: 'tenant-alarm-beta-free-storage' });

    // Act
    const byName = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [NAME] }));
    const byPrefix = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'tenant-alarm-acme-' }));
    const { Tags } = await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: ARN }));

    // Assess
    expect(byName.MetricAlarms).toEqual([
      expect.objectContaining({ AlarmName: NAME, AlarmArn: ARN, StateValue: 'INSUFFICIENT_DATA', Threshold: 85 }),
    ]);
    expect(byPrefix.MetricAlarms?.map((a) => a.AlarmName)).toEqual([
      'tenant-alarm-acme-cpu-utilization',
      'tenant-alarm-acme-free-storage',
    ]);
    expect(Tags).toEqual([{ Key: 'tenant-db:tenant-id', Value: 'acme' }]);
  });

  it('ignores the tags of an update, as CloudWatch does, but applies TagResource', async () => {
    // Prepare
    await putAlarm();

    // Act
    await putAlarm({ Threshold: 90, Tags: [{ Key: 'tenant-db:tenant-id', Value: 'intruder' }] });
    const afterUpdate = await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: ARN }));
    await cloudwatch.send(new TagResourceCommand({ ResourceARN: ARN, Tags: [{ Key: 'team', Value: 'db' }] }));
    const afterTagging = await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: ARN }));

    // Assess
    expect(aws().cloudWatch.alarm(NAME, 'us-east-1')?.Threshold).toBe(90);
    expect(afterUpdate.Tags).toEqual([{ Key: 'tenant-db:tenant-id', Value: 'acme' }]);
    expect(afterTagging.Tags).toEqual([
      { Key: 'tenant-db:tenant-id', Value: 'acme' },
      { Key: 'team', Value: 'db' },
    ]);
  });

  it('refuses AlarmNames together with AlarmNamePrefix', async () => {
    // Act
    const call = cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [NAME], AlarmNamePrefix: 'tenant-db-' }));

    // Assess
    await expect(call).rejects.toBeInstanceOf(InvalidParameterCombinationException);
  });

  it('answers ResourceNotFoundException for the tags of an unknown alarm', async () => {
    // Act
    const call = cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: ARN }));

    // Assess
    await expect(call).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('deletes the named alarms and ignores names that do not exist', async () => {
    // Prepare
    await putAlarm();
    await putAlarm({ AlarmName: 'tenant-alarm-beta-cpu-utilization' });

    // Act
    await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: [NAME, 'tenant-alarm-acme-never-created'] }));

    // Assess
    expect(aws().leftovers()).toEqual(['alarm:tenant-alarm-beta-cpu-utilization']);
  });
});
