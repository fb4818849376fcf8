/**
 * Shapes of a schema rollout that cross a boundary: the execution input (tenantctl), the plan the workflow carries,
 * the Distributed Map's items and results, and the rollout record. Identifiers, counts and reasons only.
 *
 * @module
 */

/**
 * The rollout workflow's steps (one function each, and their step names in logs). RecordRollout backs three Task
 * states: RecordWave, HaltRollout and CompleteRollout.
 */
export const ROLLOUT_STEPS = {
  plan: 'PlanRollout',
  migrateTenant: 'MigrateTenant',
  record: 'RecordRollout',
} as const;
export type RolloutStepName = (typeof ROLLOUT_STEPS)[keyof typeof ROLLOUT_STEPS];

/** Failure tolerance of a wave: a count of tenants, or a percentage of the wave. */
export type Tolerance =
  | { readonly kind: 'count'; readonly value: number }
  | { readonly kind: 'percent'; readonly value: number };

/** How the tenants after the canary are split into waves. */
export type WaveStrategy =
  | {
      readonly by: 'percent';
      /** Cumulative percentages of the remaining tenants, ascending, the last 100: `[10, 50, 100]`. */
      readonly steps: readonly number[];
    }
  | {
      readonly by: 'tier';
      /** Tier names, one wave each, in this order; tiers not listed follow in one last wave. */
      readonly order: readonly string[];
    };

/** What starts a rollout execution (all optional: the deployment's defaults apply). */
export interface RolloutRequest {
  /** Canary tenants by id, or the number of tenants the canary takes first. */
  canary?: readonly string[] | number;
  waves?: WaveStrategy;
  maxConcurrency?: number;
  /** `"N"` failed tenants or `"N%"` of a wave, tolerated before the rollout halts. */
  tolerate?: string;
  /** Who started it. */
  requestedBy?: string;
}

/** The request with the deployment's defaults filled in. */
export interface RolloutOptions {
  canary: { readonly tenants: readonly string[] } | { readonly size: number };
  waves: WaveStrategy;
  maxConcurrency: number;
  tolerance: Tolerance;
  requestedBy: string;
}

/** A tenant as the planner sees it. */
export interface RolloutCandidate {
  tenantId: string;
  tier: string;
  schemaVersion?: string;
}

/** One wave as the planner builds it. */
export interface WaveDraft {
  name: string;
  tenantIds: string[];
}

/** One wave as the workflow carries it: its tenant list is in S3 under `key`. */
export interface PlannedWave {
  index: number;
  name: string;
  /** Object key of the wave's tenant list (`[{"tenantId": ...}]`), read by the Distributed Map's ItemReader. */
  key: string;
  size: number;
  maxConcurrency: number;
  /** Both thresholds are set: the Map Run fails when either is exceeded (the unused one cannot be). */
  toleratedFailureCount: number;
  toleratedFailurePercentage: number;
}

/** PlanRollout's result (`$.plan`). */
export interface RolloutPlan {
  rolloutId: string;
  /** The migration every tenant is brought to. */
  target: string;
  waveCount: number;
  waves: PlannedWave[];
  /** ACTIVE tenants already at (or past) the target: nothing to do. */
  atTarget: number;
  /** Canary tenants named in the request that are not ACTIVE (skipped). */
  skippedCanary: string[];
}

/** One item of a wave's Distributed Map, as its ItemSelector builds it. */
export interface MigrateTenantEvent {
  rolloutId: string;
  target: string;
  wave: number;
  tenantId: string;
}

/** MigrateTenant's result for one tenant. */
export interface TenantMigrationResult {
  tenantId: string;
  outcome: 'migrated' | 'at-target' | 'skipped';
  /** Why it was skipped (its status, or no record). */
  reason?: string;
  applied?: string[];
  version?: string;
  durationMs?: number;
}

/** What RecordRollout is asked to do. */
export type RecordRolloutEvent =
  | { action: 'wave'; plan: RolloutPlan; wave: PlannedWave }
  | { action: 'halt'; plan: RolloutPlan; wave: PlannedWave; error?: { Error: string; Cause?: string } }
  | { action: 'complete'; plan: RolloutPlan; executionArn: string };

/** A failed tenant of a wave, as recorded. */
interface WaveFailure {
  tenantId: string;
  error: string;
  reason: string;
}

/** A wave's summary (`$.waveResult`, and the rollout record). */
export interface WaveSummary {
  index: number;
  name: string;
  size: number;
  failed: number;
  /** The first failures, with their reasons (the registry holds every one). */
  failures: WaveFailure[];
}

export type RolloutStatus = 'RUNNING' | 'COMPLETED' | 'HALTED';

/** The rollout table's one item per platform: the lock and the state of the last rollout. */
export interface RolloutRecord {
  lockId: string;
  rolloutId: string;
  executionArn: string;
  status: RolloutStatus;
  target: string;
  requestedBy: string;
  startedAt: string;
  updatedAt: string;
  /** The lock is stale after this (ISO): the execution timeout of the rollout state machine has passed. */
  leaseExpiresAt: string;
  /** Summaries of the waves done so far, by wave index. */
  waves: Record<string, WaveSummary>;
  haltedAt?: string;
  haltReason?: string;
}
