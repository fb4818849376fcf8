import { scramSha256Verifier } from '../../../../lambdas/shared/database/scram';
import { ConfigurationError } from '../../../../lambdas/shared/errors';
import { type RoleAudit, roleProblems } from '../../../../lambdas/shared/schema/app-role';

const plain: RoleAudit = {
  rolsuper: false,
  rolcreatedb: false,
  rolcreaterole: false,
  rolreplication: false,
  rolbypassrls: false,
  member_of: [],
  owned: [],
};

describe('roleProblems', () => {
  it.each([
    ['a plain login', plain, []],
    ['a superuser', { ...plain, rolsuper: true }, ['has SUPERUSER']],
    [
      'a role that can create databases and roles',
      { ...plain, rolcreatedb: true, rolcreaterole: true },
      ['has CREATEDB', 'has CREATEROLE'],
    ],
    ['a replication role', { ...plain, rolreplication: true }, ['has REPLICATION']],
    ['a role bypassing row security', { ...plain, rolbypassrls: true }, ['has BYPASSRLS']],
    ['a member of another role', { ...plain, member_of: ['rds_superuser'] }, ['is a member of rds_superuser']],
    ['an owner', { ...plain, owned: ['users', 'schema app'] }, ['owns users', 'owns schema app']],
  ])('%s', (_case, audit, problems) => {
    expect(roleProblems(audit)).toEqual(problems);
  });
});

describe('scramSha256Verifier', () => {
  it('has the format PostgreSQL stores', () => {
    // Act
    const verifier = scramSha256Verifier('pencil', Buffer.alloc(16, 1), 4096);

    // Assess
    expect(verifier).toMatch(/^SCRAM-SHA-256\$4096:AQEBAQEBAQEBAQEBAQEBAQ==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/);
  });

  it('uses a fresh salt every time', () => {
    expect(scramSha256Verifier('pencil')).not.toBe(scramSha256Verifier('pencil'));
  });

  it.each([
    ['empty', ''],
    ['non-ASCII', 'pässwörd'],
    ['containing a control character', 'pass\nword'],
  ])('refuses a password that is %s, without quoting it', (_case, password) => {
    // Act
    const act = () => scramSha256Verifier(password);

    // Assess
    expect(act).toThrow(ConfigurationError);
    if (password) expect(act).not.toThrow(password);
  });
});
