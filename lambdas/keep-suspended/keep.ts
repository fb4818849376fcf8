/**
 * Keeps a suspended tenant's instance stopped. RDS starts an instance that has been stopped for 7 days by itself
 * (RDS-EVENT-0154); a stopped instance can only be stopped again once it is available. The listener finds the
 * tenant by the instance's tags, and only while the registry says that tenant is SUSPENDED on that very instance
 * (a resume holds it as RESUMING) does it wait for the instance to be up and stop it again.
 *
 * @module
 */
import { DescribeDBInstancesCommand, type RDSClient, StopDBInstanceCommand } from '@aws-sdk/client-rds';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  DB_INSTANCE_AUTO_STARTED_EVENT_ID,
  DB_INSTANCE_STARTED_EVENT_ID,
  RDS_EVENT_SOURCE,
  RDS_INSTANCE_EVENT_DETAIL_TYPE,
} from '../shared/aws-events';
import { awsErrorName } from '../shared/errors';
import { waitForPower } from '../shared/lifecycle/wait';
import { MANAGED_BY, TAG_KEYS, tagValue } from '../shared/naming';
import { getTenant } from '../shared/registry';

/** The parts of an EventBridge "RDS DB Instance Event" the listener reads. */
export interface RdsStartEvent {
  source?: string;
  'detail-type'?: string;
  detail?: { EventID?: string; SourceArn?: string; SourceIdentifier?: string };
}

/** The instance identifier of a start event of RDS, or undefined for any other event. */
export function startedInstanceOf(event: RdsStartEvent): string | undefined {
  const { detail } = event;
  if (event.source !== RDS_EVENT_SOURCE || event['detail-type'] !== RDS_INSTANCE_EVENT_DETAIL_TYPE || !detail) {
    return undefined;
  }
  if (detail.EventID !== DB_INSTANCE_AUTO_STARTED_EVENT_ID && detail.EventID !== DB_INSTANCE_STARTED_EVENT_ID) {
    return undefined;
  }
  return (
    detail.SourceArn?.match(/^arn:[^:]+:rds:[^:]*:[^:]*:db:(.+)$/)?.[1] ?? detail.SourceIdentifier?.replace(/^rds:/, '')
  );
}

/** What the listener did. */
export type KeepOutcome = 'ignored' | 'not-suspended' | 'stopped-again' | 'already-stopping';

/** What the listener talks to. */
export interface KeepDeps {
  rds: RDSClient;
  registry: DynamoDBDocumentClient;
  table: string;
  /** Polling time this invocation may spend waiting for the instance to be up, ms. */
  budgetMs: number;
}

/** Stops the instance of `event` again when its tenant is SUSPENDED. */
export async function keepSuspended(deps: KeepDeps, event: RdsStartEvent): Promise<KeepOutcome> {
  const instanceId = startedInstanceOf(event);
  if (!instanceId) return 'ignored';
  const { DBInstances } = await deps.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceId }));
  const tags = DBInstances?.[0]?.TagList;
  const tenantId = tagValue(tags, TAG_KEYS.tenantId);
  if (!tenantId || tagValue(tags, TAG_KEYS.managedBy) !== MANAGED_BY) return 'ignored';
  const record = await getTenant(deps.registry, deps.table, tenantId);
  if (record?.status !== 'SUSPENDED' || record.instanceId !== instanceId) return 'not-suspended';
  const up = await waitForPower(deps.rds, instanceId, { target: 'available', pollsSoFar: 0, budgetMs: deps.budgetMs });
  if (up.status !== 'REACHED') {
    // Still starting: "DB instance started" follows when it is up, and this listener stops it then.
    return up.instanceStatus === 'stopping' || up.instanceStatus === 'stopped' ? 'already-stopping' : 'ignored';
  }
  try {
    await deps.rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: instanceId }));
  } catch (error) {
    // Another delivery of the event (or an operator) stopped it first.
    if (awsErrorName(error) === 'InvalidDBInstanceStateFault') return 'already-stopping';
    throw error;
  }
  return 'stopped-again';
}
