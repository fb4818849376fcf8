import { DBInstanceNotFoundFault, RDSServiceException } from '@aws-sdk/client-rds';
import { InstanceFailedError, ProvisioningTimeoutError } from '../../../lambdas/shared/errors';
import { logger } from '../../../lambdas/shared/runtime';
import {
  DEFAULT_DESCRIBE_INTERVAL_MS,
  DEFAULT_SIGNAL_CHECK_INTERVAL_MS,
  DESCRIBE_JITTER,
  type InstanceView,
  NOT_FOUND_GRACE_MS,
  type PollDeps,
  type PollOptions,
  SAFETY_NET_DESCRIBE_INTERVAL_MS,
  SHARED_STATUS_FRESH_MS,
  type SharedView,
  safetyNetDelayMs,
  waitForAvailability,
} from '../../../lambdas/wait-for-instance/poll';
import { classifyInstanceStatus, isDocumentedStatus } from '../../../lambdas/wait-for-instance/status';
import { assertSleepAdvances, runawayGuard } from '../../support/runaway';

/**
 * The readiness decisions as real RDS drives them: the endpoint and the master secret appear while the instance is
 * still `creating` or `backing-up`, statuses come and go, signals arrive at any moment, budgets end between signal
 * checks.
 */

const SECOND = 1_000;
const MINUTE = 60_000;
const START = Date.parse('2026-11-26T10:00:00.000Z');
const ENDPOINT = { address: 'tenant-acme.abc123.us-east-1.rds.amazonaws.com', port: 5432 };
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-AbCdEf';
/** What DescribeDBInstances shows once RDS has assigned them: from `creating` on, long before `available`. */
const ASSIGNED = { endpoint: ENDPOINT, masterSecretArn: SECRET_ARN };

interface World {
  /** From each time on (ms after START), what DescribeDBInstances answers: a view, or an error to throw. */
  timeline: [atMs: number, answer: InstanceView | Error][];
  /** Readiness signal values from each time on (ms after START); a function answers per read. */
  signals?: [atMs: number, signal: string | undefined][];
  /** A failing signal read from this time on (ms after START). */
  signalFailsFromMs?: number;
  /** The shared poller's view from each time on (ms after START). */
  shared?: [atMs: number, view: SharedView | undefined][];
  random?: number;
}

function at<T>(entries: readonly [number, T][], offset: number): T | undefined {
  return entries.filter(([from]) => from <= offset).at(-1)?.[1];
}

/** A virtual clock and fakes of RDS, the registry signal and the shared view that record every call's time. */
function fakeWorld(world: World) {
  let now = START;
  const describes: number[] = [];
  const signalReads: number[] = [];
  const sleeps: number[] = [];
  const step = runawayGuard('now()', 20_000);
  const deps: PollDeps = {
    now: () => {
      step();
      return now;
    },
    sleep: async (ms) => {
      assertSleepAdvances(ms);
      sleeps.push(ms);
      now += ms;
    },
    random: () => world.random ?? 0.5,
    describe: async () => {
      describes.push(now - START);
      const answer = at(world.timeline, now - START) ?? { status: 'creating' };
      if (answer instanceof Error) throw answer;
      return answer;
    },
    readSignal: async () => {
      signalReads.push(now - START);
      if (world.signalFailsFromMs !== undefined && now - START >= world.signalFailsFromMs) {
        throw new Error('DynamoDB unavailable');
      }
      return at(world.signals ?? [], now - START);
    },
    ...(world.shared ? { sharedStatus: () => at(world.shared ?? [], now - START) } : {}),
  };
  return { deps, describes, signalReads, sleeps, elapsed: () => now - START };
}

const options = (overrides: Partial<PollOptions> = {}): PollOptions => ({
  instanceId: 'tenant-acme',
  deadlineMs: START + 60 * MINUTE,
  budgetMs: 60 * MINUTE,
  createdAtMs: START,
  ...overrides,
});

const notFound = () => new DBInstanceNotFoundFault({ message: 'DBInstance tenant-acme not found.', $metadata: {} });
const throttling = () =>
  new RDSServiceException({ name: 'Throttling', $fault: 'client', message: 'Rate exceeded', $metadata: {} });

