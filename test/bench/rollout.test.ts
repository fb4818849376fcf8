import { simulateRollout } from '../../bench/rollout';

const SAMPLE = [40, 50, 60, 55, 45];

describe('simulateRollout', () => {
  it.each([10, 50, 200])('takes every tenant once in the default waves at concurrency %i', (concurrency) => {
    // Act
    const result = simulateRollout(SAMPLE, 1000, concurrency);

    // Assess: canary + 10/50/100 %; the parent's states plus one transition per child
    expect(result.waves).toBe(4);
    expect(result.transitions).toBe(2 + 5 * 4 + 3 + 1000);
    expect(result.tenantsPerMinute).toBeCloseTo(1000 / result.minutes, 6);
  });

  it('goes faster with more concurrency, and a halt touches at most the tenants already running', () => {
    // Act
    const [slow, fast] = [simulateRollout(SAMPLE, 2000, 10), simulateRollout(SAMPLE, 2000, 200)];

    // Assess
    expect(fast.tenantsPerMinute).toBeGreaterThan(slow.tenantsPerMinute);
    expect(slow.halt.touchedAfterThreshold).toBe(9);
    // The first wave after a canary of 5 holds 10 % of the other 1,995: 200 tenants, all running at 200.
    expect(fast.halt.touchedAfterThreshold).toBe(199);
    expect(fast.halt.untouched).toBe(2000 - 5 - 200);
  });

  it('is deterministic for a seed', () => {
    expect(simulateRollout(SAMPLE, 500, 50, 3)).toEqual(simulateRollout(SAMPLE, 500, 50, 3));
  });
});
