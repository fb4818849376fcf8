/**
 * What ModifyDBInstance does to an instance beyond its backup settings: the parameters of a tier change, applied at
 * once or deferred to the maintenance window, with the rules RDS enforces (ModifyDBInstance API reference and the
 * RDS User Guide, "Settings for DB instances", "Working with storage"):
 *
 * ```
 * ModifyDBInstance ─┬─ always at once: MaxAllocatedStorage, Performance/Database Insights, MonitoringInterval, log exports
 *                   └─ class, Multi-AZ, storage ─┬─ ApplyImmediately ─────────────► modifying ─► storage-optimization ─► available
 *                                                └─ else: PendingModifiedValues ──(next maintenance window)──┘
 * ```
 *
 * Storage changes start a cool-down: RDS refuses the next one while the volume is in `storage-optimization` and for
 * 6 hours after the change ("You can't currently modify the storage of this DB instance because the previous storage
 * change is being optimized", InvalidParameterCombination). Kept apart from rds.ts so the instance lifecycle and the
 * modification model change independently.
 *
 * @module
 */
import type {
  CreateDBInstanceCommandInput,
  ModifyDBInstanceCommandInput,
  PendingModifiedValues,
} from '@aws-sdk/client-rds';
import { windowPosition } from '../../../lambdas/shared/tier-change/window';
import type { DoubleEnvironment } from './environment';
import { invalidCombination, invalidValue } from './rds-rules';
import type { TimerHandle } from './virtual-clock';

const HOUR = 3600_000;

/** How long RDS refuses another storage change after one (at least; longer while optimization runs). */
export const STORAGE_COOLDOWN_MS = 6 * HOUR;

/** The ModifyDBInstance parameters this model handles. */
export const TIER_CHANGE_PARAMETERS: ReadonlySet<string> = new Set([
  'DBInstanceClass',
  'MultiAZ',
  'AllocatedStorage',
  'StorageType',
  'Iops',
  'StorageThroughput',
  'MaxAllocatedStorage',
  'EnablePerformanceInsights',
  'PerformanceInsightsKMSKeyId',
  'PerformanceInsightsRetentionPeriod',
  'DatabaseInsightsMode',
  'MonitoringInterval',
  'MonitoringRoleArn',
  'CloudwatchLogsExportConfiguration',
]);

type Spec = Omit<CreateDBInstanceCommandInput, 'MasterUserPassword'>;

/** What the model needs of an instance of the RDS double. */
export interface ModifiableInstance {
  spec: Spec;
  status: string;
  maintenanceWindow: string;
  timers: TimerHandle[];
}

/** Durations of a modification on the virtual clock. */
export interface ModificationTimings {
  /** Time in `modifying` while a class, Multi-AZ or storage change is applied. */
  modifyingMs: number;
  /** Time in `storage-optimization` after a storage change. */
  storageOptimizationMs: number;
}

/** The parameters RDS defers to the maintenance window unless `ApplyImmediately`. */
type Deferred = Pick<
  PendingModifiedValues,
  'DBInstanceClass' | 'MultiAZ' | 'AllocatedStorage' | 'StorageType' | 'Iops' | 'StorageThroughput'
>;
const STORAGE_KEYS = ['AllocatedStorage', 'StorageType', 'Iops', 'StorageThroughput'] as const;

/** A saved instance's modifications: what waits for the maintenance window, and the storage cool-down. */
export interface PersistedModification {
  pending: Deferred;
  lastStorageChangeAt?: number;
  optimizedAt?: number;
}

interface ModificationState {
  pending: Deferred;
  window?: TimerHandle;
  /** When the last storage change was applied. */
  lastStorageChangeAt?: number;
  /** When the optimization of the last storage change ends. */
  optimizedAt?: number;
}

const COOLDOWN_MESSAGE =
  "You can't currently modify the storage of this DB instance because the previous storage change is being optimized.";

