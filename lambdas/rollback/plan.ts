/**
 * The rollback planner: from what exists under the tenant's deterministic names, decide what this pass deletes.
 * Pure, so every combination of "exists / owned / busy" is unit-tested without AWS.
 *
 * Order is the reverse of creation: alarms, backup replication and the replicated backups, application secret, then
 * the instance. Only resources whose tags prove this execution created them are touched; the rest are reported as
 * skipped (a failed duplicate onboarding must never delete a live tenant's database). Replicated backups carry no
 * tags: they are ours when their source's DbiResourceId is the one of the instance this execution created.
 *
 * A resource that the workflow state proves this execution created (its ARN, name or DbiResourceId) but whose tags no
 * longer say so was changed by hand: it is neither deleted (the tag is what authorizes a delete) nor skipped as
 * someone else's, but reported as stuck, so the tenant ends ROLLBACK_FAILED with it listed.
 *
 * @module
 */

/** Resource labels used in `leftovers`, `deleted` and `skipped`, as `type:identifier`. */
export const resourceLabel = {
  alarm: (name: string) => `alarm:${name}`,
  replication: (sourceArn: string) => `backup-replication:${sourceArn}`,
  replicatedBackups: (arn: string) => `replicated-backups:${arn}`,
  secret: (arn: string) => `secret:${arn}`,
  instance: (id: string) => `db-instance:${id}`,
} as const;

/** Whether the workflow state proves this execution created the resource, whatever its tags say now. */
interface Provenance {
  createdHere?: boolean;
}

interface ObservedAlarm extends Provenance {
  name: string;
  owned: boolean;
}

export interface ObservedSecret extends Provenance {
  arn: string;
  owned: boolean;
  /** Secrets Manager already shows a deletion date (a force delete in progress, or a manual scheduled delete). */
  scheduledForDeletion: boolean;
}

export interface ObservedInstance extends Provenance {
  id: string;
  arn: string;
  status: string;
  owned: boolean;
  deletionProtection: boolean;
  /** The instance reports that its automated backups are being replicated to the backup Region. */
  replicating: boolean;
}

/** Automated backups replicated to the backup Region, as DescribeDBInstanceAutomatedBackups lists them there. */
export interface ObservedReplicatedBackups {
  /** `DBInstanceAutomatedBackupsArn`, in the backup Region. */
  arn: string;
  /**
   * `pending` or `replicating` while the source replicates; `retained` once the replication is stopped or the source
   * deleted (kept until their retention ends); `deleting` once asked to go.
   */
  status: string;
  /** Their source's DbiResourceId is the one of the instance this execution created. */
  owned: boolean;
}

/** What exists under the tenant's names right now. Absent keys: nothing there. */
export interface ObservedResources {
  alarms: readonly ObservedAlarm[];
  secret?: ObservedSecret;
  instance?: ObservedInstance;
  replicatedBackups?: readonly ObservedReplicatedBackups[];
}

export type RollbackAction =
  | { kind: 'delete-alarms'; names: string[] }
  | { kind: 'stop-backup-replication'; sourceArn: string }
  | { kind: 'delete-replicated-backups'; arn: string }
  | { kind: 'delete-secret'; arn: string; scheduledForDeletion: boolean }
  | { kind: 'delete-instance'; instanceId: string; disableDeletionProtection: boolean };

export interface RollbackPlan {
  /** What to do this pass, in order. */
  actions: RollbackAction[];
  /** Owned resources that will still exist after this pass even if every action succeeds. */
  remaining: string[];
  /** Resources under our names that belong to someone else, with why they are left alone. */
  skipped: { label: string; reason: string }[];
  /** This execution's resources that no pass may delete (their ownership tags were changed), with why. */
  stuck: { label: string; reason: string }[];
}

const NOT_OURS = 'its tags do not name this execution; it belongs to another onboarding or was made by hand';
const TAGS_CHANGED =
  'this execution created it, but its ownership tags no longer say so: not deleted; check who changed them, then delete it by hand';
const NOT_OUR_SOURCE =
  'their source is another DB instance (another DbiResourceId), such as an earlier instance under this tenant name';

/** Statuses of replicated backups that no longer replicate: nothing left to stop. */
const STOPPED = new Set(['retained', 'deleting']);

/**
 * The actions of one rollback pass. An owned instance stays in `remaining` until DescribeDBInstances stops finding
 * it, which is never within the pass that asks RDS to delete it; while it is `deleting` there is nothing to do but
 * wait for the next pass. Replicated backups can only be deleted once `retained`: while they still replicate, this
 * pass stops the replication (if the source is ours and not already going) and a later pass deletes them.
 *
 * @example
 * ```ts
 * planRollback({ alarms: [], instance: { id: 'tenant-acme', status: 'deleting', owned: true, ... } });
 * // { actions: [], remaining: ['db-instance:tenant-acme'], skipped: [], stuck: [] }
 * ```
 */
export function planRollback(observed: ObservedResources): RollbackPlan {
  const plan: RollbackPlan = { actions: [], remaining: [], skipped: [], stuck: [] };
  const notOwned = (label: string, resource: Provenance) =>
    resource.createdHere
      ? plan.stuck.push({ label, reason: TAGS_CHANGED })
      : plan.skipped.push({ label, reason: NOT_OURS });
  const { alarms, secret, instance, replicatedBackups = [] } = observed;

  const ownedAlarms = alarms.filter((alarm) => alarm.owned).map((alarm) => alarm.name);
  if (ownedAlarms.length > 0) plan.actions.push({ kind: 'delete-alarms', names: ownedAlarms });
  for (const alarm of alarms.filter((a) => !a.owned)) notOwned(resourceLabel.alarm(alarm.name), alarm);

  const removeInstance = instance?.owned === true && instance.status !== 'deleting';
  // Right after a replication starts the source may not report it yet; the backup Region's listing already does.
  const replicating =
    instance?.replicating === true || replicatedBackups.some((b) => b.owned && !STOPPED.has(b.status));
  if (removeInstance && replicating) {
    plan.actions.push({ kind: 'stop-backup-replication', sourceArn: instance.arn });
  }
  for (const backups of replicatedBackups) {
    const label = resourceLabel.replicatedBackups(backups.arn);
    if (!backups.owned) plan.skipped.push({ label, reason: NOT_OUR_SOURCE });
    else if (backups.status === 'retained') plan.actions.push({ kind: 'delete-replicated-backups', arn: backups.arn });
    else plan.remaining.push(label);
  }

  if (secret?.owned) {
    plan.actions.push({ kind: 'delete-secret', arn: secret.arn, scheduledForDeletion: secret.scheduledForDeletion });
  } else if (secret) {
    notOwned(resourceLabel.secret(secret.arn), secret);
  }

  if (instance && !instance.owned) {
    notOwned(resourceLabel.instance(instance.id), instance);
  } else if (instance) {
    plan.remaining.push(resourceLabel.instance(instance.id));
  }
  if (removeInstance) {
    plan.actions.push({
      kind: 'delete-instance',
      instanceId: instance.id,
      disableDeletionProtection: instance.deletionProtection,
    });
  }
  return plan;
}
