import { DBInstanceNotFoundFault, RDSServiceException } from '@aws-sdk/client-rds';
import { InstanceFailedError, ProvisioningTimeoutError } from '../../../lambdas/shared/errors';
import { logger } from '../../../lambdas/shared/runtime';
import {
  type InstanceView,
  type PollDeps,
  type PollOptions,
  waitForAvailability,
} from '../../../lambdas/wait-for-instance/poll';
import { classifyInstanceStatus, isDocumentedStatus } from '../../../lambdas/wait-for-instance/status';
import { runawayGuard } from '../../support/runaway';

const MINUTE = 60_000;
const START = Date.parse('2026-11-26T10:00:00.000Z');
const ENDPOINT = { address: 'tenant-acme.abc123.us-east-1.rds.amazonaws.com', port: 5432 };
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-AbCdEf';

/** A deterministic world: a virtual clock, an instance whose status follows a timeline, an optional signal. */
interface World {
  timeline: [fromMs: number, status: string][];
  signalAtMs?: number;
  /** Describe failures, consumed one per call before the timeline answers. */
  failures?: unknown[];
  random?: number;
}

function fakeDeps(world: World) {
  let now = START;
  const describes: number[] = [];
  const failures = [...(world.failures ?? [])];
  const step = runawayGuard('now()', 20_000);
  const deps: PollDeps = {
    now: () => {
      step();
      return now;
    },
    sleep: async (ms) => {
      expect(ms).toBeGreaterThan(0);
      now += ms;
    },
    random: () => world.random ?? 0.5,
    describe: async (): Promise<InstanceView> => {
      describes.push(now);
      const failure = failures.shift();
      if (failure) throw failure;
      const status = world.timeline.filter(([from]) => from <= now).at(-1)?.[1] ?? 'creating';
      return status === 'available' ? { status, endpoint: ENDPOINT, masterSecretArn: SECRET_ARN } : { status };
    },
    readSignal: async () =>
      world.signalAtMs !== undefined && world.signalAtMs <= now ? new Date(world.signalAtMs).toISOString() : undefined,
  };
  return { deps, describes, elapsed: () => now - START };
}

const options = (overrides: Partial<PollOptions> = {}): PollOptions => ({
  instanceId: 'tenant-acme',
  deadlineMs: START + 60 * MINUTE,
  budgetMs: 60 * MINUTE,
  createdAtMs: START,
  ...overrides,
});

const throttling = () =>
  new RDSServiceException({
    name: 'Throttling',
    $fault: 'client',
    message: 'Rate exceeded',
    $metadata: { httpStatusCode: 400 },
  });

describe('classifyInstanceStatus', () => {
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
      'upgrading',
      'maintenance',
      'renaming',
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
      'deleting',
      'deleted',
      'stopped',
      'stopping',
      'insufficient-capacity',
    ].map((status) => [status, 'failed']),
  ])('classifies %s as %s', (status, expected) => {
    // Act
    const statusClass = classifyInstanceStatus(status);

    // Assess
    expect(statusClass).toBe(expected);
    expect(isDocumentedStatus(status)).toBe(true);
  });

  it('treats an undocumented status as pending', () => {
    // Act
    const statusClass = classifyInstanceStatus('warming-up');

    // Assess
    expect(statusClass).toBe('pending');
    expect(isDocumentedStatus('warming-up')).toBe(false);
  });
});

