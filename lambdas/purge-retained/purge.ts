/**
 * The retention purge: once a tenant's `purgeAfter` has passed, deletes the final snapshots offboarding kept (in
 * every Region the record lists) and the automated backups RDS retained, then records `PURGED` with `purgedAt`.
 *
 * Order, for the race with undelete (which restores an OFFBOARDED tenant's final snapshot): the purge first reads
 * the kept resources and checks their tags (read-only), then takes the tenant with a conditional write (OFFBOARDED,
 * no operation, retention passed → PURGED), and only then deletes. An undelete that took the tenant first makes the
 * write fail and nothing is deleted; an undelete that comes later finds the tenant PURGED and refuses. A run that
 * stops after the take (crash, throttling, a snapshot still being copied) leaves a PURGED record that still lists
 * what it kept; the next run finishes it. A tenant restored from its snapshot (ACTIVE, fields still set) has the
 * old snapshots deleted after `purgeAfter` and the fields removed, its status unchanged.
 *
 * A resource whose tags do not say the platform owns it for this tenant is never deleted: the tenant is skipped,
 * an alert names it, and its record is left as it is.
 *
 * @module
 */
import {
  DBInstanceAutomatedBackupNotFoundFault,
  DBSnapshotNotFoundFault,
  DeleteDBInstanceAutomatedBackupCommand,
  DeleteDBSnapshotCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBSnapshotsCommand,
  InvalidDBInstanceAutomatedBackupStateFault,
  InvalidDBSnapshotStateFault,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FinalSnapshot, TenantRecord } from '../shared/contracts';
import { instanceIdentifier, MANAGED_BY, TAG_KEYS, tagValue } from '../shared/naming';
import { purgeCandidates, recordPurged, takeForPurge } from '../shared/registry-offboarding';

/** What the purge does with one record at `now`. */
export type PurgeAction =
  /** OFFBOARDED and past its purge date: take it, then delete. */
  | { readonly action: 'purge' }
  /** PURGED but still listing what it kept: a purge stopped half-way; delete the rest. */
  | { readonly action: 'finish' }
  /** ACTIVE again (restored from its final snapshot) and past the purge date: delete the old snapshots. */
  | { readonly action: 'clear-restored' }
  | { readonly action: 'skip'; readonly reason: string };

type PurgeView = Pick<
  TenantRecord,
  'tenantId' | 'status' | 'operation' | 'purgeAfter' | 'finalSnapshots' | 'retainedBackupsArn'
>;

function keepsSomething(record: PurgeView): boolean {
  return (
    (record.finalSnapshots?.length ?? 0) > 0 ||
    record.retainedBackupsArn !== undefined ||
    record.purgeAfter !== undefined
  );
}

/** What to do with `record` when the purge runs at `now` (ISO). Pure: table-tested on every case. */
export function purgeActionFor(record: PurgeView, now: string): PurgeAction {
  if (record.operation) return { action: 'skip', reason: `busy with ${record.operation.name}` };
  const due = record.purgeAfter !== undefined && record.purgeAfter <= now;
  switch (record.status) {
    case 'OFFBOARDED':
      if (record.purgeAfter === undefined) return { action: 'skip', reason: 'no purge date recorded' };
      return due ? { action: 'purge' } : { action: 'skip', reason: `retained until ${record.purgeAfter}` };
    case 'PURGED':
      return keepsSomething(record) ? { action: 'finish' } : { action: 'skip', reason: 'already purged' };
    case 'ACTIVE':
      return due && keepsSomething(record)
        ? { action: 'clear-restored' }
        : { action: 'skip', reason: 'no old final snapshot past its purge date' };
    default:
      return { action: 'skip', reason: `status ${record.status} is not purged` };
  }
}

/** True when `tags` say the platform owns the resource for `tenantId`. */
export function ownedByPlatformFor(
  tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined,
  tenantId: string,
): boolean {
  return tagValue(tags, TAG_KEYS.managedBy) === MANAGED_BY && tagValue(tags, TAG_KEYS.tenantId) === tenantId;
}