let info: jest.SpyInstance;
let warn: jest.SpyInstance;
beforeEach(() => {
  info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

describe('the instance statuses', () => {
  it.each([
    ['available', 'available'],
    ...[
      'creating',
      'backing-up',
      'modifying',
      'configuring-enhanced-monitoring',
      'configuring-log-exports',
      'configuring-iam-database-auth',
      'rebooting',
      'resetting-master-credentials',
      'storage-optimization',
      'storage-initialization',
      'storage-config-upgrade',
      'upgrading',
      'maintenance',
      'renaming',
      'starting',
      'converting-to-vpc',
      'moving-to-vpc',
    ].map((status) => [status, 'pending']),
    ...[
      'failed',
      'incompatible-network',
      'incompatible-option-group',
      'incompatible-parameters',
      'incompatible-restore',
      'incompatible-credentials',
      'inaccessible-encryption-credentials',
      'inaccessible-encryption-credentials-recoverable',
      'restore-error',
      'storage-full',
      'insufficient-capacity',
      'stopping',
      'stopped',
      'delete-precheck',
      'deleting',
      'deleted',
    ].map((status) => [status, 'failed']),
  ])('%s is a documented status, %s for the wait', (status, expected) => {
    // Act
    const statusClass = classifyInstanceStatus(status);

    // Assess
    expect(statusClass).toBe(expected);
    expect(isDocumentedStatus(status)).toBe(true);
  });

  it.each(['', 'Available', 'available ', 'unknown', 'constructor', 'toString'])(
    '%j is undocumented and pending',
    (status) => {
      // Act
      const statusClass = classifyInstanceStatus(status);

      // Assess
      expect(statusClass).toBe('pending');
      expect(isDocumentedStatus(status)).toBe(false);
    },
  );
});

describe('waitForAvailability reads readiness from the status, not from what RDS has assigned', () => {
  it.each(['creating', 'backing-up', 'modifying', 'configuring-enhanced-monitoring'])(
    'keeps waiting while the instance is %s with its endpoint and master secret, and returns AVAILABLE once available',
    async (status) => {
      // Prepare
      const { deps, describes } = fakeWorld({
        timeline: [
          [0, { status: 'creating' }],
          [MINUTE, { status, ...ASSIGNED }],
          [5 * MINUTE, { status: 'available', ...ASSIGNED }],
        ],
      });

      // Act
      const result = await waitForAvailability(deps, options());

      // Assess
      expect(result).toEqual({
        status: 'AVAILABLE',
        endpointAddress: ENDPOINT.address,
        endpointPort: 5432,
        masterSecretArn: SECRET_ARN,
        polls: 11,
      });
      expect(describes.at(-1)).toBe(5 * MINUTE);
    },
  );

  it.each<[string, InstanceView]>([
    ['without an endpoint', { status: 'available', masterSecretArn: SECRET_ARN }],
    ['without a master secret', { status: 'available', endpoint: ENDPOINT }],
    ['with neither', { status: 'available' }],
  ])('keeps waiting while available is reported %s', async (_case, view) => {
    // Prepare
    const { deps, describes } = fakeWorld({
      timeline: [
        [0, view],
        [2 * MINUTE, { status: 'available', ...ASSIGNED }],
      ],
    });

    // Act
    const result = await waitForAvailability(deps, options());

    // Assess
    expect(result).toMatchObject({ status: 'AVAILABLE', polls: 5 });
    expect(describes).toEqual([0, 30, 60, 90, 120].map((s) => s * SECOND));
  });

  it('hands the described snapshot on with the result', async () => {
    // Prepare
    const snapshot = { DBInstanceIdentifier: 'tenant-acme', DbiResourceId: 'db-ABC' };
    const { deps } = fakeWorld({ timeline: [[0, { status: 'available', ...ASSIGNED, snapshot }]] });

    // Act
    const result = await waitForAvailability(deps, options());

    // Assess
    expect(result).toEqual({
      status: 'AVAILABLE',
      endpointAddress: ENDPOINT.address,
      endpointPort: 5432,
      masterSecretArn: SECRET_ARN,
      instance: snapshot,
      polls: 1,
    });
  });

  it.each(['delete-precheck', 'stopping', 'insufficient-capacity', 'failed'])(
    'fails at once when the instance is %s, though RDS reports its endpoint',
    async (status) => {
      // Prepare
      const { deps, elapsed } = fakeWorld({ timeline: [[0, { status, ...ASSIGNED }]] });

      // Act
      const result = waitForAvailability(deps, options());

      // Assess
      await expect(result).rejects.toThrow(InstanceFailedError);
      await expect(result).rejects.toThrow(
        `DB instance tenant-acme is in status "${status}", which it cannot leave without an operator`,
      );
      expect(elapsed()).toBe(0);
    },
  );
});

describe('waitForAvailability logs what it sees', () => {
  it('logs each status once, when it changes, and warns about undocumented ones only', async () => {
    // Prepare
    const { deps } = fakeWorld({
      timeline: [
        [0, { status: 'creating' }],
        [MINUTE, { status: 'warming-up' }],
        [2 * MINUTE, { status: 'backing-up', ...ASSIGNED }],
        [3 * MINUTE, { status: 'available', ...ASSIGNED }],
      ],
    });

    // Act
    await waitForAvailability(deps, options());

    // Assess
    expect(info.mock.calls).toEqual([
      ['DB instance status', { instanceId: 'tenant-acme', status: 'creating' }],
      ['DB instance status', { instanceId: 'tenant-acme', status: 'warming-up' }],
      ['DB instance status', { instanceId: 'tenant-acme', status: 'backing-up' }],
      ['DB instance status', { instanceId: 'tenant-acme', status: 'available' }],
    ]);
    expect(warn.mock.calls).toEqual([
      ['undocumented DB instance status; treating it as pending', { instanceId: 'tenant-acme', status: 'warming-up' }],
      ['undocumented DB instance status; treating it as pending', { instanceId: 'tenant-acme', status: 'warming-up' }],
    ]);
  });

  it('logs a throttled describe with the count of throttles in a row', async () => {
    // Prepare
    const { deps } = fakeWorld({
      timeline: [
        [0, throttling()],
        [1 * SECOND, { status: 'available', ...ASSIGNED }],
      ],
      random: 0.9,
    });

    // Act
    await waitForAvailability(deps, options());

    // Assess
    expect(warn.mock.calls).toEqual([
      ['DescribeDBInstances throttled; backing off', { instanceId: 'tenant-acme', throttles: 1 }],
    ]);
  });

  it('logs a new readiness signal before describing', async () => {
    // Prepare
    const { deps } = fakeWorld({
      timeline: [
        [0, { status: 'creating' }],
        [10 * SECOND, { status: 'available', ...ASSIGNED }],
      ],
      signals: [[10 * SECOND, '2026-11-26T10:00:10.000Z']],
    });

    // Act
    await waitForAvailability(deps, options());

    // Assess
    expect(info).toHaveBeenCalledWith('readiness signal received; describing now', {
      instanceId: 'tenant-acme',
      signal: '2026-11-26T10:00:10.000Z',
    });
  });

  it('logs a failed signal read and goes on describing', async () => {
    // Prepare
    const { deps, describes } = fakeWorld({
      timeline: [[MINUTE, { status: 'available', ...ASSIGNED }]],
      signalFailsFromMs: 0,
    });

    // Act
    const result = await waitForAvailability(deps, options());

    // Assess
    expect(result.status).toBe('AVAILABLE');
    expect(describes).toEqual([0, 30 * SECOND, MINUTE]);
    expect(warn).toHaveBeenCalledWith('could not read the readiness signal; relying on DescribeDBInstances', {
      error: 'Error: DynamoDB unavailable',
    });
  });
});

describe('waitForAvailability timing', () => {
  it.each([
    [0, 24 * SECOND],
    [0.25, 27 * SECOND],
    [0.75, 33 * SECOND],
  ])('describes every 30 s ± 20 %%: at random %f every %i ms', async (random, gap) => {
    // Prepare
    const { deps, describes } = fakeWorld({ timeline: [], random });

    // Act
    await waitForAvailability(deps, options({ budgetMs: 3 * gap + 1 }));

    // Assess
    expect(describes).toEqual([0, gap, 2 * gap, 3 * gap]);
    expect(DEFAULT_DESCRIBE_INTERVAL_MS * (1 - DESCRIBE_JITTER)).toBe(24 * SECOND);
  });

  it.each([
    [0, 420_000],
    [0.5, 600_000],
    [0.75, 690_000],
  ])('spaces the safety-net describes 10 minutes ± 30 %%: at random %f, %i ms', (random, delay) => {
    // Act
    const result = safetyNetDelayMs(() => random);

    // Assess
    expect(result).toBeCloseTo(delay, 6);
    expect(SAFETY_NET_DESCRIBE_INTERVAL_MS).toBe(600_000);
  });

  it.each([12_345, 7_777, 31_001])(
    'hands back PENDING exactly when a budget of %i ms ends, between two signal checks',
    async (budgetMs) => {
      // Prepare
      const { deps, sleeps, elapsed } = fakeWorld({ timeline: [] });

      // Act
      const result = await waitForAvailability(deps, options({ budgetMs }));

      // Assess
      expect(result).toEqual({ status: 'PENDING', polls: Math.ceil(budgetMs / 30_000) });
      expect(elapsed()).toBe(budgetMs);
      expect(sleeps.every((ms) => ms > 0 && ms <= DEFAULT_SIGNAL_CHECK_INTERVAL_MS)).toBe(true);
    },
  );

  it('checks the signal between describes, not at the moment a describe is due', async () => {
    // Prepare
    const { deps, describes, signalReads } = fakeWorld({ timeline: [] });

    // Act
    await waitForAvailability(deps, options({ budgetMs: MINUTE }));

    // Assess: the first read is the one before polling starts
    expect(describes).toEqual([0, 30 * SECOND]);
    expect(signalReads).toEqual([0, 5, 10, 15, 20, 25, 35, 40, 45, 50, 55].map((s) => s * SECOND));
  });

  it('honours custom describe and signal-check intervals', async () => {
    // Prepare
    const { deps, describes, signalReads } = fakeWorld({ timeline: [] });

    // Act
    await waitForAvailability(
      deps,
      options({ budgetMs: 20 * SECOND, describeIntervalMs: 10 * SECOND, signalCheckIntervalMs: 4 * SECOND }),
    );

    // Assess
    expect(describes).toEqual([0, 10 * SECOND]);
    expect(signalReads).toEqual([0, 4, 8, 14, 18].map((s) => s * SECOND));
  });

  it('does not take a failed signal read for a new signal', async () => {
    // Prepare: a signal before polling started (old news), then the registry fails
    const { deps, describes } = fakeWorld({
      timeline: [],
      signals: [[0, '2026-11-26T09:59:00.000Z']],
      signalFailsFromMs: 1,
    });

    // Act
    await waitForAvailability(deps, options({ budgetMs: MINUTE }));

    // Assess: only the regular describes
    expect(describes).toEqual([0, 30 * SECOND]);
  });

  it('describes once per new signal value, not once per read of it', async () => {
    // Prepare
    const { deps, describes } = fakeWorld({
      timeline: [],
      signals: [[7 * SECOND, '2026-11-26T10:00:07.000Z']],
    });

    // Act
    await waitForAvailability(deps, options({ budgetMs: MINUTE }));

    // Assess: 0, the signal seen at 10 s, then every 30 s from there
    expect(describes).toEqual([0, 10 * SECOND, 40 * SECOND]);
  });
});

describe('waitForAvailability when the instance is not found', () => {
  it('still waits when the not-found answer comes exactly at the end of the grace period', async () => {
    // Prepare: created two minutes before polling started
    const { deps } = fakeWorld({
      timeline: [
        [0, notFound()],
        [1, { status: 'available', ...ASSIGNED }],
      ],
    });

    // Act
    const result = await waitForAvailability(deps, options({ createdAtMs: START - NOT_FOUND_GRACE_MS }));

    // Assess
    expect(result.status).toBe('AVAILABLE');
  });

  it('fails once the grace period has passed, naming it', async () => {
    // Prepare
    const { deps } = fakeWorld({ timeline: [[0, notFound()]] });

    // Act
    const result = waitForAvailability(deps, options({ createdAtMs: START - NOT_FOUND_GRACE_MS - 1 }));

    // Assess
    await expect(result).rejects.toThrow(
      new InstanceFailedError(
        'DB instance tenant-acme does not exist 2 minutes after it was created; it was deleted outside the workflow',
      ),
    );
  });

  it('times out naming "not found yet" when the deadline passes within the grace period', async () => {
    // Prepare
    const { deps } = fakeWorld({ timeline: [[0, notFound()]] });

    // Act
    const result = waitForAvailability(deps, options({ deadlineMs: START + MINUTE }));

    // Assess
    await expect(result).rejects.toThrow(ProvisioningTimeoutError);
    await expect(result).rejects.toThrow(
      "DB instance tenant-acme is not available by the tier's deadline 2026-11-26T10:01:00.000Z (last status: not found yet)",
    );
  });

  it('times out naming the status before the first describe when the deadline has passed', async () => {
    // Prepare: throttled, so no status was ever seen
    const { deps } = fakeWorld({ timeline: [[0, throttling()]] });

    // Act
    const result = waitForAvailability(deps, options({ deadlineMs: START - 1 }));

    // Assess
    await expect(result).rejects.toThrow('(last status: not described yet)');
  });
});

describe('waitForAvailability: the first look', () => {
  it('hands back PENDING without describing when the budget ends during the first-look delay', async () => {
    // Prepare
    const { deps, describes, elapsed } = fakeWorld({ timeline: [] });

    // Act
    const result = await waitForAvailability(deps, options({ budgetMs: 12 * SECOND, firstDescribeDelayMs: MINUTE }));

    // Assess
    expect(result).toEqual({ status: 'PENDING', polls: 0 });
    expect(describes).toEqual([]);
    expect(elapsed()).toBe(12 * SECOND);
  });

  it('looks at once when a new signal arrives during the first-look delay', async () => {
    // Prepare
    const { deps, describes } = fakeWorld({
      timeline: [[0, { status: 'available', ...ASSIGNED }]],
      signals: [[17 * SECOND, '2026-11-26T10:00:17.000Z']],
    });

    // Act
    await waitForAvailability(deps, options({ firstDescribeDelayMs: 2 * MINUTE }));

    // Assess
    expect(describes).toEqual([20 * SECOND]);
  });

  it("takes the shared poller's view as soon as it is fresh, within a signal check, without describing", async () => {
    // Prepare
    const available: SharedView = { status: 'available', atMs: START + 30 * SECOND, ...ASSIGNED };
    const { deps, describes, elapsed } = fakeWorld({
      timeline: [],
      shared: [
        [0, undefined],
        [30 * SECOND, available],
      ],
    });

    // Act
    const result = await waitForAvailability(deps, options({ firstDescribeDelayMs: 2 * MINUTE }));

    // Assess
    expect(result).toMatchObject({ status: 'AVAILABLE', polls: 0 });
    expect(describes).toEqual([]);
    expect(elapsed()).toBe(30 * SECOND);
  });

  it('waits out the delay until the deadline has passed, then looks', async () => {
    // Prepare
    const { deps, describes } = fakeWorld({ timeline: [] });

    // Act
    const result = waitForAvailability(deps, options({ deadlineMs: START + 5 * SECOND, firstDescribeDelayMs: MINUTE }));

    // Assess: at 5 s the deadline is reached, not passed; the check at 10 s finds it passed
    await expect(result).rejects.toThrow(ProvisioningTimeoutError);
    expect(describes).toEqual([10 * SECOND]);
  });
});

describe("waitForAvailability with the shared poller's view", () => {
  const creating = (atMs: number): SharedView => ({ status: 'creating', atMs: START + atMs });

  it('counts a view exactly 150 s old as fresh and an older one as stale', async () => {
    // Prepare: one view recorded at the start, never again
    const { deps, describes } = fakeWorld({ timeline: [], shared: [[0, creating(0)]] });

    // Act
    await waitForAvailability(deps, options({ budgetMs: 4 * MINUTE }));

    // Assess: the view stands in for a describe up to 150 s; the look at 180 s describes, and so on every 30 s
    expect(SHARED_STATUS_FRESH_MS).toBe(150 * SECOND);
    expect(describes).toEqual([180, 210].map((s) => s * SECOND));
  });

  it('fails on a failed status the shared poller saw, without describing', async () => {
    // Prepare
    const { deps, describes } = fakeWorld({
      timeline: [],
      shared: [[0, { status: 'incompatible-network', atMs: START }]],
    });

    // Act
    const result = waitForAvailability(deps, options());

    // Assess
    await expect(result).rejects.toThrow('DB instance tenant-acme is in status "incompatible-network"');
    expect(describes).toEqual([]);
  });
});
