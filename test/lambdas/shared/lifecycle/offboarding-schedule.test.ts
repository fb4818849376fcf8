import type { ScheduledOffboarding, TenantStatus } from '../../../../lambdas/shared/contracts';
import {
  atExpression,
  decideCancel,
  decideSchedule,
  earliestScheduledTime,
  offboardingScheduleName,
  type ScheduleView,
  scheduledTimeOf,
  timeAfter,
} from '../../../../lambdas/shared/lifecycle/offboarding-schedule';

const NOW = new Date('2026-12-01T10:00:00.000Z');
const pending: ScheduledOffboarding = {
  at: '2026-12-31T18:00:00.000Z',
  scheduleName: 'offboard-acme',
  requestedBy: 'jane',
  requestId: 'cli-1',
  scheduledAt: '2026-12-01T09:00:00.000Z',
};
const view = (status: TenantStatus, fields: Partial<ScheduleView> = {}): ScheduleView => ({
  tenantId: 'acme',
  status,
  ...fields,
});
const request = (requestId = 'cli-2') => ({
  tenantId: 'acme',
  at: new Date('2027-01-15T09:00:00Z'),
  requestedBy: 'jane',
  requestId,
});
const held = { name: 'offboard', executionArn: 'arn:x', requestedBy: 'billing', startedAt: NOW.toISOString() } as const;

describe('offboarding schedule names and expressions', () => {
  it.each([
    ['acme', 'offboard-acme'],
    ['a'.repeat(32), `offboard-${'a'.repeat(32)}`],
  ])('names the schedule of %s within Scheduler rules', (tenantId, name) => {
    expect(offboardingScheduleName(tenantId)).toBe(name);
  });

  it('refuses a tenant id that would break the schedule name rule', () => {
    expect(() => offboardingScheduleName('a'.repeat(60))).toThrow(/^tenantId: must make a schedule name/);
  });

  it.each([
    ['2026-12-31T18:00:00.000Z', 'at(2026-12-31T18:00:00)'],
    ['2027-01-01T00:00:05.000Z', 'at(2027-01-01T00:00:05)'],
  ])('writes %s as %s', (iso, expression) => {
    expect(atExpression(new Date(iso))).toBe(expression);
  });

  it.each<[string, string]>([
    ['90m', '2026-12-01T11:30:00.000Z'],
    ['12h', '2026-12-01T22:00:00.000Z'],
    ['30d', '2026-12-31T10:00:00.000Z'],
    ['366d', '2027-12-02T10:00:00.000Z'],
  ])('reads --in %s', (duration, at) => {
    expect(timeAfter(duration, NOW, '--in').toISOString()).toBe(at);
  });

  it.each<[unknown, RegExp]>([
    ['0d', /whole number/],
    ['1.5h', /whole number/],
    ['367d', /at most 366 days/],
    [30, /whole number/],
    ['', /whole number/],
  ])('refuses --in %p', (duration, message) => {
    expect(() => timeAfter(duration, NOW, '--in')).toThrow(message);
  });

  it('refuses an explicit time less than a minute ahead', () => {
    expect(() => scheduledTimeOf('2026-12-01T10:00:30Z', NOW, '--at')).toThrow(/^--at: must be at least 60 seconds/);
  });

  it('puts "as soon as possible" one minute ahead, on a whole second', () => {
    expect(earliestScheduledTime(new Date('2026-12-01T10:00:00.250Z')).toISOString()).toBe('2026-12-01T10:01:01.000Z');
  });
});

describe('decideSchedule', () => {
  it.each<[string, ScheduleView | undefined, string]>([
    ['an ACTIVE tenant', view('ACTIVE'), 'schedule'],
    ['a SUSPENDED tenant', view('SUSPENDED'), 'schedule'],
    ['an OFFBOARD_FAILED tenant', view('OFFBOARD_FAILED'), 'schedule'],
    [
      'a tenant with another pending request (re-schedule)',
      view('ACTIVE', { scheduledOffboarding: pending }),
      'schedule',
    ],
    [
      'the same request again',
      view('ACTIVE', { scheduledOffboarding: { ...pending, requestId: 'cli-2' } }),
      'duplicate',
    ],
    [
      'a request that already started the offboarding',
      view('OFFBOARDING', { operation: { ...held, requestId: 'cli-2' } }),
      'handled',
    ],
    [
      'a request whose offboarding already ran',
      view('OFFBOARDED', {
        lifecycleHistory: [
          { operation: 'offboard', executionArn: 'arn:x', requestId: 'cli-2' },
        ] as ScheduleView['lifecycleHistory'],
      }),
      'handled',
    ],
    ['an unknown tenant', undefined, 'refuse'],
    ['a busy tenant', view('OFFBOARDING', { operation: held }), 'refuse'],
    ['a PROVISIONING tenant', view('PROVISIONING'), 'refuse'],
    ['an OFFBOARDED tenant', view('OFFBOARDED'), 'refuse'],
    ['a PURGED tenant', view('PURGED'), 'refuse'],
  ])('%s → %s', (_case, record, action) => {
    expect(decideSchedule(record, request()).action).toBe(action);
  });

  it('names the pending entry it replaces, for the conditional write', () => {
    expect(decideSchedule(view('ACTIVE', { scheduledOffboarding: pending }), request())).toEqual({
      action: 'schedule',
      previous: pending,
    });
  });
});

describe('decideCancel', () => {
  it.each<[string, ScheduleView | undefined, string]>([
    ['a pending offboarding', view('ACTIVE', { scheduledOffboarding: pending }), 'cancel'],
    ['nothing pending (idempotent)', view('ACTIVE'), 'cancel'],
    [
      'an OFFBOARD_FAILED tenant with a pending entry',
      view('OFFBOARD_FAILED', { scheduledOffboarding: pending }),
      'cancel',
    ],
    ['a running offboarding', view('OFFBOARDING', { operation: held, scheduledOffboarding: pending }), 'refuse'],
    ['an OFFBOARDED tenant', view('OFFBOARDED'), 'refuse'],
    ['a PURGED tenant', view('PURGED'), 'refuse'],
    ['an unknown tenant', undefined, 'refuse'],
  ])('%s → %s', (_case, record, action) => {
    expect(decideCancel(record, 'acme').action).toBe(action);
  });
});
