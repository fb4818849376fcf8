/**
 * Shapes that cross a boundary: workflow input, the state each step adds, registry records and outcome events.
 * Only identifiers and ARNs: no password or secret value ever appears in these types.
 *
 * @module
 */
import type { HistoryEntry, TierChangeSummary } from './lifecycle/history';
import type { HeldOperation } from './lifecycle/operations';
import type { RotationAction } from './secret-rotation';
import type { TierDefinition } from './tiers';

/** What starts a provisioning execution (tenantctl, billing events, the console). */
export interface ProvisioningRequest {
  tenantId: string;
  tier: string;
  /** Who asked: an e-mail, a user name or `billing`. */
  requestedBy?: string;
  /** Idempotency key: the same key for the same tenant is the same request. Defaults to the execution name. */
  requestId?: string;
  /** Free-form string labels, at most 10, recorded in the registry. */
  metadata?: Record<string, string>;
}

/** The Validate step's payload: the raw input plus the execution context. */
export interface ValidateEvent {
  input: unknown;
  executionArn: string;
  executionName: string;
}

/** The request after validation: defaults filled in, tier resolved from the catalog. */
export interface ValidatedRequest {
  tenantId: string;
  tier: string;
  tierDefinition: TierDefinition;
  /**
   * Name of the application secret, fixed when the request is validated: StoreCredentials creates it and Rollback
   * deletes it under this name, even if a deployment changes the name pattern while the execution runs. Absent in
   * executions started before the name was recorded; they fall back to the pattern.
   */
  secretName?: string;
  requestedBy: string;
  requestId: string;
  metadata: Record<string, string>;
  executionArn: string;
  executionName: string;
}

type ClaimOutcome = 'CLAIMED' | 'DUPLICATE';

export interface ClaimResult {
  outcome: ClaimOutcome;
  /** 1 for the first onboarding of the tenant, +1 for every retry after a failure. */
  attempt: number;
  /**
   * Set when the tenant was offboarded and its final snapshot is kept: CreateInstance restores this snapshot (the
   * one in the tenant's Region) instead of creating an empty database.
   */
  restoreFrom?: FinalSnapshot;
}

export interface InstanceResult {
  instanceId: string;
  instanceArn: string;
  /** ISO time after which waiting stops and the onboarding is rolled back. */
  deadline: string;
}

type ReadinessStatus = 'AVAILABLE' | 'PENDING';

/**
 * What ConfigureBackups needs of the instance, as DescribeDBInstances reported it when the wait saw it available:
 * carried in the state so the backup step does not describe every instance again (a burst of onboardings reaching it
 * together would spend the RDS API budget). JSON-safe field names as in the RDS API.
 */
export interface InstanceSnapshot {
  DBInstanceIdentifier?: string;
  DBInstanceArn?: string;
  DbiResourceId?: string;
  StorageEncrypted?: boolean;
  BackupRetentionPeriod?: number;
  PendingModifiedValues?: { BackupRetentionPeriod?: number };
  PreferredBackupWindow?: string;
  DeletionProtection?: boolean;
  DBInstanceAutomatedBackupsReplications?: { DBInstanceAutomatedBackupsArn?: string }[];
  /** GiB allocated (a restored instance has at least its snapshot's). */
  AllocatedStorage?: number;
}

export interface ReadinessResult {
  status: ReadinessStatus;
  /** Set when AVAILABLE. */
  endpointAddress?: string;
  endpointPort?: number;
  /** ARN of the RDS-managed master user secret (set when AVAILABLE). */
  masterSecretArn?: string;
  /** The instance as seen when AVAILABLE (absent when the view that saw it had none). */
  instance?: InstanceSnapshot;
  /** DescribeDBInstances calls made so far in this wait. */
  polls: number;
}

export interface CredentialsResult {
  secretArn: string;
  secretName: string;
}

/** EnableRotation's result (`$.credentialRotation`): the application secret rotates on the tier's schedule. */
export interface CredentialRotationResult {
  /** What the step did: turned rotation on, or found it already on (a retry), or changed another schedule. */
  action: RotationAction;
  /** Days between rotations. */
  days: number;
}

export interface MigrationsResult {
  applied: string[];
  durationMs: number;
  /** The last migration the database records after the run: the tenant's schema version. */
  version?: string;
}

export interface BackupsResult {
  retentionDays: number;
  /** ARN of the replicated automated backups in the backup Region, when the tier replicates. */
  replicationArn?: string;
  replicationRegion?: string;
}

