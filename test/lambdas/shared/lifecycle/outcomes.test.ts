import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TenantRecord } from '../../../../lambdas/shared/contracts';
import { outcomeEntry } from '../../../../lambdas/shared/events';
import type { HistoryEntry } from '../../../../lambdas/shared/lifecycle/history';
import {
  LIFECYCLE_OUTCOME_STATUSES,
  lifecycleOutcomeKind,
  lifecycleOutcomeOf,
} from '../../../../lambdas/shared/lifecycle/outcomes';
import { pendingOutcomeOf } from '../../../../lambdas/shared/outcomes';
import { REPOSITORY_ROOT } from '../../../support/paths';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'test', 'fixtures', 'outcome-events', name), 'utf8')) as {
    source: string;
    'detail-type': string;
    detail: Record<string, unknown>;
  };

/** The record a release leaves: the status, the newest history entry and the pending event. */
function released(event: ReturnType<typeof fixture>): TenantRecord {
  const d = event.detail as Record<string, string>;
  const entry: HistoryEntry = {
    operation: d.operation as HistoryEntry['operation'],
    executionArn: d.executionArn as string,
    requestedBy: d.requestedBy as string,
    ...(d.requestId ? { requestId: d.requestId } : {}),
    startedAt: d.startedAt as string,
    finishedAt: d.finishedAt as string,
    outcome: d.outcome as HistoryEntry['outcome'],
    ...(d.failedStep ? { failedStep: d.failedStep, reason: d.reason } : {}),
    ...(event.detail.tierChange ? { tierChange: event.detail.tierChange as HistoryEntry['tierChange'] } : {}),
  };
  return {
    tenantId: d.tenantId as string,
    tier: d.tier as string,
    status: d.status as TenantRecord['status'],
    requestId: 'acme-corp-pro-1',
    requestedBy: 'jane',
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:tenant-db-workflow-provisioning:acme-corp-pro-1',
    attempt: 1,
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: d.finishedAt as string,
    outcomePending: lifecycleOutcomeKind(entry.operation, entry.outcome),
    lifecycleHistory: [entry],
    // What an offboarding's release records: the event says what is kept and until when.
    ...(Array.isArray(event.detail.finalSnapshotArns)
      ? {
          finalSnapshots: (event.detail.finalSnapshotArns as string[]).map((arn) => ({
            arn,
            snapshotId: arn.split(':').at(-1) as string,
            region: arn.split(':')[3] as string,
            takenAt: d.finishedAt as string,
          })),
          purgeAfter: d.purgeAfter as string,
        }
      : {}),
  };
}

describe('lifecycle outcome events', () => {
  it.each([
    'tenant-database-suspended.json',
    'tenant-database-resume-failed.json',
    'tenant-database-tier-changed.json',
    'tenant-database-tier-change-failed.json',
    'tenant-database-offboarded.json',
    'tenant-database-offboarding-failed.json',
  ])('are built from the released record exactly as %s documents', (name) => {
    // Prepare
    const expected = fixture(name);

    // Act
    const outcome = pendingOutcomeOf(released(expected));
    const entry = outcome && outcomeEntry('bus', outcome);

    // Assess
    expect(entry?.Source).toBe(expected.source);
    expect(entry?.DetailType).toBe(expected['detail-type']);
    expect(JSON.parse(entry?.Detail ?? '{}')).toEqual(expected.detail);
  });

  it('owes no event when the newest history entry is another operation than the pending kind', () => {
    // Prepare
    const record = { ...released(fixture('tenant-database-suspended.json')), outcomePending: 'resumed' as const };

    // Act / Assess
    expect(lifecycleOutcomeOf(record)).toBeUndefined();
  });

  it('lets the sweeper find every status a lifecycle event may be owed in', () => {
    expect([...LIFECYCLE_OUTCOME_STATUSES].sort()).toEqual([
      'ACTIVE',
      'MODIFY_FAILED',
      'OFFBOARDED',
      'OFFBOARD_FAILED',
      'RESUME_FAILED',
      'SUSPENDED',
      'SUSPEND_FAILED',
    ]);
  });
});