describe('waitForAvailability', () => {
  it.each([3, 12, 25])(
    'returns AVAILABLE with endpoint and secret after %i minutes without a signal',
    async (minutes) => {
      // Prepare
      const { deps, describes, elapsed } = fakeDeps({ timeline: [[START + minutes * MINUTE, 'available']] });

      // Act
      const result = await waitForAvailability(deps, options());

      // Assess
      expect(result).toEqual({
        status: 'AVAILABLE',
        endpointAddress: ENDPOINT.address,
        endpointPort: 5432,
        masterSecretArn: SECRET_ARN,
        polls: describes.length,
      });
      expect(describes[0]).toBe(START);
      expect(elapsed()).toBeGreaterThanOrEqual(minutes * MINUTE);
    },
  );

  it.each([
    ['shortest', 0],
    ['longest', 0.999],
  ])('without a signal notices availability within the %s jittered describe interval', async (_case, random) => {
    // Prepare
    const availableAt = 17 * MINUTE + 1_234;
    const { deps, elapsed } = fakeDeps({ timeline: [[START + availableAt, 'available']], random });

    // Act
    await waitForAvailability(deps, options());

    // Assess: ±20% jitter around 30 s
    expect(elapsed() - availableAt).toBeLessThanOrEqual(36_000);
  });

  it('with a signal notices availability within one signal-check interval, with one extra describe', async () => {
    // Prepare
    const availableAt = 17 * MINUTE + 1_234;
    const { deps, describes, elapsed } = fakeDeps({
      timeline: [[START + availableAt, 'available']],
      signalAtMs: START + availableAt,
    });

    // Act
    await waitForAvailability(deps, options());

    // Assess
    expect(elapsed() - availableAt).toBeLessThanOrEqual(5_000);
    expect(describes.length).toBe(Math.floor(availableAt / 30_000) + 2);
  });

  it('treats a signal that was already there when polling started as old news', async () => {
    // Prepare: the signal predates this invocation, the instance is still backing up
    const { deps, describes } = fakeDeps({
      timeline: [
        [START, 'backing-up'],
        [START + 2 * MINUTE, 'available'],
      ],
      signalAtMs: START - MINUTE,
    });

    // Act
    await waitForAvailability(deps, options());

    // Assess: only the regular describes at 0, 30, 60, 90 and 120 s, none per signal check
    expect(describes).toEqual([0, 30_000, 60_000, 90_000, 120_000].map((offset) => START + offset));
  });

  it.each(['incompatible-network', 'storage-full', 'deleting'])(
    'fails as soon as the instance is %s, naming the status',
    async (status) => {
      // Prepare
      const { deps, elapsed } = fakeDeps({
        timeline: [
          [START, 'creating'],
          [START + 4 * MINUTE, status],
        ],
      });

      // Act
      const result = waitForAvailability(deps, options());

      // Assess
      await expect(result).rejects.toThrow(InstanceFailedError);
      await expect(result).rejects.toThrow(`DB instance tenant-acme is in status "${status}"`);
      expect(elapsed()).toBeLessThanOrEqual(4 * MINUTE + 36_000);
    },
  );

  it('times out after the deadline with the last status in the reason', async () => {
    // Prepare
    const { deps, elapsed } = fakeDeps({ timeline: [[START, 'creating']] });

    // Act
    const result = waitForAvailability(deps, options({ deadlineMs: START + 10 * MINUTE }));

    // Assess
    await expect(result).rejects.toThrow(ProvisioningTimeoutError);
    await expect(result).rejects.toThrow(/deadline 2026-11-26T10:10:00.000Z \(last status: creating\)/);
    expect(elapsed()).toBeGreaterThan(10 * MINUTE);
    expect(elapsed()).toBeLessThanOrEqual(10 * MINUTE + 5_000);
  });

  it('returns AVAILABLE rather than timing out when the last describe finds it available', async () => {
    // Prepare: available a moment after the deadline passed, before the next describe was due
    const { deps } = fakeDeps({ timeline: [[START + 10 * MINUTE + 1, 'available']] });

    // Act
    const result = await waitForAvailability(deps, options({ deadlineMs: START + 10 * MINUTE }));

    // Assess
    expect(result.status).toBe('AVAILABLE');
  });

  it('hands back PENDING with the describe count when the invocation budget is spent', async () => {
    // Prepare
    const { deps, describes, elapsed } = fakeDeps({ timeline: [[START, 'creating']] });

    // Act
    const result = await waitForAvailability(deps, options({ budgetMs: 780_000 }));

    // Assess
    expect(result).toEqual({ status: 'PENDING', polls: describes.length });
    expect(elapsed()).toBe(780_000);
    expect(describes.length).toBe(Math.ceil(780_000 / 30_000));
  });

  it('backs off on throttling and keeps polling until the instance is available', async () => {
    // Prepare
    const { deps, describes } = fakeDeps({
      timeline: [[START + MINUTE, 'available']],
      failures: [throttling(), throttling(), throttling(), throttling(), throttling(), throttling()],
      random: 0.999,
    });

    // Act
    const result = await waitForAvailability(deps, options());

    // Assess: 1-2-4-8-16-30 s full-jitter ceilings, then the regular interval
    expect(result).toMatchObject({ status: 'AVAILABLE', polls: describes.length });
    const gaps = describes.slice(1, 7).map((at, i) => at - (describes[i] as number));
    expect(gaps).toEqual([2_000, 4_000, 8_000, 16_000, 30_000, 30_000].map((ceiling) => ceiling * 0.999));
  });

  it('treats DBInstanceNotFound right after creation as pending', async () => {
    // Prepare
    const notFound = () => new DBInstanceNotFoundFault({ message: 'DBInstance tenant-acme not found.', $metadata: {} });
    const { deps } = fakeDeps({ timeline: [[START + 2 * MINUTE, 'available']], failures: [notFound(), notFound()] });

    // Act
    const result = await waitForAvailability(deps, options());

    // Assess
    expect(result.status).toBe('AVAILABLE');
  });

  it('fails when the instance is still not found two minutes after creation', async () => {
    // Prepare
    const notFound = () => new DBInstanceNotFoundFault({ message: 'DBInstance tenant-acme not found.', $metadata: {} });
    const { deps } = fakeDeps({ timeline: [], failures: Array.from({ length: 10 }, notFound) });

    // Act
    const result = waitForAvailability(deps, options());

    // Assess
    await expect(result).rejects.toThrow(InstanceFailedError);
    await expect(result).rejects.toThrow(/does not exist 2 minutes after it was created/);
  });

  it('lets other describe errors through for the step to classify', async () => {
    // Prepare
    const denied = new RDSServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      message: 'not authorized',
      $metadata: { httpStatusCode: 403 },
    });
    const { deps } = fakeDeps({ timeline: [], failures: [denied] });

    // Act
    const result = waitForAvailability(deps, options());

    // Assess
    await expect(result).rejects.toBe(denied);
  });

  it('keeps polling through an undocumented status and logs it', async () => {
    // Prepare
    const warn = jest.spyOn(logger, 'warn');
    const { deps } = fakeDeps({
      timeline: [
        [START, 'warming-up'],
        [START + MINUTE, 'available'],
      ],
    });

    // Act
    const result = await waitForAvailability(deps, options());

    // Assess
    expect(result.status).toBe('AVAILABLE');
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/undocumented/),
      expect.objectContaining({ status: 'warming-up' }),
    );
    warn.mockRestore();
  });

  it('keeps polling when available is reported before the endpoint is', async () => {
    // Prepare
    const { deps, describes } = fakeDeps({ timeline: [[START + MINUTE, 'available']] });
    const describe = deps.describe;
    let calls = 0;
    deps.describe = async () => {
      calls += 1;
      return calls === 1 ? { status: 'available' } : describe();
    };

    // Act
    const result = await waitForAvailability(deps, options());

    // Assess
    expect(result).toMatchObject({ status: 'AVAILABLE', endpointAddress: ENDPOINT.address });
    expect(calls).toBeGreaterThan(1);
    expect(describes.length).toBe(calls - 1);
  });

  it('ignores a failing signal read and relies on the describe interval', async () => {
    // Prepare
    const { deps } = fakeDeps({ timeline: [[START + 2 * MINUTE, 'available']] });
    deps.readSignal = async () => {
      throw new Error('DynamoDB unavailable');
    };

    // Act
    const result = await waitForAvailability(deps, options());

    // Assess
    expect(result.status).toBe('AVAILABLE');
  });
});