export interface AlarmsResult {
  alarmNames: string[];
}

/** MarkActive's result (`$.outcome`). */
export interface ActivationResult {
  status: 'ACTIVE';
  provisionedAt: string;
}

/** A Step Functions Catch result (`ResultPath: $.error`). */
export interface CaughtError {
  Error: string;
  Cause?: string;
}

export interface RollbackResult {
  complete: boolean;
  /** Resources still present, as `type:identifier`. */
  leftovers: string[];
  /** Resources deleted by this pass, as `type:identifier`. */
  deleted: string[];
  /** Resources under this tenant's names that belong to someone else and were left alone, as `type:identifier`. */
  skipped?: string[];
  /** Rollback passes so far (the workflow waits between passes while an instance cannot be deleted yet). */
  passes: number;
  /** True when the pass budget is spent and leftovers remain: the tenant ends ROLLBACK_FAILED. */
  exhausted: boolean;
  /**
   * True when every leftover is one no later pass can remove (a resource this execution created whose ownership
   * tags were changed): waiting would not help, so the tenant ends ROLLBACK_FAILED now with them listed.
   */
  stuck?: boolean;
  /**
   * True when the registry already says this execution made the tenant ACTIVE: past the point of no return, so the
   * pass deleted nothing and the workflow ends successfully with the outcome event left to the sweeper.
   */
  tenantActive?: boolean;
  /**
   * When a pass first failed to see an instance this execution may have created (ISO). RDS lists a new instance
   * only after a delay, so "not found" proves nothing until it has lasted longer than that delay.
   */
  instanceUnseenSince?: string;
  /** A pass saw RDS accept the deletion of this execution's instance (or the instance `deleting`). */
  instanceDeletionAccepted?: boolean;
  /**
   * DbiResourceId of the instance this execution created, once a pass has seen it with our tags. After the instance
   * is gone it is the only proof that replicated backups in the backup Region are ours (they carry no tags).
   */
  instanceResourceId?: string;
}

/** The RecordFailure step's result; the workflow's Fail state reports it as the execution's error and cause. */
export interface FailureRecord {
  error: string;
  reason: string;
  failedStep: string;
  status: 'FAILED' | 'ROLLBACK_FAILED';
}

/** The workflow state: the raw input plus one key per completed step. */
export interface WorkflowState extends Partial<ProvisioningRequest> {
  request: ValidatedRequest;
  claim?: ClaimResult;
  instance?: InstanceResult;
  readiness?: ReadinessResult;
  credentials?: CredentialsResult;
  migrations?: MigrationsResult;
  credentialRotation?: CredentialRotationResult;
  backups?: BackupsResult;
  alarms?: AlarmsResult;
  outcome?: ActivationResult;
  error?: CaughtError;
  rollback?: RollbackResult;
  /** Set when the Rollback step itself failed after its retries. */
  rollbackError?: CaughtError;
  failure?: FailureRecord;
}

/** Step names: the Task state names of the workflow, the registry's `failedStep`, and metric dimensions. */
export const STEPS = {
  validate: 'ValidateInput',
  claim: 'ClaimTenant',
  createInstance: 'CreateInstance',
  waitForInstance: 'WaitForInstance',
  storeCredentials: 'StoreCredentials',
  runMigrations: 'RunMigrations',
  enableRotation: 'EnableRotation',
  configureBackups: 'ConfigureBackups',
  configureAlarms: 'ConfigureAlarms',
  markActive: 'MarkActive',
  rollback: 'Rollback',
  recordFailure: 'RecordFailure',
} as const;
export type StepName = (typeof STEPS)[keyof typeof STEPS];

// ---------------------------------------------------------------------------------------------------------------
// Tenant lifecycle after provisioning (suspend, resume, offboard): statuses. The operations that move a tenant
// between them are data in lifecycle/operations.ts.

/**
 * Statuses of a provisioned tenant's life: `SUSPENDING`, `RESUMING` and `OFFBOARDING` hold the tenant while their
 * operation runs (no other operation may start); `SUSPENDED` is stopped with the application's login disabled;
 * `SUSPEND_FAILED`, `RESUME_FAILED` and `OFFBOARD_FAILED` are operations stopped half-way with the step and the
 * reason, which running the operation again continues; `OFFBOARDED` is deleted with a final snapshot kept until its
 * purge date; `PURGED` has nothing of the tenant left.
 */
