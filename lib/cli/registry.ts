import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { TENANT_STATUSES, type TenantRecord, type TenantStatus } from '../../lambdas/shared/contracts';
import { ValidationError } from '../../lambdas/shared/errors';
import { tenantsInStatus } from '../../lambdas/shared/registry';

/** Reads of the tenant registry table (partition key `tenantId`, GSI `byStatus` on `status` + `updatedAt`). */

/** `value` as a tenant status, or a ValidationError on `--status` listing the valid ones. */
export function assertTenantStatus(value: unknown): TenantStatus {
  if (typeof value === 'string' && (TENANT_STATUSES as string[]).includes(value)) return value as TenantStatus;
  throw new ValidationError('--status', `must be one of ${TENANT_STATUSES.join(', ')}`, value);
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
  if (status !== undefined) return tenantsInStatus(client, table, status);
  const records: TenantRecord[] = [];
  for await (const page of paginateScan({ client }, { TableName: table })) {
    records.push(...((page.Items ?? []) as TenantRecord[]));
  }
  return records.sort((a, b) => a.tenantId.localeCompare(b.tenantId));
}
