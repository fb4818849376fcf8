import type { DBInstance } from '@aws-sdk/client-rds';
import {
  AFTER_WINDOW_OPENS_SECONDS,
  decideProgress,
  INSIDE_WINDOW_CHECK_SECONDS,
  MAX_CHECKS,
  MODIFYING_CHECK_SECONDS,
  OPTIMIZATION_CHECK_SECONDS,
} from '../../../lambdas/check-tier-change/progress';
import { windowPosition } from '../../../lambdas/shared/tier-change/window';

// A Friday noon; the window opens on Sunday at 04:00 UTC, 40 hours later.
const FRIDAY_NOON = Date.parse('2026-12-04T12:00:00Z');
const instance = (fields: Partial<DBInstance>): DBInstance => ({
  DBInstanceIdentifier: 'tenant-acme',
  DBInstanceStatus: 'available',
  PreferredMaintenanceWindow: 'sun:04:00-sun:04:30',
  PendingModifiedValues: {},
  ...fields,
});

describe('decideProgress', () => {
  it.each<[string, Partial<DBInstance>, 'now' | 'maintenance-window', string, number]>([
    ['applied: available, nothing pending', {}, 'now', 'APPLIED', 0],
    ['modifying', { DBInstanceStatus: 'modifying' }, 'now', 'WAITING', MODIFYING_CHECK_SECONDS],
    [
      'storage optimization',
      { DBInstanceStatus: 'storage-optimization' },
      'now',
      'WAITING',
      OPTIMIZATION_CHECK_SECONDS,
    ],
    [
      'pending until the window: sleeps until it opens',
      { PendingModifiedValues: { DBInstanceClass: 'db.m7g.large' } },
      'maintenance-window',
      'WAITING',
      40 * 3600 + AFTER_WINDOW_OPENS_SECONDS,
    ],
    [
      'pending with an immediate change: checks again soon',
      { PendingModifiedValues: { DBInstanceClass: 'db.m7g.large' } },
      'now',
      'WAITING',
      INSIDE_WINDOW_CHECK_SECONDS,
    ],
  ])('%s', (_case, fields, when, status, waitSeconds) => {
    // Act
    const progress = decideProgress(instance(fields), when, 0, FRIDAY_NOON);

    // Assess
    expect(progress).toMatchObject({ status, waitSeconds, checks: 1 });
  });

  it.each(['failed', 'storage-full', 'incompatible-parameters'])(
    'fails on %s, a status only an operator leaves',
    (s) => {
      expect(() => decideProgress(instance({ DBInstanceStatus: s }), 'now', 0, FRIDAY_NOON)).toThrow(
        /is .* while its tier change is applied/,
      );
    },
  );

  it('gives up after the last check', () => {
    expect(() =>
      decideProgress(instance({ DBInstanceStatus: 'modifying' }), 'now', MAX_CHECKS - 1, FRIDAY_NOON),
    ).toThrow(/still modifying after 400 checks/);
  });
});

describe('windowPosition', () => {
  it.each<[string, string, { inside: boolean; untilNextMs: number } | undefined]>([
    ['before the window', '2026-12-04T12:00:00Z', { inside: false, untilNextMs: 40 * 3600_000 }],
    ['inside the window', '2026-12-06T04:10:00Z', { inside: true, untilNextMs: 7 * 86_400_000 - 600_000 }],
    ['right after it', '2026-12-06T04:30:00Z', { inside: false, untilNextMs: 7 * 86_400_000 - 1_800_000 }],
  ])('%s', (_case, at, expected) => {
    expect(windowPosition('sun:04:00-sun:04:30', Date.parse(at))).toEqual(expected);
  });

  it('is undefined for a malformed window', () => {
    expect(windowPosition('sunday 4am', FRIDAY_NOON)).toBeUndefined();
  });

  it('handles a window across the week boundary (sun 23:30 to mon 00:30)', () => {
    expect(windowPosition('sun:23:30-mon:00:30', Date.parse('2026-12-07T00:10:00Z'))?.inside).toBe(true);
  });
});
