import type { ReadinessResult } from '../shared/contracts';
import { awsErrorName, InstanceFailedError, isTransientAwsError, ProvisioningTimeoutError } from '../shared/errors';
import type { InstanceView } from '../shared/instance-view';
import { logger } from '../shared/runtime';
import { INSTANCE_VISIBILITY_DELAY_MS } from '../shared/visibility';
import { classifyInstanceStatus, isDocumentedStatus } from './status';

export type { InstanceView } from '../shared/instance-view';

/** The shared status poller's view of the instance, and when it described it (epoch ms). */
export interface SharedView extends InstanceView {
  atMs: number;
}

export interface PollDeps {
  /** DescribeDBInstances of the tenant instance; throws the SDK error (throttling, DBInstanceNotFoundFault...). */
  describe(): Promise<InstanceView>;
  /** The registry's `readySignalAt`, set when RDS's "DB instance created" event arrives. */
  readSignal(): Promise<string | undefined>;
  /**
   * The status the shared status poller last recorded and when (epoch ms), from the registry read that
   * `readSignal` just made. While it is fresh, this waiter's own describes become a rare safety net.
   */
  sharedStatus?(): SharedView | undefined;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Source of jitter in [0, 1); tests make it deterministic. */
  random?(): number;
}

export interface PollOptions {
  instanceId: string;
  /** When the tier's provisioning budget ends (epoch ms). */
  deadlineMs: number;
  /** How long this invocation may poll before handing back PENDING (ms). */
  budgetMs: number;
  /** When the instance was created (epoch ms): a DBInstanceNotFound shortly after is eventual consistency. */
  createdAtMs: number;
  describeIntervalMs?: number;
  signalCheckIntervalMs?: number;
  /**
   * Wait this long before the first describe: the first wait of an onboarding jitters it, so a burst of creations
   * does not describe in the same second. @default 0
   */
  firstDescribeDelayMs?: number;
}

export const DEFAULT_DESCRIBE_INTERVAL_MS = 30_000;
export const DEFAULT_SIGNAL_CHECK_INTERVAL_MS = 5_000;
/** Describe intervals vary by ±20% so many tenants created together do not describe in lockstep. */
export const DESCRIBE_JITTER = 0.2;
/**
 * Own describes while the shared status is fresh: a safety net in case the shared poller stops. Jittered by ±30 %
 * (see {@link safetyNetDelayMs}) so that waiters started together do not all describe in the same minute.
 */
export const SAFETY_NET_DESCRIBE_INTERVAL_MS = 600_000;
const SAFETY_NET_JITTER = 0.3;

/** The delay until a waiter's next own describe while the shared view is fresh. Pure given `random`. */
export function safetyNetDelayMs(random: () => number): number {
  return SAFETY_NET_DESCRIBE_INTERVAL_MS * (1 - SAFETY_NET_JITTER + 2 * SAFETY_NET_JITTER * random());
}
/** A shared status older than this is stale (the poller runs every minute): the waiter describes on its own again. */
export const SHARED_STATUS_FRESH_MS = 150_000;

/** How long after CreateDBInstance a DBInstanceNotFound still means "not visible yet" rather than "gone". */
export const NOT_FOUND_GRACE_MS = INSTANCE_VISIBILITY_DELAY_MS;
const THROTTLE_BASE_DELAY_MS = 1_000;

type Observation = { kind: 'described'; view: InstanceView } | { kind: 'throttled' } | { kind: 'not-found' };

/** The shared poller's view when it is fresh (described within {@link SHARED_STATUS_FRESH_MS}). */
function freshSharedView(deps: PollDeps): SharedView | undefined {
  const shared = deps.sharedStatus?.();
  return shared !== undefined && deps.now() - shared.atMs <= SHARED_STATUS_FRESH_MS ? shared : undefined;
}