type LifecycleStatus =
  | 'SUSPENDING'
  | 'SUSPENDED'
  | 'SUSPEND_FAILED'
  | 'RESUMING'
  | 'RESUME_FAILED'
  | 'OFFBOARDING'
  | 'OFFBOARDED'
  | 'OFFBOARD_FAILED'
  | 'PURGED'
  | 'MODIFYING'
  | 'MODIFY_FAILED';

const LIFECYCLE_STATUS_KEYS: Record<LifecycleStatus, true> = {
  SUSPENDING: true,
  SUSPENDED: true,
  SUSPEND_FAILED: true,
  RESUMING: true,
  RESUME_FAILED: true,
  OFFBOARDING: true,
  OFFBOARDED: true,
  OFFBOARD_FAILED: true,
  PURGED: true,
  MODIFYING: true,
  MODIFY_FAILED: true,
};

/** Outcome events of lifecycle operations, on the platform bus with the provisioning outcomes' source. */
const LIFECYCLE_OUTCOME_DETAIL_TYPES = {
  suspended: 'Tenant Database Suspended',
  suspendFailed: 'Tenant Database Suspension Failed',
  resumed: 'Tenant Database Resumed',
  resumeFailed: 'Tenant Database Resume Failed',
  tierChanged: 'Tenant Database Tier Changed',
  tierChangeFailed: 'Tenant Database Tier Change Failed',
  offboarded: 'Tenant Database Offboarded',
  offboardFailed: 'Tenant Database Offboarding Failed',
} as const;
/** The kind of a lifecycle outcome event. */
export type LifecycleOutcomeKind = keyof typeof LIFECYCLE_OUTCOME_DETAIL_TYPES;

/** The detail of a lifecycle outcome event: the operation, who asked, how it ended and the status it left. */
export interface LifecycleEventDetail extends OutcomeIdentity {
  tenantId: string;
  tier: string;
  operation: string;
  /** The lifecycle execution (not the provisioning one). */
  executionArn: string;
  requestedBy: string;
  /** The caller's idempotency key (billing's event id), when it gave one. */
  requestId?: string;
  /** The tenant's status after the operation. */
  status: LifecycleStatus | 'ACTIVE';
  /** `refused`: RDS (or the platform, before any AWS call) refused the change; the tenant is unchanged. */
  outcome: 'succeeded' | 'failed' | 'refused';
  startedAt: string;
  finishedAt: string;
  /** With `failed`: the step that failed and why. */
  failedStep?: string;
  reason?: string;
  /** With a tier change: the tiers and the ModifyDBInstance parameters and follow-ups applied. */
  tierChange?: TierChangeSummary;
  /** With `offboarded`: ARNs of the final snapshots kept (the tenant's Region first, then the backup Region's copy). */
  finalSnapshotArns?: string[];
  /** With `offboarded`: when the purge job deletes the final snapshots (ISO). */
  purgeAfter?: string;
}

export type TenantStatus = 'PROVISIONING' | 'ACTIVE' | 'FAILED' | 'ROLLBACK_FAILED' | LifecycleStatus;

// Keyed by every status, so a status added to the type but not listed here fails to compile.
const STATUS_KEYS: Record<TenantStatus, true> = {
  PROVISIONING: true,
  ACTIVE: true,
  FAILED: true,
  ROLLBACK_FAILED: true,
  ...LIFECYCLE_STATUS_KEYS,
};
/** Every registry status. */
export const TENANT_STATUSES = Object.keys(STATUS_KEYS) as TenantStatus[];

/** The registry's index by status (partition `status`, sort `updatedAt`), used by `tenantctl list` and the stats. */
export const REGISTRY_STATUS_INDEX = 'byStatus';

