import type { CreateLogGroupCommandInput } from '@aws-sdk/client-cloudwatch-logs';
import type { EnvVar } from '../shared/config';
import type { ValidatedRequest } from '../shared/contracts';
import { ConfigurationError } from '../shared/errors';
import { instanceIdentifier, ownershipTags } from '../shared/naming';

/** Retention when {@link TENANT_LOG_RETENTION_DAYS} is not set. */
export const DEFAULT_TENANT_LOG_RETENTION_DAYS = 365;

/** The only values PutRetentionPolicy accepts (CloudWatch Logs API reference, `retentionInDays`). */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/**
 * Days the tenant's exported PostgreSQL logs are kept; the stack sets it to the platform's log retention. Unset
 * means {@link DEFAULT_TENANT_LOG_RETENTION_DAYS}; anything CloudWatch Logs would refuse is a
 * {@link ConfigurationError}, raised before any AWS call so a misconfigured stack creates nothing.
 *
 * @example
 * ```ts
 * TENANT_LOG_RETENTION_DAYS.parse(undefined); // 365
 * TENANT_LOG_RETENTION_DAYS.parse('731'); // 731
 * TENANT_LOG_RETENTION_DAYS.parse('366'); // throws ConfigurationError
 * ```
 */
export const TENANT_LOG_RETENTION_DAYS: EnvVar<number> = {
  name: 'TENANT_LOG_RETENTION_DAYS',
  parse: (raw) => {
    if (raw === undefined || raw.trim() === '') return DEFAULT_TENANT_LOG_RETENTION_DAYS;
    const days = Number(raw);
    if (!LOG_RETENTION_DAYS.includes(days)) {
      throw new ConfigurationError(
        `TENANT_LOG_RETENTION_DAYS must be one of the retention periods CloudWatch Logs accepts (${LOG_RETENTION_DAYS.join(', ')}); got "${raw}"`,
      );
    }
    return days;
  },
};

/**
 * The log group RDS publishes one exported log type of an instance to (RDS User Guide, "Publishing PostgreSQL
 * logs to Amazon CloudWatch Logs"). RDS writes into a group of that name when it already exists.
 */
function rdsLogGroupName(instanceId: string, logType: string): string {
  return `/aws/rds/instance/${instanceId}/${logType}`;
}

/**
 * The CreateLogGroup requests for every log type the tenant's tier exports. Created before the instance, so the
 * groups RDS writes to are encrypted with the platform key and carry the ownership tags; left to RDS, they would
 * be created unencrypted by the platform key, untagged and without retention.
 *
 * @example
 * ```ts
 * for (const input of buildLogGroupRequests(request, platform.kmsKeyArn)) {
 *   await logs.send(new CreateLogGroupCommand(input));
 * }
 * ```
 */
export function buildLogGroupRequests(request: ValidatedRequest, kmsKeyArn: string): CreateLogGroupCommandInput[] {
  const instanceId = instanceIdentifier(request.tenantId);
  const tags = Object.fromEntries(
    ownershipTags({ tenantId: request.tenantId, tier: request.tier, executionArn: request.executionArn }).map((t) => [
      t.Key,
      t.Value,
    ]),
  );
  return request.tierDefinition.monitoring.logExports.map((logType) => ({
    logGroupName: rdsLogGroupName(instanceId, logType),
    kmsKeyId: kmsKeyArn,
    tags: { ...tags },
  }));
}
