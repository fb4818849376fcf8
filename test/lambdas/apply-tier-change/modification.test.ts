import type { DBInstance, ModifyDBInstanceMessage } from '@aws-sdk/client-rds';
import {
  isRefusal,
  remainingModification,
  storageCooldownProblem,
} from '../../../lambdas/apply-tier-change/modification';

const INSTANCE: DBInstance = {
  DBInstanceIdentifier: 'tenant-acme',
  DBInstanceClass: 'db.t4g.micro',
  MultiAZ: false,
  AllocatedStorage: 20,
  StorageType: 'gp3',
  MaxAllocatedStorage: 100,
  BackupRetentionPeriod: 7,
  PerformanceInsightsEnabled: false,
  MonitoringInterval: 0,
  EnabledCloudwatchLogsExports: ['postgresql'],
  PendingModifiedValues: {},
};

const request = (fields: Partial<ModifyDBInstanceMessage>): ModifyDBInstanceMessage => ({
  DBInstanceIdentifier: 'tenant-acme',
  ...fields,
  ApplyImmediately: true,
});

describe('remainingModification', () => {
  it.each<[string, Partial<ModifyDBInstanceMessage>, DBInstance, Partial<ModifyDBInstanceMessage> | undefined]>([
    ['a new class is sent', { DBInstanceClass: 'db.m7g.large' }, INSTANCE, { DBInstanceClass: 'db.m7g.large' }],
    ['a class the instance has is not', { DBInstanceClass: 'db.t4g.micro' }, INSTANCE, undefined],
    [
      'a class RDS holds pending (a crash after the request) is not sent again',
      { DBInstanceClass: 'db.m7g.large', MultiAZ: true },
      { ...INSTANCE, PendingModifiedValues: { DBInstanceClass: 'db.m7g.large', MultiAZ: true } },
      undefined,
    ],
    [
      'storage travels whole: the type goes with a new size',
      { AllocatedStorage: 100, StorageType: 'gp3' },
      INSTANCE,
      { AllocatedStorage: 100, StorageType: 'gp3' },
    ],
    [
      'the monitoring role goes only with a new interval',
      { MonitoringInterval: 0, MonitoringRoleArn: 'arn:aws:iam::111122223333:role/monitoring' },
      INSTANCE,
      undefined,
    ],
    [
      'Performance Insights turned on carries its key and retention',
      { EnablePerformanceInsights: true, PerformanceInsightsRetentionPeriod: 7, PerformanceInsightsKMSKeyId: 'key' },
      INSTANCE,
      { EnablePerformanceInsights: true, PerformanceInsightsRetentionPeriod: 7, PerformanceInsightsKMSKeyId: 'key' },
    ],
    [
      'log exports already enabled are not sent',
      { CloudwatchLogsExportConfiguration: { EnableLogTypes: ['postgresql'] } },
      INSTANCE,
      undefined,
    ],
    [
      'a log export to turn off is sent',
      { CloudwatchLogsExportConfiguration: { DisableLogTypes: ['postgresql'] } },
      INSTANCE,
      { CloudwatchLogsExportConfiguration: { DisableLogTypes: ['postgresql'] } },
    ],
  ])('%s', (_case, fields, instance, expected) => {
    // Act
    const remaining = remainingModification(request(fields), instance);

    // Assess
    expect(remaining).toEqual(expected === undefined ? undefined : request(expected));
  });
});

describe('isRefusal', () => {
  it.each([
    ['InsufficientDBInstanceCapacity', true],
    ['InsufficientDBInstanceCapacityFault', true],
    ['InvalidParameterCombination', true],
    ['StorageQuotaExceeded', true],
    ['InvalidDBInstanceState', true],
    ['ThrottlingException', false],
    ['AccessDenied', false],
    ['__proto__', false],
    [undefined, false],
  ])('%s → %s', (name, expected) => {
    expect(isRefusal(name)).toBe(expected);
  });
});

describe('storageCooldownProblem', () => {
  const NOW = Date.parse('2026-12-01T12:00:00Z');

  it.each<[string, boolean, string | undefined, RegExp | undefined]>([
    ['no storage change', false, '2026-12-01T11:00:00Z', undefined],
    ['no storage change before', true, undefined, undefined],
    ['a storage change 6 hours ago', true, '2026-12-01T06:00:00Z', undefined],
    ['a storage change an hour ago', true, '2026-12-01T11:00:00Z', /until 2026-12-01T17:00:00.000Z/],
  ])('%s', (_case, changesStorage, changedAt, expected) => {
    // Act
    const problem = storageCooldownProblem(changesStorage, changedAt, NOW);

    // Assess
    if (expected) expect(problem).toMatch(expected);
    else expect(problem).toBeUndefined();
  });
});