/** The Region of an RDS ARN (`arn:aws:rds:<region>:...`). */
export function regionOfArn(arn: string): string {
  const region = arn.split(':')[3];
  if (!region) throw new Error(`not an RDS ARN: ${arn}`);
  return region;
}

/** What one kept resource is, or became. */
type ResourceState = 'present' | 'gone' | 'foreign' | 'not-ready';

export interface PurgeDeps {
  readonly registry: DynamoDBDocumentClient;
  readonly table: string;
  /** An RDS client in `region`. */
  readonly rdsIn: (region: string) => RDSClient;
  /** Tells operators about a resource the purge will not delete. */
  readonly alert: (subject: string, message: string) => Promise<void>;
  readonly now: () => Date;
}

/** One resource the record keeps. */
type Kept =
  | { readonly kind: 'snapshot'; readonly snapshot: FinalSnapshot }
  | { readonly kind: 'backup'; readonly arn: string };

function keptOf(record: PurgeView): Kept[] {
  return [
    ...(record.finalSnapshots ?? []).map((snapshot) => ({ kind: 'snapshot', snapshot }) as const),
    ...(record.retainedBackupsArn ? [{ kind: 'backup', arn: record.retainedBackupsArn } as const] : []),
  ];
}

function nameOf(kept: Kept): string {
  return kept.kind === 'snapshot'
    ? `snapshot ${kept.snapshot.region}/${kept.snapshot.snapshotId}`
    : `backup ${kept.arn}`;
}

/** Reads a kept resource (read-only): whether it exists, is the tenant's, and can be deleted now. */
async function inspect(deps: PurgeDeps, tenantId: string, kept: Kept): Promise<ResourceState> {
  try {
    if (kept.kind === 'snapshot') {
      const { DBSnapshots } = await deps
        .rdsIn(kept.snapshot.region)
        .send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: kept.snapshot.snapshotId }));
      const snapshot = DBSnapshots?.[0];
      if (!snapshot || snapshot.Status === 'deleting') return 'gone';
      if (!ownedByPlatformFor(snapshot.TagList, tenantId)) return 'foreign';
      return snapshot.Status === 'available' ? 'present' : 'not-ready';
    }
    const { DBInstanceAutomatedBackups } = await deps
      .rdsIn(regionOfArn(kept.arn))
      .send(new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceAutomatedBackupsArn: kept.arn }));
    const backup = DBInstanceAutomatedBackups?.[0];
    if (!backup || backup.Status === 'deleting') return 'gone';
    // Automated backups carry the instance's identifier, which the platform derives from the tenant id.
    if (backup.DBInstanceIdentifier !== instanceIdentifier(tenantId)) return 'foreign';
    return backup.Status === 'retained' ? 'present' : 'not-ready';
  } catch (error) {
    if (error instanceof DBSnapshotNotFoundFault || error instanceof DBInstanceAutomatedBackupNotFoundFault) {
      return 'gone';
    }
    throw error;
  }
}

/** Deletes a kept resource after checking it again; already gone is done. */
async function remove(deps: PurgeDeps, tenantId: string, kept: Kept): Promise<ResourceState> {
  const state = await inspect(deps, tenantId, kept);
  if (state !== 'present') return state;
  try {
    if (kept.kind === 'snapshot') {
      await deps
        .rdsIn(kept.snapshot.region)
        .send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: kept.snapshot.snapshotId }));
    } else {
      await deps
        .rdsIn(regionOfArn(kept.arn))
        .send(new DeleteDBInstanceAutomatedBackupCommand({ DBInstanceAutomatedBackupsArn: kept.arn }));
    }
    return 'gone';
  } catch (error) {
    if (error instanceof DBSnapshotNotFoundFault || error instanceof DBInstanceAutomatedBackupNotFoundFault) {
      return 'gone';
    }
    if (error instanceof InvalidDBSnapshotStateFault || error instanceof InvalidDBInstanceAutomatedBackupStateFault) {
      return 'not-ready';
    }
    throw error;
  }
}

/** How one tenant's purge ended. */
export interface TenantPurgeOutcome {
  readonly tenantId: string;
  readonly outcome: 'purged' | 'cleared' | 'skipped' | 'foreign' | 'lost-race' | 'incomplete' | 'failed';
  readonly detail?: string;
}

