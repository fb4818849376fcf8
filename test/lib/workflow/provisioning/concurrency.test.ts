import { STEPS } from '../../../../lambdas/shared/contracts';
import type { WorkflowRun } from '../../../support/workflow-harness';
import { useWorkflow } from './fixtures';

/**
 * Executions run side by side share one virtual clock: each must see the time it would see alone. (A clock that
 * moved forward by every sleeper's delay made five concurrent waits pass five times too fast.)
 */

const workflow = useWorkflow();
const PEERS = 5;

/** What an execution's timing shows: how long it took, how often it polled, how many states it went through. */
function timing(run: WorkflowRun) {
  const calls = (service: string, command: string) =>
    run.awsCalls.filter((c) => c.service === service && c.command === command).length;
  return {
    status: run.status,
    virtualMs: run.virtualMs,
    waitedMs: run.invocations
      .filter((i) => i.name === STEPS.waitForInstance)
      .reduce((sum, i) => sum + (i.endedAt - i.startedAt), 0),
    registryReads: calls('dynamodb', 'GetItem'),
    describes: calls('rds', 'DescribeDBInstances'),
    transitions: run.transitions,
  };
}

beforeEach(() => {
  // The describe interval's jitter, the same for every execution, so a lone run and its peers can be compared.
  jest.spyOn(Math, 'random').mockReturnValue(0.5);
});
afterEach(() => jest.restoreAllMocks());

describe(`${PEERS} onboardings at once`, () => {
  it('each take the virtual time, polls and transitions of a lone onboarding, and overlap', async () => {
    // Prepare: the reference, alone on the clock
    const lone = await workflow.provision('lone', 'starter');

    // Act
    const peers = await Promise.all(
      Array.from({ length: PEERS }, (_, i) => workflow.provision(`peer-${i + 1}`, 'starter')),
    );

    // Assess: the same timing as alone, for each of them
    expect(lone.status).toBe('SUCCEEDED');
    expect(timing(lone).registryReads).toBeGreaterThan(100);
    for (const peer of peers) expect(timing(peer)).toEqual(timing(lone));
    // ... and side by side: all of them together took as long as one
    const span = Math.max(...peers.map((p) => p.endedAt)) - Math.min(...peers.map((p) => p.startedAt));
    expect(span).toBe(lone.virtualMs);
  });

  it('keep their log lines apart', async () => {
    // Act
    const runs = await Promise.all(['left', 'right'].map((tenantId) => workflow.provision(tenantId, 'starter')));

    // Assess: each line about an instance is in the run of that instance's tenant only. (Not the tenantId key:
    // the handlers' logger keeps it per module, as a Lambda sandbox that serves one invocation at a time may,
    // and the harness runs invocations of both executions in one process.)
    for (const [run, own, other] of [
      [runs[0], 'left', 'right'],
      [runs[1], 'right', 'left'],
    ] as const) {
      expect(run?.logLines.some((line) => line.includes(`tenant-${own}`))).toBe(true);
      expect(run?.logLines.filter((line) => line.includes(`tenant-${other}`))).toEqual([]);
    }
  });
});
