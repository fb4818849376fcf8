import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { OUTCOME_DETAIL_TYPES, OUTCOME_EVENT_SOURCE, type TenantRecord } from '../../../lambdas/shared/contracts';
import { outcomeEntry } from '../../../lambdas/shared/events';
import { pendingOutcomeOf, restoredDetailOf } from '../../../lambdas/shared/outcomes';
import schema from '../../../schemas/tenant-database-restored.schema.json';
import { REPOSITORY_ROOT } from '../../support/paths';

/** The `restored` outcome of an undelete: rebuilt from the registry record, in the documented contract. */

const fixture = JSON.parse(
  readFileSync(join(REPOSITORY_ROOT, 'test', 'fixtures', 'outcome-events', 'tenant-database-restored.json'), 'utf8'),
) as {
  source: string;
  'detail-type': string;
  detail: Record<string, unknown> & { restoredFrom: Record<string, string> };
};
const validate = new Ajv2020({ allErrors: true }).compile(schema);

/** The ACTIVE record MarkActive leaves after the undelete the fixture announces. */
function restoredRecord(fields: Partial<TenantRecord> = {}): TenantRecord {
  const d = fixture.detail as unknown as Record<string, string> & { endpointPort: number };
  return {
    tenantId: d.tenantId as string,
    tier: d.tier as string,
    status: 'ACTIVE',
    requestId: d.requestId as string,
    requestedBy: 'billing',
    executionArn: d.executionArn as string,
    attempt: 2,
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:21:00.000Z',
    instanceId: d.instanceId,
    endpointAddress: d.endpointAddress,
    endpointPort: d.endpointPort,
    secretArn: d.secretArn,
    restoredFrom: {
      snapshotArn: fixture.detail.restoredFrom.snapshotArn as string,
      takenAt: fixture.detail.restoredFrom.takenAt as string,
    },
    outcomePending: 'restored',
    ...fields,
  };
}

describe('the restored outcome', () => {
  it('rebuilds the fixture from the record, and the fixture satisfies the schema', () => {
    // Act
    const outcome = pendingOutcomeOf(restoredRecord());
    const entry = outcome && outcomeEntry('bus', outcome);

    // Assess
    expect(outcome?.kind).toBe('restored');
    expect(entry?.Source).toBe(fixture.source);
    expect(entry?.DetailType).toBe(fixture['detail-type']);
    expect(JSON.parse(entry?.Detail ?? '{}')).toEqual(fixture.detail);
    expect(validate(fixture)).toBe(true);
    expect(fixture.source).toBe(OUTCOME_EVENT_SOURCE);
    expect(fixture['detail-type']).toBe(OUTCOME_DETAIL_TYPES.restored);
  });

  it.each<[string, Partial<TenantRecord>]>([
    ['the record does not say where it was restored from', { restoredFrom: undefined }],
    ['the record lacks its endpoint', { endpointAddress: undefined }],
  ])('builds nothing when %s', (_case, fields) => {
    expect(restoredDetailOf(restoredRecord(fields))).toBeUndefined();
  });

  it('builds nothing for a record that is not ACTIVE', () => {
    expect(pendingOutcomeOf(restoredRecord({ status: 'FAILED' }))).toBeUndefined();
  });

  it.each<[string, (detail: Record<string, unknown>) => void]>([
    ['without restoredFrom', (d) => delete d.restoredFrom],
    ['with a password-like extra field', (d) => Object.assign(d, { password: 'x' })],
    [
      'with a snapshot that is no RDS snapshot ARN',
      (d) => Object.assign(d, { restoredFrom: { snapshotArn: 'x', takenAt: '2026-11-20T08:55:00.000Z' } }),
    ],
  ])('the schema refuses a detail %s', (_case, change) => {
    // Prepare
    const event = structuredClone(fixture);
    change(event.detail);

    // Act & Assess
    expect(validate(event)).toBe(false);
  });
});
