import { tenantStatuses } from '../../../../lib/local/daemon/tenants';

describe('tenants as local status lists them', () => {
  it('sorts by tenant id and shows the endpoint once there is one', () => {
    // Act
    const listed = tenantStatuses([
      { tenantId: 'zeta', tier: 'pro', status: 'PROVISIONING' },
      { tenantId: 'demo', tier: 'starter', status: 'ACTIVE', endpointAddress: 'localhost', endpointPort: 40123 },
    ]);

    // Assess
    expect(listed).toEqual([
      { tenantId: 'demo', tier: 'starter', status: 'ACTIVE', endpoint: 'localhost:40123' },
      { tenantId: 'zeta', tier: 'pro', status: 'PROVISIONING' },
    ]);
  });

  it('skips an item without a tenant id (another record kind in the table)', () => {
    expect(tenantStatuses([{ tier: 'starter' }])).toEqual([]);
  });
});
