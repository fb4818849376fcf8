/**
 * The RDS status shown while an operation is followed (creating, backing-up, available...). It is a courtesy: a
 * missing permission or a failed call shows why the status is unknown and never ends the watch.
 *
 * @module
 */
import { DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';

/** The status of DB instance `identifier`, or a short word on why there is none. */
export async function instanceStatus(rds: RDSClient, identifier: string): Promise<string> {
  try {
    const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
    return DBInstances?.[0]?.DBInstanceStatus ?? 'unknown';
  } catch (error) {
    const name = (error as { name?: string }).name ?? '';
    if (name === 'DBInstanceNotFoundFault' || name === 'DBInstanceNotFound') return 'not created yet';
    if (/AccessDenied|UnauthorizedOperation/.test(name)) return 'unknown (no rds:DescribeDBInstances permission)';
    return 'unknown';
  }
}