/** One item of the tenant registry table (partition key `tenantId`). */
export interface TenantRecord {
  tenantId: string;
  tier: string;
  status: TenantStatus;
  requestId: string;
  requestedBy: string;
  executionArn: string;
  attempt: number;
  metadata?: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  provisionedAt?: string;
  failedAt?: string;
  failedStep?: string;
  failureReason?: string;
  instanceId?: string;
  endpointAddress?: string;
  endpointPort?: number;
  secretArn?: string;
  /** Database the application connects to (set with the endpoint when the tenant becomes ACTIVE). */
  databaseName?: string;
  /** Region of the tenant's instance and secrets (set with the endpoint when the tenant becomes ACTIVE). */
  region?: string;
  leftovers?: string[];
  /** Name of the application secret (set by the claim from the validated request). */
  secretName?: string;
  /**
   * An outcome event the record's last transition owes consumers (transactional outbox): written together with the
   * status, cleared once EventBridge accepted the event. The sweeper publishes what stays pending.
   */
  outcomePending?: OutcomeKind;
  /** Set by the RDS event listener when RDS reports the instance created; a hint, confirmed by DescribeDBInstances. */
  readySignalAt?: string;
  /**
   * The instance's status as the shared status poller last saw it (one paginated DescribeDBInstances for every
   * instance being created), and when: WaitForInstance reads it instead of describing on its own.
   */
  observedStatus?: string;
  observedAt?: string;
  /** The endpoint and master secret the shared poller saw (RDS reports them once it has them). */
  observedEndpointAddress?: string;
  observedEndpointPort?: number;
  observedMasterSecretArn?: string;
  observedInstance?: InstanceSnapshot;
  /** The lifecycle operation holding the tenant (the per-tenant lock); absent when no operation runs. */
  operation?: HeldOperation;
  /** Finished lifecycle operations, oldest first, bounded (see `appendHistory`). */
  lifecycleHistory?: HistoryEntry[];

  // --- Schema version (written by the migration runner at onboarding and by every schema rollout) ---

  /**
   * The last migration applied to the tenant database (a migration file name without `.sql`), as the runner last
   * recorded it. Never moves backwards (see `recordSchemaVersion`).
   */
  schemaVersion?: string;
  /** When {@link schemaVersion} was recorded (ISO). */
  schemaVersionAt?: string;
  /**
   * ARN of the RDS-managed master user secret, recorded with the first schema version: a schema rollout reads the
   * master login from it without describing every instance (the RDS API budget is shared with onboarding).
   */
  masterSecretArn?: string;
  /** Why the last schema rollout could not migrate this tenant; cleared when a rollout brings it to the target. */
  rolloutFailure?: RolloutFailure;

  // --- Offboarding, retention and undelete ---

  /**
   * The final snapshots offboarding kept (written with `OFFBOARDED`): the one in the tenant's Region first, then its
   * copy in the backup Region for tiers that replicate backups. The purge job deletes them after {@link purgeAfter};
   * onboarding the tenant again restores the first one.
   */
  finalSnapshots?: FinalSnapshot[];
  /** When the tenant became `OFFBOARDED` (ISO). */
  offboardedAt?: string;
  /** When the tier's retention of the final snapshots ends (ISO): the purge job deletes them after it. */
  purgeAfter?: string;
  /**
   * ARN of the automated backups RDS retained when the instance was deleted (`DBInstanceAutomatedBackupsArn`), for
   * tiers whose policy keeps them; the purge job deletes them with the final snapshots.
   */
  retainedBackupsArn?: string;
  /** When the purge job deleted what offboarding kept (ISO), with `PURGED`. */
  purgedAt?: string;
  /** An offboarding scheduled for later (EventBridge Scheduler one-time schedule); absent when none is pending. */
  scheduledOffboarding?: ScheduledOffboarding;
  /**
   * The final snapshot the tenant's database was restored from when it was onboarded again after offboarding (set
   * with `ACTIVE`). The record keeps {@link finalSnapshots} and {@link purgeAfter} until the purge job deletes them.
   */
  restoredFrom?: RestoredFrom;
}

/** Which final snapshot an undeleted tenant's database came from: its data is as of {@link RestoredFrom.takenAt}. */
export interface RestoredFrom {
  /** ARN of the final snapshot. */
  snapshotArn: string;
  /** When the snapshot was taken (ISO): the restored data is as of then. */
  takenAt: string;
}

/** A final snapshot of an offboarded tenant's database, in one Region. */
export interface FinalSnapshot {
  /** ARN of the manual DB snapshot. */
  arn: string;
  /** The snapshot identifier (`DBSnapshotIdentifier`). */
  snapshotId: string;
  region: string;
  /** When RDS reported it `available` (ISO). */
  takenAt: string;
}

/** An offboarding that will start at a set time unless cancelled. */
export interface ScheduledOffboarding {
  /** When it starts (ISO). */
  at: string;
  /** Name of the one-time EventBridge Scheduler schedule (derived from the tenant id). */
  scheduleName: string;
  requestedBy: string;
  /** The caller's idempotency key (billing's event id). */
  requestId?: string;
  /** When it was scheduled (ISO). */
  scheduledAt: string;
}

