import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { clock } from '../../../../lambdas/shared/clock';
import { InstanceFailedError } from '../../../../lambdas/shared/errors';
import { MAX_POLLS, POLL_INTERVAL_SECONDS, waitForPower } from '../../../../lambdas/shared/lifecycle/wait';

const rdsMock = mockClient(RDSClient);
const rds = new RDSClient({});
let now = 0;

beforeEach(() => {
  rdsMock.reset();
  now = 0;
  jest.spyOn(clock, 'now').mockImplementation(() => now);
  jest.spyOn(clock, 'sleep').mockImplementation(async (ms) => {
    now += ms;
  });
});
afterEach(() => jest.restoreAllMocks());

const statuses = (...list: string[]) => {
  let behavior = rdsMock.on(DescribeDBInstancesCommand);
  for (const status of list) behavior = behavior.resolvesOnce({ DBInstances: [{ DBInstanceStatus: status }] });
};

describe('waitForPower', () => {
  it.each<[string, string[], 'stopped' | 'available', { status: string; instanceStatus: string; polls: number }]>([
    [
      'a stop',
      ['stopping', 'stopping', 'stopped'],
      'stopped',
      { status: 'REACHED', instanceStatus: 'stopped', polls: 3 },
    ],
    ['a start', ['starting', 'available'], 'available', { status: 'REACHED', instanceStatus: 'available', polls: 2 }],
  ])('follows %s until the target status', async (_case, seen, target, expected) => {
    // Prepare
    statuses(...seen);

    // Act
    const result = await waitForPower(rds, 'tenant-acme', { target, pollsSoFar: 0, budgetMs: 600_000 });

    // Assess
    expect(result).toEqual(expected);
    expect(now).toBe((seen.length - 1) * POLL_INTERVAL_SECONDS * 1000);
  });

  it('hands back PENDING when its budget is spent, counting the polls for the next invocation', async () => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: 'stopping' }] });

    // Act
    const result = await waitForPower(rds, 'tenant-acme', { target: 'stopped', pollsSoFar: 5, budgetMs: 65_000 });

    // Assess
    expect(result).toEqual({ status: 'PENDING', instanceStatus: 'stopping', polls: 8 });
  });

  it.each([
    ['a status only an operator can leave', 'storage-full', 0, /is storage-full while waiting/],
    ['a wait past its bound', 'stopping', MAX_POLLS - 1, /still stopping after 240 describes/],
  ])('fails on %s', async (_case, status, pollsSoFar, message) => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: status }] });

    // Act
    const waiting = waitForPower(rds, 'tenant-acme', { target: 'stopped', pollsSoFar, budgetMs: 600_000 });

    // Assess
    await expect(waiting).rejects.toThrow(InstanceFailedError);
    await expect(
      waitForPower(rds, 'tenant-acme', { target: 'stopped', pollsSoFar, budgetMs: 600_000 }),
    ).rejects.toThrow(message);
  });
});
