import { retryThrottled, THROTTLED_CALL_ATTEMPTS } from '../../../lib/cli/retry';

const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
const denied = () => Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });

describe('retryThrottled', () => {
  it.each<[string, (() => Error)[], number, string]>([
    ['succeeds after two throttled attempts', [throttled, throttled], 2, 'ok'],
    ['throws a refusal at once', [denied], 0, 'AccessDeniedException'],
    [
      'gives up after every attempt was throttled',
      Array(THROTTLED_CALL_ATTEMPTS).fill(throttled),
      4,
      'ThrottlingException',
    ],
  ])('%s', async (_case, failures, sleeps, outcome) => {
    // Prepare
    const slept: number[] = [];
    let calls = 0;
    const call = async () => {
      const failure = failures[calls];
      calls += 1;
      if (failure) throw failure();
      return 'ok';
    };

    // Act
    const result = await retryThrottled(call, async (ms) => {
      slept.push(ms);
    }).catch((error: Error) => error.name);

    // Assess
    expect(result).toBe(outcome);
    expect(slept).toHaveLength(sleeps);
    slept.forEach((ms, i) => {
      expect(ms).toBeLessThan(Math.min(5_000, 500 * 2 ** i));
    });
  });
});
