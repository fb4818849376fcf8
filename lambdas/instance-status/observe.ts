/**
 * The shared status poller: once a minute, one paginated DescribeDBInstances for every instance being created,
 * written to the registry where each WaitForInstance already looks every few seconds. The RDS API load is then a few
 * calls a minute whatever the number of waiters (RDS sustains about 12 requests per second per account and Region);
 * each waiter describes on its own only at the start, when the shared status says it is time, or as a safety net.
 *
 * @module
 */
import {
  type DBInstance,
  type DescribeDBInstancesMessage,
  paginateDescribeDBInstances,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TenantRecord } from '../shared/contracts';
import { awsErrorName } from '../shared/errors';
import { type InstanceView, viewOf } from '../shared/instance-view';
import { recordObservedStatus, tenantsInStatus } from '../shared/registry';
import { logger } from '../shared/runtime';

/** Identifiers per DescribeDBInstances filter, and records per page (the API's maximum MaxRecords). */
export const IDS_PER_REQUEST = 100;

/** The DescribeDBInstances requests that list `instanceIds`, at most {@link IDS_PER_REQUEST} ids each. Pure. */
export function describeRequests(instanceIds: readonly string[]): DescribeDBInstancesMessage[] {
  const requests: DescribeDBInstancesMessage[] = [];
  for (let i = 0; i < instanceIds.length; i += IDS_PER_REQUEST) {
    requests.push({
      Filters: [{ Name: 'db-instance-id', Values: instanceIds.slice(i, i + IDS_PER_REQUEST) }],
      MaxRecords: IDS_PER_REQUEST,
    });
  }
  return requests;
}

/** Provisioning records that have an instance to watch. Pure. */
function watchedInstances(records: readonly TenantRecord[]): { tenantId: string; instanceId: string }[] {
  return records.flatMap((r) => (r.instanceId ? [{ tenantId: r.tenantId, instanceId: r.instanceId }] : []));
}

export interface StatusPollSummary {
  watched: number;
  describeCalls: number;
  recorded: number;
  /** Records whose write failed (they keep their last status; their waiters describe on their own). */
  failed: number;
}

/** One run of the poller. */
export async function observeInstances(
  deps: { rds: RDSClient; registry: DynamoDBDocumentClient; table: string },
  at: string,
): Promise<StatusPollSummary> {
  const watched = watchedInstances(await tenantsInStatus(deps.registry, deps.table, 'PROVISIONING'));
  const views = new Map<string, InstanceView>();
  let describeCalls = 0;
  for (const request of describeRequests(watched.map((w) => w.instanceId))) {
    for await (const page of paginateDescribeDBInstances({ client: deps.rds }, request)) {
      describeCalls += 1;
      for (const instance of page.DBInstances ?? ([] as DBInstance[])) {
        if (instance.DBInstanceIdentifier && instance.DBInstanceStatus)
          views.set(instance.DBInstanceIdentifier, viewOf(instance));
      }
    }
  }
  let recorded = 0;
  let failed = 0;
  for (const { tenantId, instanceId } of watched) {
    const view = views.get(instanceId);
    // Not listed (not visible yet, or gone): the waiter's own describe decides.
    if (!view) continue;
    try {
      if (await recordObservedStatus(deps.registry, deps.table, { tenantId, instanceId, at, ...view })) recorded += 1;
    } catch (error) {
      // One record that cannot be written (throttled) must not keep the others stale: its waiter describes itself.
      failed += 1;
      logger.warn('could not record an observed status', { tenantId, errorName: awsErrorName(error) });
    }
  }
  const summary = { watched: watched.length, describeCalls, recorded, failed };
  logger.info('instance statuses observed', { ...summary });
  return summary;
}
