/**
 * Reads of the tenant registry table (partition key `tenantId`, GSI `byStatus` on `status` + `updatedAt`).
 *
 * @module
 */
import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { TenantRecord, TenantStatus } from '../../lambdas/shared/contracts';
import { tenantsInStatus } from '../../lambdas/shared/registry';

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