function deferredOf(input: ModifyDBInstanceCommandInput): Deferred {
  return Object.fromEntries(
    (['DBInstanceClass', 'MultiAZ', ...STORAGE_KEYS] as const)
      .filter((key) => input[key] !== undefined)
      .map((key) => [key, input[key]]),
  ) as Deferred;
}

const changesStorage = (values: Deferred): boolean => STORAGE_KEYS.some((key) => values[key] !== undefined);

/** True when the volume has IOPS RDS expects with every storage change: io1/io2, and gp3 from 400 GiB. */
function hasIops(spec: Spec): boolean {
  const type = spec.StorageType ?? 'gp2';
  return type === 'io1' || type === 'io2' || (type === 'gp3' && (spec.AllocatedStorage ?? 0) >= 400);
}

/** Checks of the storage parameters against the instance's volume; throws what RDS answers. */
function validateStorage(spec: Spec, input: ModifyDBInstanceCommandInput): void {
  const current = spec.AllocatedStorage ?? 0;
  const size = input.AllocatedStorage ?? current;
  // The wording of RDS's refusal to shrink is not documented; the error code is that of an invalid value.
  if (size < current)
    throw invalidValue(`Invalid storage size: the allocated storage can't be reduced (${current} → ${size} GiB).`);
  const type = input.StorageType ?? spec.StorageType ?? 'gp2';
  if (
    hasIops(spec) &&
    (input.AllocatedStorage !== undefined) !== (input.Iops !== undefined) &&
    type !== 'gp2' &&
    !(type === 'gp3' && size < 400)
  ) {
    throw invalidCombination(
      'You must specify both the storage size and iops when modifying the storage size or iops on a DB instance that has iops.',
    );
  }
  if (type === 'gp3' && size < 400 && (input.Iops !== undefined || input.StorageThroughput !== undefined)) {
    throw invalidCombination(
      "You can't specify IOPS or storage throughput for engine postgres and a storage size less than 400.",
    );
  }
  if ((type === 'io1' || type === 'io2') && input.Iops === undefined && spec.Iops === undefined) {
    throw invalidCombination(`Specify Iops for storage type ${type}.`);
  }
  if (type === 'gp2' && (input.Iops !== undefined || input.StorageThroughput !== undefined)) {
    throw invalidCombination("You can't specify IOPS or storage throughput for storage type gp2.");
  }
}

/** Checks of the parameters applied at once; throws what RDS answers. */
function validateImmediate(spec: Spec, input: ModifyDBInstanceCommandInput): void {
  if (input.MaxAllocatedStorage !== undefined) {
    const allocated = input.AllocatedStorage ?? spec.AllocatedStorage ?? 0;
    if (input.MaxAllocatedStorage * 10 < allocated * 11) {
      throw invalidCombination('The maximum allocated storage must be increased by at least 10 percent.');
    }
  }
  const interval = input.MonitoringInterval ?? spec.MonitoringInterval ?? 0;
  if (interval > 0 && !(input.MonitoringRoleArn ?? spec.MonitoringRoleArn)) {
    throw invalidCombination(
      'A MonitoringRoleArn value is required if you specify a MonitoringInterval value other than 0.',
    );
  }
  const insights = input.EnablePerformanceInsights ?? spec.EnablePerformanceInsights ?? false;
  const retention = input.PerformanceInsightsRetentionPeriod ?? spec.PerformanceInsightsRetentionPeriod ?? 7;
  if ((input.DatabaseInsightsMode ?? spec.DatabaseInsightsMode) === 'advanced' && (!insights || retention < 465)) {
    throw invalidCombination(
      'Database Insights advanced mode requires Performance Insights with a retention of at least 465 days.',
    );
  }
}

