/**
 * The median of `samples`: the middle value, or the mean of the two middle values for an even count. Benchmarks
 * report medians because one run slowed by another process on the machine should not move the figure.
 *
 * @throws {RangeError} when `samples` is empty
 */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new RangeError('median of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** `numerator / denominator`, or `undefined` when the denominator is 0 (a ratio to nothing means nothing). */
export function ratio(numerator: number, denominator: number): number | undefined {
  return denominator === 0 ? undefined : numerator / denominator;
}

/**
 * The arithmetic mean of `samples`: for figures averaged over deliberately varied inputs, where every sample counts.
 *
 * @throws {RangeError} when `samples` is empty
 */
export function mean(samples: readonly number[]): number {
  if (samples.length === 0) throw new RangeError('mean of no samples');
  return samples.reduce((sum, sample) => sum + sample, 0) / samples.length;
}
