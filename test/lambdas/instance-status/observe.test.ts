import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describeRequests, IDS_PER_REQUEST, observeInstances } from '../../../lambdas/instance-status/observe';
import type { TenantRecord } from '../../../lambdas/shared/contracts';
import { getTenant } from '../../../lambdas/shared/registry';
import { registryClient } from '../../../lambdas/shared/registry-client';
import { registryTable } from '../../../lib/local/aws';
import { createRequest, useAwsDouble } from '../../../lib/local/aws/fixtures';

/** The shared status poller: one paginated describe for all instances being created, recorded in the registry. */

const TABLE = 'tenant-registry';
const NOW = '2030-01-01T00:05:00.000Z';

describe('describeRequests', () => {
  it.each([
    [0, 0],
    [1, 1],
    [IDS_PER_REQUEST, 1],
    [IDS_PER_REQUEST + 1, 2],
    [250, 3],
  ])('%i instances take %i requests of at most 100 ids', (count, requests) => {
    // Act
    const built = describeRequests(Array.from({ length: count }, (_, i) => `tenant-t${i}`));
    // Assess
    expect(built).toHaveLength(requests);
    for (const request of built) {
      expect(request.MaxRecords).toBe(100);
      expect(request.Filters?.[0]?.Name).toBe('db-instance-id');
      expect(request.Filters?.[0]?.Values?.length).toBeLessThanOrEqual(100);
    }
    expect(built.flatMap((r) => r.Filters?.[0]?.Values ?? [])).toHaveLength(count);
  });
});

describe('observeInstances', () => {
  const awsDouble = useAwsDouble();
  const rds = new RDSClient({});

  const seed = async (records: Partial<TenantRecord>[]) => {
    const double = awsDouble();
    double.dynamodb.defineTable(registryTable(TABLE));
    for (const r of records) {
      await registryClient().send(
        new PutCommand({
          TableName: TABLE,
          Item: {
            tier: 'starter',
            requestId: 'r',
            requestedBy: 'tests',
            executionArn: `arn:aws:states:us-east-1:123456789012:execution:sm:${r.tenantId}`,
            attempt: 1,
            createdAt: '2030-01-01T00:00:00.000Z',
            updatedAt: '2030-01-01T00:00:00.000Z',
            status: 'PROVISIONING',
            ...r,
          },
        }),
      );
    }
    return double;
  };

  it('records the status of every instance being created with one describe, and nothing else', async () => {
    // Prepare: two instances creating (one not listed by RDS), a tenant without an instance yet, an ACTIVE tenant
    const double = await seed([
      { tenantId: 'a', instanceId: 'tenant-a' },
      { tenantId: 'b', instanceId: 'tenant-b' },
      { tenantId: 'c' },
      { tenantId: 'd', instanceId: 'tenant-d', status: 'ACTIVE' },
    ]);
    await rds.send(new CreateDBInstanceCommand(createRequest('tenant-a')));
    await rds.send(new CreateDBInstanceCommand(createRequest('tenant-d')));
    const doc = registryClient();

    // Act
    const summary = await observeInstances({ rds, registry: doc, table: TABLE }, NOW);

    // Assess
    expect(summary).toEqual({ watched: 2, describeCalls: 1, recorded: 1, failed: 0 });
    const [describe] = double.callsTo('rds', 'DescribeDBInstances');
    expect(describe?.input).toMatchObject({ Filters: [{ Name: 'db-instance-id' }], MaxRecords: 100 });
    const input = describe?.input as { Filters: { Values: string[] }[] } | undefined;
    const values = input?.Filters[0]?.Values;
    expect([...(values ?? [])].sort()).toEqual(['tenant-a', 'tenant-b']);
    expect(await getTenant(doc, TABLE, 'a')).toMatchObject({ observedStatus: 'creating', observedAt: NOW });
    for (const tenantId of ['b', 'c', 'd'])
      expect((await getTenant(doc, TABLE, tenantId))?.observedStatus).toBeUndefined();
  });

  it('pages through more than 100 instances', async () => {
    // Prepare
    const ids = Array.from({ length: 130 }, (_, i) => `t${i}`);
    const double = await seed(ids.map((id) => ({ tenantId: id, instanceId: `tenant-${id}` })));
    double.rds.instanceQuota = 200;
    for (const id of ids) await rds.send(new CreateDBInstanceCommand(createRequest(`tenant-${id}`)));

    // Act
    const summary = await observeInstances({ rds, registry: registryClient(), table: TABLE }, NOW);

    // Assess: two requests (100 + 30 ids), one page each
    expect(summary).toEqual({ watched: 130, describeCalls: 2, recorded: 130, failed: 0 });
  });
});