/**
 * The instance as this waiter sees it now: the shared poller's fresh view while this waiter's own describe is not
 * due (no API call), else its own DescribeDBInstances, after which the next own describe is due a safety-net
 * interval later.
 */
async function observe(deps: PollDeps, progress: Progress): Promise<Observation> {
  const shared = freshSharedView(deps);
  if (shared && deps.now() < progress.ownDescribeDueAt) return { kind: 'described', view: shared };
  progress.polls += 1;
  progress.ownDescribeDueAt = deps.now() + safetyNetDelayMs(deps.random ?? Math.random);
  try {
    return { kind: 'described', view: await deps.describe() };
  } catch (error) {
    if (isTransientAwsError(error)) return { kind: 'throttled' };
    if (awsErrorName(error) === 'DBInstanceNotFoundFault') return { kind: 'not-found' };
    throw error;
  }
}

/** The signal is a hint: a failed read only means we rely on the describe interval until the next check. */
async function readSignal(deps: PollDeps): Promise<string | undefined> {
  try {
    return await deps.readSignal();
  } catch (error) {
    logger.warn('could not read the readiness signal; relying on DescribeDBInstances', { error: String(error) });
    return undefined;
  }
}

/** Poll state carried between describes. */
interface Progress {
  /** Own DescribeDBInstances calls. */
  polls: number;
  /** When this waiter's own describe is next due while the shared view is fresh (epoch ms). */
  ownDescribeDueAt: number;
  throttles: number;
  lastStatus: string;
  seenSignal: string | undefined;
}

/**
 * Acts on one observation: returns the AVAILABLE result, throws for a failed or vanished instance, or returns how
 * long to wait before the next describe.
 */
function assess(
  observation: Observation,
  progress: Progress,
  deps: PollDeps,
  opts: PollOptions,
): ReadinessResult | number {
  const describeEvery = opts.describeIntervalMs ?? DEFAULT_DESCRIBE_INTERVAL_MS;
  const random = deps.random ?? Math.random;
  const instanceId = opts.instanceId;
  if (observation.kind === 'throttled') {
    progress.throttles += 1;
    logger.warn('DescribeDBInstances throttled; backing off', { instanceId, throttles: progress.throttles });
    return random() * Math.min(describeEvery, THROTTLE_BASE_DELAY_MS * 2 ** progress.throttles);
  }
  progress.throttles = 0;
  if (observation.kind === 'not-found') {
    if (deps.now() - opts.createdAtMs > NOT_FOUND_GRACE_MS) {
      throw new InstanceFailedError(
        `DB instance ${instanceId} does not exist ${NOT_FOUND_GRACE_MS / 60_000} minutes after it was created; it was deleted outside the workflow`,
      );
    }
    progress.lastStatus = 'not found yet';
  } else {
    const { status, endpoint, masterSecretArn } = observation.view;
    if (status !== progress.lastStatus) logger.info('DB instance status', { instanceId, status });
    progress.lastStatus = status;
    const statusClass = classifyInstanceStatus(status);
    if (statusClass === 'available' && endpoint && masterSecretArn) {
      return {
        status: 'AVAILABLE',
        endpointAddress: endpoint.address,
        endpointPort: endpoint.port,
        masterSecretArn,
        ...(observation.view.snapshot ? { instance: observation.view.snapshot } : {}),
        polls: progress.polls,
      };
    }
    if (statusClass === 'failed') {
      throw new InstanceFailedError(
        `DB instance ${instanceId} is in status "${status}", which it cannot leave without an operator`,
      );
    }
    if (!isDocumentedStatus(status)) {
      logger.warn('undocumented DB instance status; treating it as pending', { instanceId, status });
    }
  }
  return describeEvery * (1 - DESCRIBE_JITTER + 2 * DESCRIBE_JITTER * random());
}

/**
 * Sleeps in signal-check steps until the next describe is due, a new readiness signal appears, the deadline passes,
 * or (with `orFreshSharedView`) the shared poller's view is fresh (→ false: look now), or the invocation's budget is
 * spent (→ true). Each signal check also refreshes the shared view.
 */
