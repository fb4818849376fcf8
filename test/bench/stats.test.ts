import { mean, median, ratio } from '../../bench/stats';

describe('median, mean and ratio', () => {
  it.each([
    [[5, 1, 3], 3],
    [[4, 1, 3, 2], 2.5],
    [[7], 7],
  ])('median(%p) is %p', (samples, expected) => {
    // Act / Assess
    expect(median(samples)).toBe(expected);
  });

  it('refuses the median of no samples', () => {
    // Act / Assess
    expect(() => median([])).toThrow(RangeError);
  });

  it.each([
    [[5, 1, 3], 3],
    [[1, 2], 1.5],
    [[7], 7],
  ])('mean(%p) is %p', (samples, expected) => {
    // Act / Assess
    expect(mean(samples)).toBe(expected);
  });

  it('refuses the mean of no samples', () => {
    // Act / Assess
    expect(() => mean([])).toThrow(RangeError);
  });

  it.each([
    [10, 4, 2.5],
    [0, 4, 0],
    [10, 0, undefined],
  ])('ratio(%p, %p) is %p', (numerator, denominator, expected) => {
    // Act / Assess
    expect(ratio(numerator, denominator)).toBe(expected);
  });
});
