import { DBInstanceNotFoundFault, DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';
import { type InstanceView, viewOf } from '../shared/instance-view';

/** DescribeDBInstances of one instance; an empty answer is reported like the API's own DBInstanceNotFound. */
export async function describeInstance(rds: RDSClient, instanceId: string): Promise<InstanceView> {
  const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceId }));
  const instance = DBInstances?.[0];
  if (!instance) throw new DBInstanceNotFoundFault({ message: `DBInstance ${instanceId} not found.`, $metadata: {} });
  return viewOf(instance);
}