async function alertForeign(deps: PurgeDeps, tenantId: string, names: string[]) {
  await deps.alert(
    `Retention purge skipped tenant ${tenantId}`,
    `The retention purge did not delete ${names.join(', ')} of tenant ${tenantId}: the tags do not say the platform (${TAG_KEYS.managedBy}=${MANAGED_BY}) owns it for this tenant (${TAG_KEYS.tenantId}). The registry record is left as it is; check who owns the resource, then fix its tags or the record.`,
  );
}

/** Deletes everything `record` keeps, then records it (PURGED, or ACTIVE unchanged for a restored tenant). */
async function deleteKept(
  deps: PurgeDeps,
  record: PurgeView,
  status: 'PURGED' | 'ACTIVE',
  now: string,
): Promise<TenantPurgeOutcome> {
  const { tenantId } = record;
  const kept = keptOf(record);
  const states: ResourceState[] = [];
  for (const k of kept) states.push(await remove(deps, tenantId, k));
  const foreign = kept.filter((_, i) => states[i] === 'foreign').map(nameOf);
  if (foreign.length > 0) {
    await alertForeign(deps, tenantId, foreign);
    return { tenantId, outcome: 'foreign', detail: foreign.join(', ') };
  }
  const waiting = kept.filter((_, i) => states[i] === 'not-ready').map(nameOf);
  if (waiting.length > 0)
    return { tenantId, outcome: 'incomplete', detail: `not deletable yet: ${waiting.join(', ')}` };
  const recorded = await recordPurged(deps.registry, deps.table, record, status, now);
  if (!recorded) return { tenantId, outcome: 'lost-race', detail: 'the record changed while purging' };
  return { tenantId, outcome: status === 'PURGED' ? 'purged' : 'cleared' };
}

/** Purges one record, as {@link purgeActionFor} decides. */
export async function purgeTenant(deps: PurgeDeps, record: PurgeView, now: string): Promise<TenantPurgeOutcome> {
  const { tenantId } = record;
  const decision = purgeActionFor(record, now);
  switch (decision.action) {
    case 'skip':
      return { tenantId, outcome: 'skipped', detail: decision.reason };
    case 'finish':
      return deleteKept(deps, record, 'PURGED', now);
    case 'clear-restored':
      return deleteKept(deps, record, 'ACTIVE', now);
    case 'purge': {
      // Read-only first: a foreign resource leaves the record OFFBOARDED and untouched.
      const kept = keptOf(record);
      const foreign: string[] = [];
      for (const k of kept) if ((await inspect(deps, tenantId, k)) === 'foreign') foreign.push(nameOf(k));
      if (foreign.length > 0) {
        await alertForeign(deps, tenantId, foreign);
        return { tenantId, outcome: 'foreign', detail: foreign.join(', ') };
      }
      if (!(await takeForPurge(deps.registry, deps.table, record, now))) {
        return { tenantId, outcome: 'lost-race', detail: 'the tenant moved on before the purge took it' };
      }
      return deleteKept(deps, record, 'PURGED', now);
    }
  }
}

/** What one run did. */
export interface PurgeRun {
  readonly at: string;
  readonly outcomes: readonly TenantPurgeOutcome[];
}

/**
 * One run of the purge: every candidate record, one at a time (the RDS API budget is shared with onboarding). A
 * tenant whose purge fails is reported and the run goes on; the next run tries it again.
 */
export async function runPurge(deps: PurgeDeps): Promise<PurgeRun> {
  const at = deps.now().toISOString();
  const outcomes: TenantPurgeOutcome[] = [];
  for (const record of await purgeCandidates(deps.registry, deps.table, at)) {
    try {
      outcomes.push(await purgeTenant(deps, record, at));
    } catch (error) {
      const e = error as { name?: string; message?: string };
      outcomes.push({
        tenantId: record.tenantId,
        outcome: 'failed',
        detail: `${e.name ?? 'Error'}: ${e.message ?? ''}`,
      });
    }
  }
  return { at, outcomes };
}
