import { type DynamoDBDocumentClient, GetCommand, paginateQuery, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { TenantRecord, TenantStatus } from '../../lambdas/shared/contracts';
import { ValidationError } from '../../lambdas/shared/errors';

/** Reads of the tenant registry table (partition key `tenantId`, GSI `byStatus` on `status` + `updatedAt`). */

export const STATUS_INDEX = 'byStatus';

// A record keyed by every status makes the compiler flag a status added to the contract but not listed here.
const STATUS_KEYS: Record<TenantStatus, true> = {
  PROVISIONING: true,
  ACTIVE: true,
  FAILED: true,
  ROLLBACK_FAILED: true,
};
export const TENANT_STATUSES = Object.keys(STATUS_KEYS) as TenantStatus[];

/** `value` as a tenant status, or a ValidationError on `--status` listing the valid ones. */
export function assertTenantStatus(value: unknown): TenantStatus {
  if (typeof value === 'string' && (TENANT_STATUSES as string[]).includes(value)) return value as TenantStatus;
  throw new ValidationError('--status', `must be one of ${TENANT_STATUSES.join(', ')}`, value);
}

/** The registry record of `tenantId`, read consistently (a status just written by the workflow is seen). */
export async function getTenant(
  client: DynamoDBDocumentClient,
  table: string,
  tenantId: string,
): Promise<TenantRecord | undefined> {
  const { Item } = await client.send(new GetCommand({ TableName: table, Key: { tenantId }, ConsistentRead: true }));
  return Item as TenantRecord | undefined;
}

/**
 * Registry records: one status through the `byStatus` index, most recently updated first; or every record by a
 * paginated Scan, sorted by tenant id.
 */
export async function listTenants(
  client: DynamoDBDocumentClient,
  table: string,
  status?: TenantStatus,
): Promise<TenantRecord[]> {
  const records: TenantRecord[] = [];
  if (status !== undefined) {
    const pages = paginateQuery(
      { client },
      {
        TableName: table,
        IndexName: STATUS_INDEX,
        // `status` is a DynamoDB reserved word.
        KeyConditionExpression: '#status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status },
        ScanIndexForward: false,
      },
    );
    for await (const page of pages) records.push(...((page.Items ?? []) as TenantRecord[]));
    return records;
  }
  for await (const page of paginateScan({ client }, { TableName: table })) {
    records.push(...((page.Items ?? []) as TenantRecord[]));
  }
  return records.sort((a, b) => a.tenantId.localeCompare(b.tenantId));
}
