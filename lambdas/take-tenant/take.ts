/**
 * TakeTenant: checks the request, then takes the tenant for the operation (the per-tenant lock). A tenant that is
 * busy, unknown or in the wrong status is refused before anything is touched; a redelivered request is a duplicate.
 *
 * @module
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { lifecycleRequestOf } from '../shared/lifecycle/request';
import { type LockResult, SUSPENSION_OPERATIONS } from '../shared/lifecycle/suspension';
import { takeTenant } from '../shared/registry';

/** The Task's payload: the raw execution input and the execution's ARN. */
export interface TakeEvent {
  input: unknown;
  executionArn: string;
}

/** Validates `event.input` and takes the tenant; the result says where its database lives. */
export async function takeForOperation(
  doc: DynamoDBDocumentClient,
  table: string,
  event: TakeEvent,
): Promise<LockResult> {
  const request = lifecycleRequestOf(event.input, SUSPENSION_OPERATIONS);
  const taken = await takeTenant(doc, table, { ...request, executionArn: event.executionArn });
  const { record } = taken;
  return {
    outcome: taken.outcome,
    tenantId: request.tenantId,
    operation: request.operation,
    executionArn: event.executionArn,
    ...(taken.reason === undefined ? {} : { reason: taken.reason }),
    ...(record.instanceId === undefined ? {} : { instanceId: record.instanceId }),
    ...(record.region === undefined ? {} : { region: record.region }),
  };
}
