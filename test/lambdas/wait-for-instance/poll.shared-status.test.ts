import {
  type PollDeps,
  SAFETY_NET_DESCRIBE_INTERVAL_MS,
  waitForAvailability,
} from '../../../lambdas/wait-for-instance/poll';
import { signalOf } from '../../../lambdas/wait-for-instance/wait';
import { assertSleepAdvances, runawayGuard } from '../../support/runaway';

/** The waiter and the shared status poller: few own describes while the shared status is fresh. */

const MINUTE = 60_000;
const START = Date.parse('2026-11-26T10:00:00.000Z');
const ENDPOINT = { address: 'tenant-acme.abc123.us-east-1.rds.amazonaws.com', port: 5432 };
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-AbCdEf';

/**
 * An instance available at `availableAtMs`, and a shared poller that records its status every minute (when
 * `pollerRuns`), as the registry would show it to the waiter.
 */
function world(availableAtMs: number, pollerRuns: boolean) {
  let now = START;
  const describes: number[] = [];
  const statusAt = (t: number) => (t >= availableAtMs ? 'available' : 'creating');
  const lastPollerRun = () => START + Math.floor((now - START) / MINUTE) * MINUTE;
  // The poller records the endpoint and master secret with `available`, as RDS reports them.
  const shared = () => {
    if (!pollerRuns) return undefined;
    const status = statusAt(lastPollerRun());
    const seen = status === 'available' ? { endpoint: ENDPOINT, masterSecretArn: SECRET_ARN } : {};
    return { status, atMs: lastPollerRun(), ...seen };
  };
  const step = runawayGuard('now()', 20_000);
  const deps: PollDeps = {
    now: () => {
      step();
      return now;
    },
    sleep: async (ms) => {
      assertSleepAdvances(ms);
      now += ms;
    },
    random: () => 0.5,
    describe: async () => {
      describes.push(now);
      const status = statusAt(now);
      return status === 'available' ? { status, endpoint: ENDPOINT, masterSecretArn: SECRET_ARN } : { status };
    },
    readSignal: async () => {
      const s = shared();
      return signalOf(s ? { observedStatus: s.status, observedAt: new Date(s.atMs).toISOString() } : undefined);
    },
    sharedStatus: shared,
  };
  return { deps, describes, now: () => now };
}

const options = {
  instanceId: 'tenant-acme',
  deadlineMs: START + 90 * MINUTE,
  budgetMs: 90 * MINUTE,
  createdAtMs: START,
};

describe('waitForAvailability with the shared status poller', () => {
  it.each([
    ['without the poller: every 30 s', false, 41],
    ['with the poller: only every 10 minutes, as a safety net', true, 2],
  ] as const)('%s', async (_name, pollerRuns, expected) => {
    // Prepare
    const w = world(START + 20 * MINUTE, pollerRuns);

    // Act
    const result = await waitForAvailability(w.deps, options);

    // Assess
    expect(result.status).toBe('AVAILABLE');
    expect(w.describes).toHaveLength(expected);
  });

  it('notices availability within a poller interval and a signal check of the shared status turning available', async () => {
    // Prepare
    const availableAt = START + 20 * MINUTE + 10_000;
    const w = world(availableAt, true);

    // Act
    await waitForAvailability(w.deps, options);

    // Assess: the next poller run (21:00) plus at most one signal check
    expect(w.now() - availableAt).toBeLessThanOrEqual(MINUTE + 5_000);
  });

  it('describes on its own every safety-net interval while the shared status stays pending', async () => {
    // Prepare
    const w = world(START + 60 * MINUTE, true);

    // Act
    await waitForAvailability(w.deps, { ...options, budgetMs: 30 * MINUTE });

    // Assess: gaps between own describes are the safety net (±20 % jitter at random 0.5: exactly the interval)
    const gaps = w.describes.slice(1).map((t, i) => t - (w.describes[i] ?? 0));
    expect(gaps.length).toBeGreaterThan(0);
    for (const gap of gaps) expect(gap).toBe(SAFETY_NET_DESCRIBE_INTERVAL_MS);
  });

  it('describes on its own again, every 30 s, once the shared status is stale', async () => {
    // Prepare: the poller recorded one status at the start, then stopped
    const w = world(START + 60 * MINUTE, false);
    w.deps.sharedStatus = () => ({ status: 'creating', atMs: START });

    // Act
    await waitForAvailability(w.deps, { ...options, budgetMs: 10 * MINUTE });

    // Assess: no own describe while the view is fresh (150 s), then every 30 s
    expect(w.describes[0]).toBeGreaterThan(START + 150_000);
    const gaps = w.describes.slice(1).map((t, i) => t - (w.describes[i] ?? 0));
    expect(gaps.length).toBeGreaterThan(5);
    expect(gaps.every((gap) => gap === 30_000)).toBe(true);
  });

  it('takes availability, endpoint and master secret from the shared view without describing', async () => {
    // Prepare: the poller saw the instance available a moment ago
    const w = world(START, false);
    w.deps.sharedStatus = () => ({ status: 'available', atMs: START, endpoint: ENDPOINT, masterSecretArn: SECRET_ARN });

    // Act
    const result = await waitForAvailability(w.deps, options);

    // Assess
    expect(result).toMatchObject({ status: 'AVAILABLE', endpointAddress: ENDPOINT.address, polls: 0 });
    expect(w.describes).toEqual([]);
  });

  it('waits firstDescribeDelayMs before its first describe', async () => {
    // Prepare
    const w = world(START + 60 * MINUTE, false);

    // Act
    await waitForAvailability(w.deps, { ...options, budgetMs: MINUTE, firstDescribeDelayMs: 17_000 });

    // Assess
    expect(w.describes[0]).toBe(START + 17_000);
  });
});

describe('signalOf', () => {
  it.each([
    ['nothing recorded', undefined, undefined],
    ['the RDS event', { readySignalAt: '2026-11-26T10:10:00.000Z' }, '2026-11-26T10:10:00.000Z'],
    ['a pending shared status', { observedStatus: 'backing-up', observedAt: '2026-11-26T10:10:00.000Z' }, undefined],
    [
      'an available shared status',
      { observedStatus: 'available', observedAt: '2026-11-26T10:10:00.000Z' },
      'observed available at 2026-11-26T10:10:00.000Z',
    ],
    [
      'a failed shared status',
      { observedStatus: 'incompatible-parameters', observedAt: '2026-11-26T10:10:00.000Z' },
      'observed incompatible-parameters at 2026-11-26T10:10:00.000Z',
    ],
  ] as const)('%s', (_name, record, expected) => {
    expect(signalOf(record)).toBe(expected);
  });
});

describe('the first look', () => {
  it('happens at once when the deadline has already passed, instead of waiting out the jitter', async () => {
    // Prepare: a deadline a minute ago, a 60 s first-look jitter
    const w = world(START + 60 * MINUTE, false);
    const late = { ...options, deadlineMs: START - MINUTE, budgetMs: 10 * MINUTE, firstDescribeDelayMs: 60_000 };

    // Act
    const outcome = waitForAvailability(w.deps, late);

    // Assess: one describe at the start, then the timeout
    await expect(outcome).rejects.toThrow('is not available by the tier');
    expect(w.describes).toEqual([START]);
  });
});
