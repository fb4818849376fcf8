import type { TierDefinition } from './tiers';

/**
 * Shapes that cross a boundary: workflow input, the state each step adds, registry records and outcome events.
 * Only identifiers and ARNs: no password or secret value ever appears in these types.
 */

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
  requestedBy: string;
  requestId: string;
  metadata: Record<string, string>;
  executionArn: string;
  executionName: string;
}

export type ClaimOutcome = 'CLAIMED' | 'DUPLICATE';

export interface ClaimResult {
  outcome: ClaimOutcome;
  /** 1 for the first onboarding of the tenant, +1 for every retry after a failure. */
  attempt: number;
}

export interface InstanceResult {
  instanceId: string;
  instanceArn: string;
  /** ISO time after which waiting stops and the onboarding is rolled back. */
  deadline: string;
}

export type ReadinessStatus = 'AVAILABLE' | 'PENDING';

export interface ReadinessResult {
  status: ReadinessStatus;
  /** Set when AVAILABLE. */
  endpointAddress?: string;
  endpointPort?: number;
  /** ARN of the RDS-managed master user secret (set when AVAILABLE). */
  masterSecretArn?: string;
  /** DescribeDBInstances calls made so far in this wait. */
  polls: number;
}

export interface CredentialsResult {
  secretArn: string;
  secretName: string;
}

export interface MigrationsResult {
  applied: string[];
  durationMs: number;
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
  configureBackups: 'ConfigureBackups',
  configureAlarms: 'ConfigureAlarms',
  markActive: 'MarkActive',
  rollback: 'Rollback',
  recordFailure: 'RecordFailure',
} as const;
export type StepName = (typeof STEPS)[keyof typeof STEPS];

export type TenantStatus = 'PROVISIONING' | 'ACTIVE' | 'FAILED' | 'ROLLBACK_FAILED';

// Keyed by every status, so a status added to the type but not listed here fails to compile.
const STATUS_KEYS: Record<TenantStatus, true> = {
  PROVISIONING: true,
  ACTIVE: true,
  FAILED: true,
  ROLLBACK_FAILED: true,
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
  /** Set by the RDS event listener when RDS reports the instance created; a hint, confirmed by DescribeDBInstances. */
  readySignalAt?: string;
}

/** Outcome events on EventBridge. */
export const OUTCOME_EVENT_SOURCE = 'tenant-db.provisioning';
export const OUTCOME_DETAIL_TYPES = {
  provisioned: 'Tenant Database Provisioned',
  failed: 'Tenant Database Provisioning Failed',
} as const;

export interface ProvisionedEventDetail {
  tenantId: string;
  tier: string;
  instanceId: string;
  endpointAddress: string;
  endpointPort: number;
  secretArn: string;
  executionArn: string;
  requestId: string;
}

export interface FailedEventDetail {
  tenantId: string;
  tier: string;
  executionArn: string;
  requestId: string;
  failedStep: string;
  reason: string;
  status: 'FAILED' | 'ROLLBACK_FAILED';
  leftovers: string[];
}

/** Billing events that start provisioning (contract: schemas/billing-event.schema.json). */
export const BILLING_EVENT_SOURCE = 'saas.billing';
export const BILLING_DETAIL_TYPE = 'Tenant Database Requested';