/** A tenant's failure in a schema rollout, as recorded on its registry record. */
export interface RolloutFailure {
  rolloutId: string;
  /** The wave the tenant was in. */
  wave: number;
  /** The error class (`MigrationFailedError`, `SchemaDriftError`, ...). */
  error: string;
  /** Its message: migration and table names, never a password. */
  reason: string;
  at: string;
}

/** Outcome events on EventBridge. */
export const OUTCOME_EVENT_SOURCE = 'tenant-db.provisioning';
export const OUTCOME_DETAIL_TYPES = {
  provisioned: 'Tenant Database Provisioned',
  failed: 'Tenant Database Provisioning Failed',
  rejected: 'Tenant Database Request Rejected',
  ...LIFECYCLE_OUTCOME_DETAIL_TYPES,
  restored: 'Tenant Database Restored',
} as const;
export type OutcomeKind = keyof typeof OUTCOME_DETAIL_TYPES;

/** What every outcome event carries: `outcomeId` is the same on every delivery of one outcome (dedupe on it). */
interface OutcomeIdentity {
  /** `<kind>:<executionArn>`: one execution has one outcome; a redelivered or re-published event repeats it. */
  outcomeId: string;
}

export interface ProvisionedEventDetail extends OutcomeIdentity {
  tenantId: string;
  tier: string;
  instanceId: string;
  endpointAddress: string;
  endpointPort: number;
  secretArn: string;
  executionArn: string;
  requestId: string;
}

/**
 * An offboarded tenant onboarded again: its database was restored from its final snapshot (data as of
 * `restoredFrom.takenAt`), not created empty. Its own detail-type, so consumers that provision an empty tenant on
 * `provisioned` can tell the two apart.
 */
export interface RestoredEventDetail extends ProvisionedEventDetail {
  restoredFrom: RestoredFrom;
}

export interface FailedEventDetail extends OutcomeIdentity {
  tenantId: string;
  tier: string;
  executionArn: string;
  requestId: string;
  failedStep: string;
  reason: string;
  status: 'FAILED' | 'ROLLBACK_FAILED';
  leftovers: string[];
}

/**
 * A request that never owned the tenant: invalid input, a tenant that is live or busy with another request, or a
 * claim the registry refused. Nothing was created and the tenant's record (if any) is untouched: consumers must not
 * read it as a change of the tenant's status.
 */
export interface RejectedEventDetail extends OutcomeIdentity {
  /** The tenant id as given: escaped and cut to 64 characters, or `(invalid)`. */
  tenantId: string;
  tier: string;
  executionArn: string;
  requestId: string;
  status: 'REJECTED';
  /** The step that refused the request: ValidateInput or ClaimTenant. */
  rejectedStep: string;
  /** The error class: ValidationError, TenantConflictError, or the AWS error that stopped the claim. */
  error: string;
  reason: string;
}

/** Billing events that start provisioning (contract: schemas/billing-event.schema.json). */
export const BILLING_EVENT_SOURCE = 'saas.billing';
export const BILLING_DETAIL_TYPE = 'Tenant Database Requested';

/**
 * Billing events that suspend or resume a tenant (same source and bus as {@link BILLING_DETAIL_TYPE}; contract in
 * docs/billing.md): `detail.eventId` is the idempotency key, `detail.tenantId` the tenant.
 */
export const BILLING_SUSPENSION_DETAIL_TYPES = {
  suspend: 'Tenant Suspended',
  resume: 'Tenant Resumed',
} as const;

/**
 * Billing events that schedule or cancel a tenant's offboarding (same source and bus as {@link BILLING_DETAIL_TYPE};
 * contract in schemas/billing-offboarding-event.schema.json and docs/billing.md): `detail.eventId` is the idempotency
 * key, `detail.tenantId` the tenant, and the request's optional `detail.effectiveAt` when it takes effect.
 */
export const BILLING_OFFBOARDING_DETAIL_TYPES = {
  request: 'Tenant Offboarding Requested',
  cancel: 'Tenant Offboarding Cancelled',
} as const;

/**
 * The billing event that moves a live tenant to another tier ("plan changed"; contract in docs/billing.md):
 * `detail.eventId` is the idempotency key, `detail.tenantId` the tenant, `detail.tier` the new tier.
 */
export const BILLING_TIER_CHANGE_DETAIL_TYPE = 'Tenant Tier Changed';
