import type { TenantRecord } from '../../../lambdas/shared/contracts';
import type { AwsDouble } from '../aws';
import type { LocalTenantStatus } from './status';

/** The registry's records as `local status` lists them, by tenant id. */
export function tenantStatuses(records: readonly Partial<TenantRecord>[]): LocalTenantStatus[] {
  return records
    .filter((r): r is Partial<TenantRecord> & { tenantId: string } => typeof r.tenantId === 'string')
    .map((r) => ({
      tenantId: r.tenantId,
      tier: r.tier ?? '',
      status: r.status ?? '',
      ...(r.endpointAddress && r.endpointPort ? { endpoint: `${r.endpointAddress}:${r.endpointPort}` } : {}),
    }))
    .sort((a, b) => a.tenantId.localeCompare(b.tenantId));
}

/** Every tenant of the local registry table. */
export async function listTenants(double: AwsDouble, registryTable: string): Promise<LocalTenantStatus[]> {
  return tenantStatuses((await double.dynamodb.items(registryTable)) as Partial<TenantRecord>[]);
}
