import type { TenantRecord, TenantStatus } from '../../../lambdas/shared/contracts';
import { recordRolloutFailure, recordSchemaVersion, type SchemaVersionWrite } from '../../../lambdas/shared/registry';
import { registryClient } from '../../../lambdas/shared/registry-client';
import { AwsDouble, installAwsDouble, registryTable } from '../../../lib/local/aws';

/** The schema-version writes against the DynamoDB double (dynalite evaluates the condition expressions). */

const TABLE = 'tenant-registry';
const OURS = 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-pro-1';
const THEIRS = 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-pro-2';
const V1 = '20261101000100000_tenant-data-model';
const V2 = '20261201000000000_project-labels';
const MASTER = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1-AbCdEf';

let double: AwsDouble;
let restore: () => void;
const doc = registryClient();

function record(fields: Partial<TenantRecord>): TenantRecord {
  return {
    tenantId: 'acme',
    tier: 'pro',
    status: 'ACTIVE',
    requestId: 'r1',
    requestedBy: 'ops',
    executionArn: OURS,
    attempt: 1,
    createdAt: '2026-11-26T10:00:00.000Z',
    updatedAt: '2026-11-26T10:00:00.000Z',
    ...fields,
  };
}

const stored = async () => (await double.dynamodb.items(TABLE))[0] as TenantRecord | undefined;

beforeEach(() => {
  double = new AwsDouble();
  double.dynamodb.defineTable(registryTable(TABLE));
  restore = installAwsDouble(double);
});
afterEach(() => restore());

describe('recordSchemaVersion', () => {
  const write = (fields: Partial<SchemaVersionWrite> = {}): SchemaVersionWrite => ({
    tenantId: 'acme',
    version: V2,
    at: '2026-12-01T00:00:00.000Z',
    from: ['ACTIVE'],
    ...fields,
  });

  it.each<[string, Partial<TenantRecord>, Partial<SchemaVersionWrite>, boolean, string | undefined]>([
    ['records a first version', {}, {}, true, V2],
    ['moves a version forward', { schemaVersion: V1 }, {}, true, V2],
    ['never moves it backwards', { schemaVersion: V2 }, { version: V1 }, false, V2],
    ['skips the same version', { schemaVersion: V2 }, {}, false, V2],
    ['skips a tenant in another status', { status: 'FAILED' as TenantStatus }, {}, false, undefined],
    [
      'skips a record owned by another execution',
      { status: 'PROVISIONING' },
      { from: ['PROVISIONING'], executionArn: THEIRS },
      false,
      undefined,
    ],
    [
      'writes for the owning execution',
      { status: 'PROVISIONING' },
      { from: ['PROVISIONING'], executionArn: OURS },
      true,
      V2,
    ],
  ])('%s', async (_case, existing, fields, written, version) => {
    // Prepare
    await double.dynamodb.seed(TABLE, { ...record(existing) });

    // Act
    const result = await recordSchemaVersion(doc, TABLE, write(fields));

    // Assess
    expect(result).toBe(written);
    expect((await stored())?.schemaVersion).toBe(version);
  });

  it('skips a tenant with no record', async () => {
    // Act & Assess
    await expect(recordSchemaVersion(doc, TABLE, write())).resolves.toBe(false);
    expect(await stored()).toBeUndefined();
  });

  it('keeps the first master secret ARN and clears the last rollout failure when asked', async () => {
    // Prepare
    const failure = {
      rolloutId: 'r-1',
      wave: 0,
      error: 'MigrationFailedError',
      reason: 'boom',
      at: '2026-12-01T00:00:00.000Z',
    };
    await double.dynamodb.seed(TABLE, {
      ...record({ schemaVersion: V1, masterSecretArn: MASTER, rolloutFailure: failure }),
    });

    // Act
    await recordSchemaVersion(doc, TABLE, write({ masterSecretArn: `${MASTER}-other`, clearRolloutFailure: true }));

    // Assess
    const after = await stored();
    expect(after).toMatchObject({
      schemaVersion: V2,
      schemaVersionAt: '2026-12-01T00:00:00.000Z',
      masterSecretArn: MASTER,
    });
    expect(after?.rolloutFailure).toBeUndefined();
  });
});

describe('recordRolloutFailure', () => {
  const failure = {
    wave: 0,
    rolloutId: 'r-1',
    error: 'MigrationFailedError',
    reason: 'column exists',
    at: '2026-12-01T00:00:00.000Z',
  };

  it.each<[TenantStatus, boolean]>([
    ['ACTIVE', true],
    ['FAILED', false],
  ])('on a %s tenant writes: %s', async (status, written) => {
    // Prepare
    await double.dynamodb.seed(TABLE, { ...record({ status, schemaVersion: V1 }) });

    // Act
    const result = await recordRolloutFailure(doc, TABLE, 'acme', failure);

    // Assess
    expect(result).toBe(written);
    expect((await stored())?.rolloutFailure).toEqual(written ? failure : undefined);
    expect((await stored())?.schemaVersion).toBe(V1);
  });
});
