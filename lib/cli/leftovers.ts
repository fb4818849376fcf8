/**
 * Whether the leftovers a failed rollback recorded (`type:identifier` labels, see lambdas/rollback/plan.ts) are
 * really gone, asked of AWS one by one. Read-only. A label tenantctl cannot check (an unverified reaper note, a type
 * it does not know) counts as still there: only an operator can vouch for it.
 *
 * @module
 */
import { type CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

type LeftoverState = 'gone' | 'present' | 'unverifiable';

export interface LeftoverCheck {
  readonly label: string;
  readonly state: LeftoverState;
  /** What AWS says about it (status, deletion date), or why it cannot be checked. */
  readonly detail?: string;
}

export interface LeftoverClients {
  readonly rds: RDSClient;
  /** An RDS client in another Region (replicated backups live in the backup Region). */
  readonly rdsIn: (region: string) => RDSClient;
  readonly secretsManager: SecretsManagerClient;
  readonly cloudWatch: CloudWatchClient;
}

const errorName = (error: unknown): string => (error as { name?: string }).name ?? '';

async function instance(rds: RDSClient, id: string) {
  try {
    const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
    return DBInstances?.[0];
  } catch (error) {
    if (errorName(error) === 'DBInstanceNotFoundFault' || errorName(error) === 'DBInstanceNotFound') return undefined;
    throw error;
  }
}

type Checker = (identifier: string, clients: LeftoverClients) => Promise<Omit<LeftoverCheck, 'label'>>;

const CHECKERS: Readonly<Record<string, Checker>> = {
  'db-instance': async (id, clients) => {
    const found = await instance(clients.rds, id);
    return found ? { state: 'present', detail: `status ${found.DBInstanceStatus}` } : { state: 'gone' };
  },
  'backup-replication': async (sourceArn, clients) => {
    const found = await instance(clients.rds, sourceArn);
    const replications = found?.DBInstanceAutomatedBackupsReplications ?? [];
    return replications.length > 0
      ? {
          state: 'present',
          detail: `replicating to ${replications.map((r) => r.DBInstanceAutomatedBackupsArn).join(', ')}`,
        }
      : { state: 'gone' };
  },
  'replicated-backups': async (arn, clients) => {
    const region = arn.split(':')[3] ?? '';
    try {
      const { DBInstanceAutomatedBackups } = await clients
        .rdsIn(region)
        .send(new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceAutomatedBackupsArn: arn }));
      const backup = DBInstanceAutomatedBackups?.[0];
      return backup ? { state: 'present', detail: `status ${backup.Status} in ${region}` } : { state: 'gone' };
    } catch (error) {
      if (errorName(error) === 'DBInstanceAutomatedBackupNotFoundFault') return { state: 'gone' };
      throw error;
    }
  },
  secret: async (arn, clients) => {
    try {
      const secret = await clients.secretsManager.send(new DescribeSecretCommand({ SecretId: arn }));
      return {
        state: 'present',
        detail: secret.DeletedDate
          ? `scheduled for deletion on ${secret.DeletedDate.toISOString()}: force-delete it (its name stays taken until then)`
          : 'exists',
      };
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') return { state: 'gone' };
      throw error;
    }
  },
  alarm: async (name, clients) => {
    const { MetricAlarms = [] } = await clients.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
    return MetricAlarms.length > 0
      ? { state: 'present', detail: `state ${MetricAlarms[0]?.StateValue}` }
      : { state: 'gone' };
  },
};

/** Checks one recorded leftover label. */
async function checkLeftover(label: string, clients: LeftoverClients): Promise<LeftoverCheck> {
  const separator = label.indexOf(':');
  const checker = separator > 0 ? CHECKERS[label.slice(0, separator)] : undefined;
  if (!checker) return { label, state: 'unverifiable', detail: 'tenantctl cannot check this; verify it by hand' };
  return { label, ...(await checker(label.slice(separator + 1), clients)) };
}

/** Checks every label, one at a time (RDS allows few requests per second per account). */
export async function checkLeftovers(labels: readonly string[], clients: LeftoverClients): Promise<LeftoverCheck[]> {
  const checks: LeftoverCheck[] = [];
  for (const label of labels) checks.push(await checkLeftover(label, clients));
  return checks;
}