async function idle(
  deps: PollDeps,
  opts: PollOptions,
  progress: Progress,
  until: { describeAt: number; budgetEnd: number; orFreshSharedView?: boolean },
): Promise<boolean> {
  const signalEvery = opts.signalCheckIntervalMs ?? DEFAULT_SIGNAL_CHECK_INTERVAL_MS;
  for (;;) {
    const now = deps.now();
    if (now >= until.budgetEnd) return true;
    if (now >= until.describeAt || now > opts.deadlineMs) return false;
    if (until.orFreshSharedView && freshSharedView(deps)) return false;
    await deps.sleep(Math.min(signalEvery, until.describeAt - now, until.budgetEnd - now));
    if (deps.now() >= until.describeAt) continue;
    const signal = await readSignal(deps);
    if (signal !== undefined && signal !== progress.seenSignal) {
      logger.info('readiness signal received; describing now', { instanceId: opts.instanceId, signal });
      progress.seenSignal = signal;
      return false;
    }
  }
}

/**
 * Waits inside one invocation until the instance is available, has failed, or the time runs out.
 *
 * DescribeDBInstances runs at the start and then every `describeIntervalMs` (±20% jitter). In between, every
 * `signalCheckIntervalMs`, a cheap registry read looks for the readiness signal of RDS's "DB instance created"
 * event; a new signal triggers a describe at once. RDS delivers events on a best-effort basis, so the describe
 * interval alone still guarantees progress. Throttled describes back off exponentially with full jitter, capped at
 * the describe interval, and polling continues.
 *
 * @returns AVAILABLE with the endpoint and master secret ARN, or PENDING when this invocation's budget is spent
 *   (the workflow invokes the step again). `polls` counts DescribeDBInstances calls of this invocation.
 * @throws {@link InstanceFailedError} on a status an operator has to fix, or when the instance is still not found
 *   two minutes after it was created.
 * @throws {@link ProvisioningTimeoutError} when the deadline passed and the instance is still not available.
 *
 * @example
 * ```ts
 * const readiness = await waitForAvailability(
 *   { describe, readSignal, now: () => clock.now(), sleep: (ms) => clock.sleep(ms) },
 *   { instanceId: 'tenant-acme', deadlineMs, budgetMs: 780_000, createdAtMs },
 * );
 * ```
 */
export async function waitForAvailability(deps: PollDeps, opts: PollOptions): Promise<ReadinessResult> {
  const budgetEnd = deps.now() + opts.budgetMs;
  const progress: Progress = {
    polls: 0,
    ownDescribeDueAt: deps.now() + safetyNetDelayMs(deps.random ?? Math.random),
    throttles: 0,
    lastStatus: 'not described yet',
    seenSignal: await readSignal(deps),
  };
  // The first look waits out the jitter, unless a new signal arrives, the shared poller's view is fresh (then the
  // first look costs no describe), or the deadline passes.
  const firstLook = {
    describeAt: deps.now() + (opts.firstDescribeDelayMs ?? 0),
    budgetEnd,
    orFreshSharedView: true,
  };
  if (await idle(deps, opts, progress, firstLook)) return { status: 'PENDING', polls: 0 };
  for (;;) {
    const outcome = assess(await observe(deps, progress), progress, deps, opts);
    if (typeof outcome !== 'number') return outcome;
    if (deps.now() > opts.deadlineMs) {
      throw new ProvisioningTimeoutError(
        `DB instance ${opts.instanceId} is not available by the tier's deadline ${new Date(opts.deadlineMs).toISOString()} (last status: ${progress.lastStatus})`,
      );
    }
    const budgetSpent = await idle(deps, opts, progress, { describeAt: deps.now() + outcome, budgetEnd });
    if (budgetSpent) return { status: 'PENDING', polls: progress.polls };
  }
}