/** The instance's spec with the parameters RDS applies at once, whatever `ApplyImmediately` says. */
function withImmediate(spec: Spec, input: ModifyDBInstanceCommandInput): Spec {
  const next: Spec = { ...spec };
  if (input.MaxAllocatedStorage !== undefined) next.MaxAllocatedStorage = input.MaxAllocatedStorage;
  if (input.DatabaseInsightsMode !== undefined) next.DatabaseInsightsMode = input.DatabaseInsightsMode;
  if (input.EnablePerformanceInsights !== undefined) next.EnablePerformanceInsights = input.EnablePerformanceInsights;
  if (input.PerformanceInsightsKMSKeyId !== undefined)
    next.PerformanceInsightsKMSKeyId = input.PerformanceInsightsKMSKeyId;
  if (input.PerformanceInsightsRetentionPeriod !== undefined) {
    next.PerformanceInsightsRetentionPeriod = input.PerformanceInsightsRetentionPeriod;
  }
  if (next.EnablePerformanceInsights === false) next.PerformanceInsightsRetentionPeriod = undefined;
  if (input.MonitoringInterval !== undefined) next.MonitoringInterval = input.MonitoringInterval;
  if (input.MonitoringRoleArn !== undefined) next.MonitoringRoleArn = input.MonitoringRoleArn;
  if (next.MonitoringInterval === 0) next.MonitoringRoleArn = undefined;
  const logs = input.CloudwatchLogsExportConfiguration;
  if (logs) {
    const enabled = new Set(spec.EnableCloudwatchLogsExports ?? []);
    for (const type of logs.EnableLogTypes ?? []) enabled.add(type);
    for (const type of logs.DisableLogTypes ?? []) enabled.delete(type);
    next.EnableCloudwatchLogsExports = [...enabled];
  }
  return next;
}

/** Milliseconds from `now` to the next start of the weekly UTC window `window` (`ddd:hh24:mi-ddd:hh24:mi`). */
export function untilNextWindow(window: string, now: number): number {
  const position = windowPosition(window, now);
  if (!position) throw invalidValue(`Invalid PreferredMaintenanceWindow: ${window}`);
  return position.untilNextMs;
}

/** Pending modified values and storage cool-downs of the RDS double's instances. */
export class InstanceModifications {
  private readonly states = new WeakMap<ModifiableInstance, ModificationState>();

  constructor(
    private readonly env: DoubleEnvironment,
    private readonly timings: ModificationTimings,
  ) {}

  /** True when `input` sets a parameter of this model. */
  static touches(input: ModifyDBInstanceCommandInput): boolean {
    return Object.entries(input).some(([key, value]) => value !== undefined && TIER_CHANGE_PARAMETERS.has(key));
  }

  /**
   * Applies the tier-change parameters of `input` to `instance`: checks them, applies at once what RDS always applies
   * at once, and applies or defers the rest by `ApplyImmediately` (an immediate request also applies what was
   * pending, as RDS does).
   */
  modify(instance: ModifiableInstance, input: ModifyDBInstanceCommandInput): void {
    const state = this.state(instance);
    const deferred = deferredOf(input);
    if (changesStorage(deferred)) {
      const now = this.env.clock.now();
      const coolingDown =
        now < (state.optimizedAt ?? 0) ||
        (state.lastStorageChangeAt !== undefined && now - state.lastStorageChangeAt < STORAGE_COOLDOWN_MS);
      if (coolingDown) throw invalidCombination(COOLDOWN_MESSAGE);
      // PendingModifiedValues use the CreateDBInstance names: what is pending counts as the volume's.
      validateStorage({ ...instance.spec, ...state.pending }, input);
    }
    validateImmediate(instance.spec, input);
    instance.spec = withImmediate(instance.spec, input);
    state.pending = { ...state.pending, ...deferred };
    if (Object.keys(state.pending).length === 0) return;
    if (input.ApplyImmediately === true) this.apply(instance, state);
    else if (!state.window) this.awaitWindow(instance, state);
  }

  private awaitWindow(instance: ModifiableInstance, state: ModificationState): void {
    state.window = this.env.clock.schedule(untilNextWindow(instance.maintenanceWindow, this.env.clock.now()), () =>
      this.apply(instance, state),
    );
    instance.timers.push(state.window);
  }

