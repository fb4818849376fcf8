/**
 * What of a tier change's ModifyDBInstance request the instance still needs, and which answers of RDS are refusals.
 * Pure, so every parameter and error is table-tested.
 *
 * A re-run or a retried step compares the request with what DescribeDBInstances reports, current or pending, and
 * sends only the difference: a modification RDS already accepted is carried forward, never sent twice or undone.
 *
 * @module
 */
import type { DBInstance, ModifyDBInstanceMessage } from '@aws-sdk/client-rds';
import { STORAGE_PARAMETERS } from '../shared/lifecycle/tier-change';

/** Parameters that travel together: RDS needs the size with the IOPS of a volume that has them, and so on. */
const GROUPS: readonly (readonly (keyof ModifyDBInstanceMessage)[])[] = [
  STORAGE_PARAMETERS as (keyof ModifyDBInstanceMessage)[],
  [
    'DatabaseInsightsMode',
    'EnablePerformanceInsights',
    'PerformanceInsightsRetentionPeriod',
    'PerformanceInsightsKMSKeyId',
  ],
  ['MonitoringInterval', 'MonitoringRoleArn'],
];

/** The described value each compared request parameter corresponds to (current, then pending). */
function reported(instance: DBInstance, key: keyof ModifyDBInstanceMessage): unknown[] {
  const pending = (instance.PendingModifiedValues ?? {}) as Record<string, unknown>;
  switch (key) {
    case 'EnablePerformanceInsights':
      return [instance.PerformanceInsightsEnabled ?? false];
    case 'PerformanceInsightsKMSKeyId':
      return [instance.PerformanceInsightsKMSKeyId];
    default:
      return [(instance as Record<string, unknown>)[key], pending[key]];
  }
}

/** True when the instance has (or has pending) `value` for `key`. */
function alreadyHas(instance: DBInstance, key: keyof ModifyDBInstanceMessage, value: unknown): boolean {
  if (key === 'CloudwatchLogsExportConfiguration') {
    const config = value as ModifyDBInstanceMessage['CloudwatchLogsExportConfiguration'];
    const enabled = instance.EnabledCloudwatchLogsExports ?? [];
    return (
      (config?.EnableLogTypes ?? []).every((t) => enabled.includes(t)) &&
      (config?.DisableLogTypes ?? []).every((t) => !enabled.includes(t))
    );
  }
  return reported(instance, key).some((v) => v === value);
}

const CONTROL: readonly string[] = ['DBInstanceIdentifier', 'ApplyImmediately'];
const DEPENDENT: readonly string[] = ['MonitoringRoleArn', 'PerformanceInsightsKMSKeyId'];

/**
 * The part of `request` that `instance` neither has nor has pending, with each group of parameters RDS wants together
 * kept whole; undefined when nothing is left to send.
 */
export function remainingModification(
  request: ModifyDBInstanceMessage,
  instance: DBInstance,
): ModifyDBInstanceMessage | undefined {
  const keys = (Object.keys(request) as (keyof ModifyDBInstanceMessage)[]).filter(
    (key) => request[key] !== undefined && !CONTROL.includes(key),
  );
  // The role and the key only go with what they serve: on their own they are no reason to send a request.
  const needed = new Set(keys.filter((key) => !DEPENDENT.includes(key) && !alreadyHas(instance, key, request[key])));
  if (needed.size === 0) return undefined;
  for (const group of GROUPS) {
    if (group.some((key) => needed.has(key))) for (const key of group) if (keys.includes(key)) needed.add(key);
  }
  const kept = Object.fromEntries(keys.filter((key) => needed.has(key)).map((key) => [key, request[key]]));
  return { DBInstanceIdentifier: request.DBInstanceIdentifier, ...kept, ApplyImmediately: request.ApplyImmediately };
}

/**
 * ModifyDBInstance errors that mean "RDS will not make this change" (ModifyDBInstance API reference, Errors): the
 * request is refused as a whole and nothing changed. InvalidDBInstanceState is one too: the instance is busy with
 * another modification, and a tier change does not queue behind it.
 */
const REFUSALS = new Set([
  'InvalidParameterCombination',
  'InvalidParameterValue',
  'InsufficientDBInstanceCapacity',
  'InsufficientDBInstanceCapacityFault',
  'StorageQuotaExceeded',
  'StorageQuotaExceededFault',
  'StorageTypeNotSupported',
  'StorageTypeNotSupportedFault',
  'InvalidDBInstanceState',
  'InvalidDBInstanceStateFault',
  'ProvisionedIopsNotAvailableInAZFault',
  'InvalidDBSecurityGroupState',
]);

/** True when `errorName` (an RDS error code) refuses the modification. */
export function isRefusal(errorName: string | undefined): boolean {
  return errorName !== undefined && REFUSALS.has(errorName);
}

/** RDS refuses a storage change for 6 hours after the last one (RDS User Guide, "Working with storage"). */
const STORAGE_COOLDOWN_HOURS = 6;

/**
 * Why a change that modifies storage cannot be made now, or undefined: the last storage change ended less than
 * {@link STORAGE_COOLDOWN_HOURS} ago.
 */
export function storageCooldownProblem(
  changesStorage: boolean,
  storageChangedAt: string | undefined,
  now: number,
): string | undefined {
  if (!changesStorage || storageChangedAt === undefined) return undefined;
  const until = Date.parse(storageChangedAt) + STORAGE_COOLDOWN_HOURS * 3600_000;
  if (!(now < until)) return undefined;
  return `the storage changed at ${storageChangedAt}; RDS refuses another storage change for ${STORAGE_COOLDOWN_HOURS} hours, until ${new Date(until).toISOString()} (run the change again then)`;
}
