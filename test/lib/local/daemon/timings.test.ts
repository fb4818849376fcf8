import { DEFAULT_RDS_TIMINGS } from '../../../../lib/local/aws';
import {
  LOCAL_RDS_SECONDS,
  LocalTimingsError,
  localTimings,
  parseTimingOverrides,
  RDS_TIMINGS_ENV,
} from '../../../../lib/local/daemon/timings';

describe('local RDS timings', () => {
  it('defaults to seconds, not the minutes of real RDS', () => {
    // Act
    const timings = localTimings({});

    // Assess
    expect(timings.rds.creationMs).toBe(LOCAL_RDS_SECONDS.creation * 1000);
    expect(timings.rds.creationMs).toBeLessThan(DEFAULT_RDS_TIMINGS.creationMs);
    expect(timings.rds.refuseDeletionWhileCreatingMs).toBe(timings.rds.creationMs);
    expect(timings.snapshots).toEqual({ snapshotMs: 1000, copyMs: 1000 });
  });

  it.each([
    ['creation=5', { creation: 5 }],
    [' creation = 0.5 , stopping=0 ', { creation: 0.5, stopping: 0 }],
    ['', {}],
    ['snapshot=3600,', { snapshot: 3600 }],
  ])('parses %j', (text, expected) => {
    expect(parseTimingOverrides(text)).toEqual(expected);
  });

  it.each([
    ['creation', 'expected <timing>=<seconds>'],
    ['creation=1=2', 'expected <timing>=<seconds>'],
    ['boot=1', 'unknown timing'],
    ['__proto__=1', 'unknown timing'],
    ['constructor=1', 'unknown timing'],
    ['creation=1,creation=2', 'creation is given twice'],
    ['creation=-1', 'from 0 to 3600'],
    ['creation=3601', 'from 0 to 3600'],
    ['creation=', 'from 0 to 3600'],
    ['creation=soon', 'from 0 to 3600'],
  ])('refuses %j naming the entry and the rule', (text, rule) => {
    // Act
    const parse = () => parseTimingOverrides(text);

    // Assess
    expect(parse).toThrow(LocalTimingsError);
    expect(parse).toThrow(RDS_TIMINGS_ENV);
    expect(parse).toThrow(rule);
  });

  it('applies overrides from the environment', () => {
    expect(localTimings({ [RDS_TIMINGS_ENV]: 'creation=7,snapshotCopy=2' })).toMatchObject({
      rds: { creationMs: 7000, stoppingMs: 1000 },
      snapshots: { copyMs: 2000 },
    });
  });
});
