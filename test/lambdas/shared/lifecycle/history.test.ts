import { appendHistory, HISTORY_LIMIT, type HistoryEntry } from '../../../../lambdas/shared/lifecycle/history';

const entry = (n: number, fields: Partial<HistoryEntry> = {}): HistoryEntry => ({
  operation: n % 2 === 0 ? 'suspend' : 'resume',
  executionArn: `arn:aws:states:us-east-1:123456789012:execution:suspension:acme-${n}`,
  requestedBy: 'billing',
  startedAt: '2026-12-01T10:00:00.000Z',
  finishedAt: '2026-12-01T10:05:00.000Z',
  outcome: 'succeeded',
  ...fields,
});

describe('appendHistory', () => {
  it.each<[string, HistoryEntry[] | undefined, HistoryEntry, HistoryEntry[]]>([
    ['starts a history', undefined, entry(1), [entry(1)]],
    ['appends newest last', [entry(1)], entry(2), [entry(1), entry(2)]],
    ['does not add a retried release twice', [entry(1), entry(2)], entry(2), [entry(1), entry(2)]],
  ])('%s', (_case, history, added, expected) => {
    // Act
    const result = appendHistory(history, added);

    // Assess
    expect(result).toEqual(expected);
  });

  it(`keeps the newest ${HISTORY_LIMIT} entries`, () => {
    // Prepare
    const full = Array.from({ length: HISTORY_LIMIT }, (_, i) => entry(i));

    // Act
    const result = appendHistory(full, entry(HISTORY_LIMIT));

    // Assess
    expect(result).toHaveLength(HISTORY_LIMIT);
    expect(result[0]).toEqual(entry(1));
    expect(result.at(-1)).toEqual(entry(HISTORY_LIMIT));
  });

  it('cuts a long failure reason', () => {
    // Prepare
    const failed = entry(1, { outcome: 'failed', reason: 'x'.repeat(2_000), failedStep: 'StopInstance' });

    // Act
    const [kept] = appendHistory([], failed);

    // Assess
    expect(kept?.reason).toHaveLength(500);
    expect(kept?.reason?.endsWith('…')).toBe(true);
    expect(kept?.failedStep).toBe('StopInstance');
  });
});
