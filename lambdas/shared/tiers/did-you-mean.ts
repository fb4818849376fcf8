/**
 * "Did you mean ...?" for a misspelt name: the known names closest to it by edit distance (insertions, deletions,
 * substitutions and swaps of two neighbours), within a third of its length. Used for tier fields, cdk.json context
 * keys and tenantctl's Regions.
 *
 * @module
 */

/** Optimal string alignment distance between `a` and `b` (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  // d[i][j]: the distance between the first i characters of a and the first j of b. The first row and column are
  // i + j (to or from the empty string); the other cells are filled in below before they are read.
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => i + j),
  );
  const at = (i: number, j: number): number => (d[i] as number[])[j] as number;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      // A swap of two neighbours (at i or j of 1, the index -1 reads undefined, which matches no character).
      if (a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The known names closest to `name` (case-insensitive), best first; empty when none is close. */
export function closestNames(name: string, known: readonly string[]): string[] {
  const limit = Math.max(1, Math.floor(name.length / 3));
  const scored = known
    .map((candidate) => ({ candidate, distance: editDistance(name.toLowerCase(), candidate.toLowerCase()) }))
    .filter(({ distance }) => distance <= limit);
  const best = Math.min(...scored.map((s) => s.distance));
  return scored.filter((s) => s.distance === best).map((s) => s.candidate);
}

/** ` (did you mean maxAzs?)`, or an empty string when no known name is close. */
export function didYouMean(name: string, known: readonly string[]): string {
  const closest = closestNames(name, known);
  return closest.length === 0 ? '' : ` (did you mean ${closest.join(' or ')}?)`;
}
