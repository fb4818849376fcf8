import { decideTenant } from '../../../lambdas/migrate-tenant/migrate';
import type { TenantRecord, TenantStatus } from '../../../lambdas/shared/contracts';

const TARGET = '20261201000000000_b';
const record = (status: TenantStatus, schemaVersion?: string) =>
  ({ tenantId: 'acme', status, ...(schemaVersion ? { schemaVersion } : {}) }) as TenantRecord;

describe('decideTenant', () => {
  it.each<[string, TenantRecord | undefined, string]>([
    ['no record', undefined, 'skip'],
    ['a tenant no longer ACTIVE', record('FAILED', '20261101000000000_a'), 'skip'],
    ['a tenant being provisioned', record('PROVISIONING'), 'skip'],
    ['a tenant behind', record('ACTIVE', '20261101000000000_a'), 'migrate'],
    ['a tenant with no recorded version', record('ACTIVE'), 'migrate'],
    ['a tenant at the target', record('ACTIVE', TARGET), 'at-target'],
    ['a tenant past the target', record('ACTIVE', '20261215000000000_c'), 'at-target'],
  ])('%s: %s', (_case, input, action) => {
    // Act & Assess
    expect(decideTenant(input, TARGET).action).toBe(action);
  });
});
