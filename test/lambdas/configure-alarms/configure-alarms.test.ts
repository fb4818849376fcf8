import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
  PutMetricAlarmCommand,
  ResourceNotFound,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch';
import {
  AuthorizationErrorException,
  GetTopicAttributesCommand,
  NotFoundException,
  SNSClient,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { alarmOwnershipConflict, alertTopicArnProblem } from '../../../lambdas/configure-alarms/configure-alarms';
import { handler } from '../../../lambdas/configure-alarms/handler';
import { buildAlarmRequests } from '../../../lambdas/shared/alarm-requests';
import { isAlarmNotFound } from '../../../lambdas/shared/alarms';
import type { ValidatedRequest, WorkflowState } from '../../../lambdas/shared/contracts';
import { ALARM_KEYS, alarmNames, type OwnerContext, ownershipTags } from '../../../lambdas/shared/naming';
import { DEFAULT_TIERS, type TierDefinition } from '../../../lambdas/shared/tiers';
import { lambdaContext } from '../../../lib/local/workflows/lambda-context';

const ACCOUNT = '123456789012';
const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:tenant-db-alerts`;
const TIERS = Object.keys(DEFAULT_TIERS);

function tierOf(name: string): TierDefinition {
  const tier = DEFAULT_TIERS[name];
  if (!tier) throw new Error(`no tier ${name}`);
  return tier;
}

function ownerFor(tier: string, execution = `acme-${tier}-1`, tenantId = 'acme'): OwnerContext {
  return {
    tenantId,
    tier,
    executionArn: `arn:aws:states:us-east-1:${ACCOUNT}:execution:tenant-db-provisioning:${execution}`,
  };
}

function stateFor(tier: string): WorkflowState {
  const owner = ownerFor(tier);
  return {
    request: { ...owner, tierDefinition: tierOf(tier) } as ValidatedRequest,
    instance: {
      instanceId: 'tenant-acme',
      instanceArn: `arn:aws:rds:us-east-1:${ACCOUNT}:db:tenant-acme`,
      deadline: '2026-11-26T12:00:00.000Z',
    },
  };
}

/** Expected thresholds per tier, worked out by hand from the catalog (bytes for storage and memory, seconds for latency). */
const EXPECTED = {
  starter: {
    'cpu-utilization': 85,
    'free-storage': 2_147_483_648, // 10 % of 20 GiB
    'freeable-memory': 67_108_864, // 64 MiB
    'database-connections': 90,
    'read-latency': 0.025,
    'write-latency': 0.025,
  },
  pro: {
    'cpu-utilization': 80,
    'free-storage': 10_737_418_240, // 10 % of 100 GiB
    'freeable-memory': 536_870_912, // 512 MiB
    'database-connections': 700,
    'read-latency': 0.02,
    'write-latency': 0.02,
  },
  enterprise: {
    'cpu-utilization': 75,
    'free-storage': 80_530_636_800, // 15 % of 500 GiB
    'freeable-memory': 2_147_483_648, // 2048 MiB
    'database-connections': 3000,
    'read-latency': 0.01,
    'write-latency': 0.01,
  },
} as const;

const METRICS = {
  'cpu-utilization': ['CPUUtilization', 'Average', 'GreaterThanThreshold', 'missing'],
  'free-storage': ['FreeStorageSpace', 'Minimum', 'LessThanThreshold', 'missing'],
  'freeable-memory': ['FreeableMemory', 'Average', 'LessThanThreshold', 'missing'],
  'database-connections': ['DatabaseConnections', 'Maximum', 'GreaterThanThreshold', 'missing'],
  'read-latency': ['ReadLatency', 'Average', 'GreaterThanThreshold', 'notBreaching'],
  'write-latency': ['WriteLatency', 'Average', 'GreaterThanThreshold', 'notBreaching'],
} as const;

describe('buildAlarmRequests', () => {
  it.each(TIERS.flatMap((tier) => ALARM_KEYS.map((key) => [tier, key] as const)))(
    'builds the %s %s alarm on the instance metric',
    (tier, key) => {
      // Prepare
      const owner = ownerFor(tier);
      const [metricName, statistic, comparison, missing] = METRICS[key];
      const alarms = tierOf(tier).alarms;

      // Act
      const request = buildAlarmRequests('acme', 'tenant-acme', tierOf(tier), TOPIC_ARN, owner)[
        ALARM_KEYS.indexOf(key)
      ];

      // Assess
      expect(request).toEqual({
        AlarmName: `tenant-alarm-acme-${key}`,
        AlarmDescription: expect.stringMatching(/^Tenant acme \(tenant-acme, tier \w+\): .+ consecutive .+ periods\.$/),
        Namespace: 'AWS/RDS',
        MetricName: metricName,
        Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'tenant-acme' }],
        Statistic: statistic,
        Period: alarms.periodSeconds,
        EvaluationPeriods: alarms.evaluationPeriods,
        DatapointsToAlarm: alarms.evaluationPeriods,
        Threshold: EXPECTED[tier as keyof typeof EXPECTED][key],
        ComparisonOperator: comparison,
        TreatMissingData: missing,
        ActionsEnabled: true,
        AlarmActions: [TOPIC_ARN],
        OKActions: [TOPIC_ARN],
        Tags: ownershipTags(owner),
      });
    },
  );

  it.each([
    ['cpu-utilization', 'average CPU utilization above 80%'],
    ['free-storage', 'free storage below 10% of the 100 GiB allocated at creation'],
    ['freeable-memory', 'average freeable memory below 512 MiB'],
    ['database-connections', 'more than 700 database connections'],
    ['read-latency', 'average read latency above 20 ms'],
    ['write-latency', 'average write latency above 20 ms'],
  ])('describes the %s alarm with tenant, condition and duration', (key, condition) => {
    // Act
    const requests = buildAlarmRequests('acme', 'tenant-acme', tierOf('pro'), TOPIC_ARN, ownerFor('pro'));

    // Assess
    expect(requests.find((r) => r.AlarmName === `tenant-alarm-acme-${key}`)?.AlarmDescription).toBe(
      `Tenant acme (tenant-acme, tier pro): ${condition} for 3 consecutive 5 min periods.`,
    );
  });

  it.each(TIERS)('stays within the PutMetricAlarm limits for the longest tenant id (%s)', (tier) => {
    // Prepare
    const tenantId = `t${'x'.repeat(31)}`;
    const owner = ownerFor(tier, `${tenantId}-${tier}-1`, tenantId);

    // Act
    const requests = buildAlarmRequests(tenantId, `tenant-${tenantId}`, tierOf(tier), TOPIC_ARN, owner);

    // Assess
    expect(requests.map((r) => r.AlarmName)).toEqual(alarmNames(tenantId));
    for (const request of requests) {
      expect(request.AlarmName?.length).toBeLessThanOrEqual(255);
      expect(request.AlarmDescription?.length).toBeLessThanOrEqual(1024);
      expect(request.AlarmDescription).toContain(tenantId);
      // Period is 60 or a multiple of 60; under one hour the evaluated range may span at most one day.
      expect((request.Period ?? 0) % 60).toBe(0);
      expect((request.Period ?? 0) * (request.EvaluationPeriods ?? 0)).toBeLessThanOrEqual(86_400);
      expect(request.DatapointsToAlarm).toBeLessThanOrEqual(request.EvaluationPeriods ?? 0);
      expect(request.Tags?.length).toBeLessThanOrEqual(50);
      expect(request.AlarmActions?.length).toBeLessThanOrEqual(5);
    }
  });
});

describe('alarmOwnershipConflict', () => {
  const owner = ownerFor('pro');

  it.each([
    ['no alarm exists', [], undefined],
    [
      'every alarm is this execution\u2019s',
      [{ name: 'tenant-alarm-acme-cpu-utilization', tags: ownershipTags(owner) }],
      undefined,
    ],
    [
      'an alarm belongs to an earlier execution',
      [
        { name: 'tenant-alarm-acme-cpu-utilization', tags: ownershipTags(owner) },
        { name: 'tenant-alarm-acme-free-storage', tags: ownershipTags(ownerFor('pro', 'acme-pro-0')) },
      ],
      `alarm tenant-alarm-acme-free-storage already exists and belongs to execution ${ownerFor('pro', 'acme-pro-0').executionArn}`,
    ],
    [
      'an alarm was made by hand',
      [{ name: 'tenant-alarm-acme-read-latency', tags: [] }],
      'alarm tenant-alarm-acme-read-latency already exists and was not created by the tenant database platform',
    ],
  ])('when %s', (_case, existing, expected) => {
    // Act
    const conflict = alarmOwnershipConflict(existing, owner);

    // Assess
    expect(conflict).toBe(expected);
  });
});

describe('isAlarmNotFound', () => {
  it.each<[string, Error, boolean]>([
    ['DeleteAlarms: ResourceNotFound', new ResourceNotFound({ message: 'gone', $metadata: {} }), true],
    [
      'ListTagsForResource: ResourceNotFoundException',
      new ResourceNotFoundException({ message: 'gone', $metadata: {} }),
      true,
    ],
    ['access denied', Object.assign(new Error('denied'), { name: 'AccessDenied' }), false],
  ])('%s is %s', (_case, error, expected) => {
    // Act
    const notFound = isAlarmNotFound(error);

    // Assess
    expect(notFound).toBe(expected);
  });
});

describe('alertTopicArnProblem', () => {
  it.each([
    TOPIC_ARN,
    'arn:aws-us-gov:sns:us-gov-west-1:123456789012:alerts',
    'arn:aws-cn:sns:cn-north-1:123456789012:alerts_1',
    `arn:aws:sns:ap-southeast-2:123456789012:${'t'.repeat(256)}`,
  ])('accepts the standard topic %s', (arn) => {
    // Act & Assess
    expect(alertTopicArnProblem(arn)).toBeUndefined();
  });

  it.each<[string, string]>([
    ['a FIFO topic (alarm actions publish to standard topics only)', `${TOPIC_ARN}.fifo`],
    ['a topic name', 'tenant-db-alerts'],
    ['an empty value', ''],
    ['a queue ARN', `arn:aws:sqs:us-east-1:${ACCOUNT}:tenant-db-alerts`],
    ['a short account', 'arn:aws:sns:us-east-1:12345:tenant-db-alerts'],
    ['no Region', `arn:aws:sns::${ACCOUNT}:tenant-db-alerts`],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an unresolved CDK token, as it reads before synthesis.
    ['an unresolved token', '${Token[TOKEN.123]}'],
    ['a name over 256 characters', `arn:aws:sns:us-east-1:${ACCOUNT}:${'t'.repeat(257)}`],
    ['a trailing line break', `${TOPIC_ARN}\n`],
  ])('refuses %s, naming ALERT_TOPIC_ARN', (_case, arn) => {
    // Act
    const problem = alertTopicArnProblem(arn);

    // Assess
    expect(problem).toMatch(/^ALERT_TOPIC_ARN must be the ARN of a standard SNS topic/);
  });

  it('quotes at most 300 characters of a long value', () => {
    // Act
    const problem = alertTopicArnProblem('x'.repeat(10_000));

    // Assess
    expect(problem?.length).toBeLessThan(500);
  });
});

describe('handler', () => {
  const cloudwatch = mockClient(CloudWatchClient);
  const sns = mockClient(SNSClient);

  beforeEach(() => {
    cloudwatch.reset();
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] }).on(PutMetricAlarmCommand).resolves({});
    sns.reset();
    sns.on(GetTopicAttributesCommand).resolves({ Attributes: { TopicArn: TOPIC_ARN } });
    process.env.ALERT_TOPIC_ARN = TOPIC_ARN;
  });

  it('checks that the alert topic exists before it puts any alarm', async () => {
    // Act
    await handler(stateFor('pro'), lambdaContext());

    // Assess
    expect(sns).toHaveReceivedCommandWith(GetTopicAttributesCommand, { TopicArn: TOPIC_ARN });
    const [checked] = sns.commandCalls(GetTopicAttributesCommand);
    const [firstAlarm] = cloudwatch.commandCalls(PutMetricAlarmCommand);
    expect(firstAlarm && checked?.calledBefore(firstAlarm)).toBe(true);
  });

  it.each<[string, string, () => void, RegExp]>([
    ['a malformed topic ARN', 'tenant-db-alerts', () => undefined, /must be the ARN of a standard SNS topic/],
    ['a FIFO topic', `${TOPIC_ARN}.fifo`, () => undefined, /must be the ARN of a standard SNS topic/],
    [
      'a topic that does not exist',
      TOPIC_ARN,
      () =>
        sns
          .on(GetTopicAttributesCommand)
          .rejects(new NotFoundException({ message: 'Topic does not exist', $metadata: {} })),
      /alert topic .*tenant-db-alerts does not exist: the tenant's alarms would notify nobody/,
    ],
  ])('fails with ConfigurationError, putting no alarm, for %s', async (_case, topicArn, arrange, message) => {
    // Prepare
    process.env.ALERT_TOPIC_ARN = topicArn;
    arrange();

    // Act
    const outcome = handler(stateFor('pro'), lambdaContext());

    // Assess
    await expect(outcome).rejects.toMatchObject({
      name: 'ConfigurationError',
      message: expect.stringMatching(message),
    });
    expect(cloudwatch).not.toHaveReceivedCommand(PutMetricAlarmCommand);
  });

  it('does not call SNS about a topic ARN of the wrong shape', async () => {
    // Prepare
    process.env.ALERT_TOPIC_ARN = `${TOPIC_ARN}.fifo`;

    // Act
    await handler(stateFor('pro'), lambdaContext()).catch(() => undefined);

    // Assess
    expect(sns).not.toHaveReceivedAnyCommand();
    expect(cloudwatch).not.toHaveReceivedAnyCommand();
  });

  it('passes other SNS errors on for the step to classify, putting no alarm', async () => {
    // Prepare
    sns
      .on(GetTopicAttributesCommand)
      .rejects(new AuthorizationErrorException({ message: 'not authorized', $metadata: { httpStatusCode: 403 } }));

    // Act
    const outcome = handler(stateFor('pro'), lambdaContext());

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'AwsRequestError' });
    expect(cloudwatch).not.toHaveReceivedCommand(PutMetricAlarmCommand);
  });

  it.each(TIERS)('puts the six alarms of a tenant that has none (%s)', async (tier) => {
    // Act
    const result = await handler(stateFor(tier), lambdaContext());

    // Assess
    expect(result).toEqual({ alarmNames: alarmNames('acme') });
    expect(cloudwatch).toHaveReceivedCommandWith(DescribeAlarmsCommand, { AlarmNames: alarmNames('acme') });
    expect(cloudwatch).toHaveReceivedCommandTimes(PutMetricAlarmCommand, ALARM_KEYS.length);
    const sent = cloudwatch.commandCalls(PutMetricAlarmCommand).map((call) => call.args[0].input);
    expect(sent).toEqual(buildAlarmRequests('acme', 'tenant-acme', tierOf(tier), TOPIC_ARN, ownerFor(tier)));
  });

  it.each(TIERS)('overwrites alarms an earlier attempt of this execution created (%s)', async (tier) => {
    // Prepare
    const arn = `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:tenant-alarm-acme-cpu-utilization`;
    cloudwatch
      .on(DescribeAlarmsCommand)
      .resolves({ MetricAlarms: [{ AlarmName: 'tenant-alarm-acme-cpu-utilization', AlarmArn: arn }] })
      .on(ListTagsForResourceCommand, { ResourceARN: arn })
      .resolves({ Tags: ownershipTags(ownerFor(tier)) });

    // Act
    const result = await handler(stateFor(tier), lambdaContext());

    // Assess
    expect(result.alarmNames).toHaveLength(ALARM_KEYS.length);
    expect(cloudwatch).toHaveReceivedCommandTimes(PutMetricAlarmCommand, ALARM_KEYS.length);
  });

  it('refuses to take over an alarm another execution owns', async () => {
    // Prepare
    const arn = `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:tenant-alarm-acme-free-storage`;
    cloudwatch
      .on(DescribeAlarmsCommand)
      .resolves({ MetricAlarms: [{ AlarmName: 'tenant-alarm-acme-free-storage', AlarmArn: arn }] })
      .on(ListTagsForResourceCommand)
      .resolves({ Tags: ownershipTags(ownerFor('pro', 'acme-pro-0')) });

    // Act
    const outcome = handler(stateFor('pro'), lambdaContext());

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'OwnershipConflictError' });
    expect(cloudwatch).not.toHaveReceivedCommand(PutMetricAlarmCommand);
  });

  it('treats an alarm deleted between DescribeAlarms and ListTagsForResource as absent', async () => {
    // Prepare: another execution's alarm, gone by the time its tags are read
    const arn = `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:tenant-alarm-acme-free-storage`;
    cloudwatch
      .on(DescribeAlarmsCommand)
      .resolves({ MetricAlarms: [{ AlarmName: 'tenant-alarm-acme-free-storage', AlarmArn: arn }] })
      .on(ListTagsForResourceCommand)
      .rejects(
        new ResourceNotFoundException({ message: `The specified resource ${arn} does not exist.`, $metadata: {} }),
      );

    // Act
    const result = await handler(stateFor('pro'), lambdaContext());

    // Assess
    expect(result.alarmNames).toEqual(alarmNames('acme'));
    expect(cloudwatch).toHaveReceivedCommandTimes(PutMetricAlarmCommand, ALARM_KEYS.length);
  });

  it('fails with ConfigurationError when ALERT_TOPIC_ARN is not set', async () => {
    // Prepare
    delete process.env.ALERT_TOPIC_ARN;

    // Act
    const outcome = handler(stateFor('starter'), lambdaContext());

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'ConfigurationError' });
    expect(cloudwatch).not.toHaveReceivedAnyCommand();
    expect(sns).not.toHaveReceivedAnyCommand();
  });
});