  /** What is waiting for the maintenance window, as DescribeDBInstances reports it. */
  pendingOf(instance: ModifiableInstance): PendingModifiedValues {
    return structuredClone(this.states.get(instance)?.pending ?? {});
  }

  private state(instance: ModifiableInstance): ModificationState {
    let state = this.states.get(instance);
    if (!state) {
      state = { pending: {} };
      this.states.set(instance, state);
    }
    return state;
  }

  private apply(instance: ModifiableInstance, state: ModificationState): void {
    state.window?.cancel();
    state.window = undefined;
    const pending = state.pending;
    state.pending = {};
    instance.spec = { ...instance.spec, ...pending };
    const storage = changesStorage(pending);
    const { clock } = this.env;
    if (storage) state.lastStorageChangeAt = clock.now();
    if (this.timings.modifyingMs <= 0) {
      this.finishApplying(instance, state, storage);
      return;
    }
    instance.status = 'modifying';
    instance.timers.push(clock.schedule(this.timings.modifyingMs, () => this.finishApplying(instance, state, storage)));
  }

  /**
   * The end of `modifying`. After a storage change the volume is optimized for a while; a change that does not touch
   * storage (a class change during an optimization) leaves an optimization under way running.
   */
  private finishApplying(instance: ModifiableInstance, state: ModificationState, storage: boolean): void {
    const { clock } = this.env;
    if (storage) {
      state.optimizedAt = clock.now() + this.timings.storageOptimizationMs;
      this.endOptimizationAt(instance, state.optimizedAt);
    }
    instance.status = clock.now() < (state.optimizedAt ?? 0) ? 'storage-optimization' : 'available';
  }

  private endOptimizationAt(instance: ModifiableInstance, at: number): void {
    instance.timers.push(
      this.env.clock.scheduleAt(at, () => {
        if (instance.status === 'storage-optimization') instance.status = 'available';
      }),
    );
  }

  // State that survives a restart of the local platform (persisted.ts).

  /** The maintenance-window timer of `instance`, if a deferred change waits for it. */
  windowOf(instance: ModifiableInstance): TimerHandle | undefined {
    return this.states.get(instance)?.window;
  }

  /** What a saved state keeps of `instance`'s modifications, or undefined when it has none. */
  exportOf(instance: ModifiableInstance): PersistedModification | undefined {
    const state = this.states.get(instance);
    if (!state) return undefined;
    return {
      pending: structuredClone(state.pending),
      ...(state.lastStorageChangeAt === undefined ? {} : { lastStorageChangeAt: state.lastStorageChangeAt }),
      ...(state.optimizedAt === undefined ? {} : { optimizedAt: state.optimizedAt }),
    };
  }

  /** Gives a restored `instance` its saved modifications; deferred values wait for the next maintenance window. */
  restore(instance: ModifiableInstance, saved: PersistedModification): void {
    const state = this.state(instance);
    state.pending = structuredClone(saved.pending);
    state.lastStorageChangeAt = saved.lastStorageChangeAt;
    state.optimizedAt = saved.optimizedAt;
    if (Object.keys(state.pending).length > 0) this.awaitWindow(instance, state);
  }

  /**
   * Resumes a restored instance saved in `modifying` (ending at `dueAt`) or `storage-optimization`. A storage change
   * applied after the last optimization began is the one being applied: its optimization follows.
   */
  resume(instance: ModifiableInstance, dueAt: number): void {
    const state = this.state(instance);
    if (instance.status === 'storage-optimization') {
      this.endOptimizationAt(instance, state.optimizedAt ?? dueAt);
      return;
    }
    const storage =
      state.lastStorageChangeAt !== undefined &&
      (state.optimizedAt === undefined || state.optimizedAt <= state.lastStorageChangeAt);
    instance.timers.push(this.env.clock.scheduleAt(dueAt, () => this.finishApplying(instance, state, storage)));
  }
}
