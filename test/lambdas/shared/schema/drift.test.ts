import { describeDrift, detectDrift, type SchemaDrift } from '../../../../lambdas/shared/schema/drift';

const KNOWN = ['20261101000000000_a', '20261101000100000_b', '20261201000000000_c'];
const [A, B, C] = KNOWN as [string, string, string];

describe('detectDrift', () => {
  it.each<[string, { recorded?: string; applied: string[] }, SchemaDrift | undefined]>([
    ['database at its record', { recorded: B, applied: [A, B] }, undefined],
    ['new database, nothing recorded', { applied: [] }, undefined],
    ['onboarded before versions were recorded', { applied: [A, B] }, undefined],
    ['migrated but not recorded (a crash between the two)', { recorded: B, applied: [A, B, C] }, undefined],
    [
      'database behind its record (restored from an old snapshot)',
      { recorded: C, applied: [A, B] },
      { kind: 'behind-record', recorded: C, database: B },
    ],
    ['database empty but recorded', { recorded: B, applied: [] }, { kind: 'behind-record', recorded: B }],
    [
      'a migration the platform does not ship',
      { recorded: B, applied: [A, B, '20261115000000000_hotfix'] },
      { kind: 'unknown-migrations', names: ['20261115000000000_hotfix'] },
    ],
    ['a migration skipped in the middle', { recorded: C, applied: [A, C] }, { kind: 'gap', missing: [B] }],
  ])('%s', (_case, state, expected) => {
    // Act
    const drift = detectDrift({ ...state, known: KNOWN });

    // Assess
    expect(drift).toEqual(expected);
  });
});

describe('describeDrift', () => {
  it.each<[SchemaDrift, string]>([
    [
      { kind: 'behind-record', recorded: C, database: B },
      `registry records ${C} but the database's last migration is ${B}`,
    ],
    [{ kind: 'behind-record', recorded: C }, "database's last migration is (none)"],
    [{ kind: 'unknown-migrations', names: ['x_hotfix'] }, 'does not ship: x_hotfix'],
    [{ kind: 'gap', missing: [B] }, `skipped migrations: ${B}`],
  ])('names the finding (%j)', (drift, text) => {
    // Act & Assess
    expect(describeDrift(drift)).toContain(text);
  });
});
