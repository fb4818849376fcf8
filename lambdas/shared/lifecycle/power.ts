/**
 * Stopping and starting a tenant instance, idempotently: the instance's status decides whether to ask RDS, to find
 * the work done, or to wait (see instance.ts). A request that loses a race with a status change
 * (InvalidDBInstanceState) is retried rather than failed.
 *
 * @module
 */
import {
  DescribeDBInstancesCommand,
  RDSClient,
  StartDBInstanceCommand,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import { awsErrorName, RetryableError } from '../errors';
import { assertPowerable, decideStart, decideStop } from './instance';
import type { PowerRequestResult } from './suspension';

/** The instance's status as RDS reports it now. */
export async function instanceStatus(rds: RDSClient, instanceId: string): Promise<string> {
  const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceId }));
  return DBInstances?.[0]?.DBInstanceStatus ?? 'unknown';
}

/** Stops (`stop`) or starts (`start`) the instance unless it already is (or is getting) there. */
export async function requestPower(
  rds: RDSClient,
  instanceId: string,
  action: 'stop' | 'start',
): Promise<PowerRequestResult> {
  const status = await instanceStatus(rds, instanceId);
  const decision = action === 'stop' ? decideStop(status) : decideStart(status);
  if (decision === 'already') return { action: 'already', status };
  if (decision === 'wait') assertPowerable(instanceId, status, action);
  try {
    const command =
      action === 'stop'
        ? new StopDBInstanceCommand({ DBInstanceIdentifier: instanceId })
        : new StartDBInstanceCommand({ DBInstanceIdentifier: instanceId });
    const { DBInstance } = await rds.send(command as StopDBInstanceCommand);
    return { action: 'requested', status: DBInstance?.DBInstanceStatus ?? 'unknown' };
  } catch (error) {
    // The status changed between the describe and the request (a backup started, another caller stopped it).
    if (awsErrorName(error) === 'InvalidDBInstanceStateFault' || awsErrorName(error) === 'InvalidDBInstanceState') {
      throw new RetryableError(
        `${action} of ${instanceId} refused while its status changed: ${(error as Error).message}`,
      );
    }
    // RDS may lack the capacity to start an instance class in its Availability Zone for a while.
    if (awsErrorName(error) === 'InsufficientDBInstanceCapacityFault') {
      throw new RetryableError(`start of ${instanceId}: ${(error as Error).message}`);
    }
    throw error;
  }
}

const clients = new Map<string, RDSClient>();

/**
 * The RDS client of `region` (the tenant's, from the registry; the function's own Region when the record has none),
 * made once per Region with `wrap` (the handlers' tracing and throttling retries).
 */
export function rdsClientIn(
  region: string | undefined,
  wrap: (client: RDSClient) => RDSClient,
  config: object,
): RDSClient {
  const key = region ?? '';
  let client = clients.get(key);
  if (!client) {
    client = wrap(new RDSClient({ ...config, ...(region ? { region } : {}) }));
    clients.set(key, client);
  }
  return client;
}
