import type { ClientBase } from 'pg';
import { scramSha256Verifier } from '../database/scram';
import { APP_USERNAME } from '../naming';
import { MigrationFailedError } from './errors';

/** What could make the application role more than a least-privilege login, as read from the catalogs. */
export interface RoleAudit {
  rolsuper: boolean;
  rolcreatedb: boolean;
  rolcreaterole: boolean;
  rolreplication: boolean;
  rolbypassrls: boolean;
  /** Roles it is a member of (and so may inherit privileges from). */
  member_of: string[];
  /** Relations, schemas and functions it owns in this database. */
  owned: string[];
}

const ROLE_AUDIT_SQL = `
SELECT r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolreplication, r.rolbypassrls,
  ARRAY(SELECT g.rolname::text FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
        WHERE m.member = r.oid ORDER BY 1) AS member_of,
  ARRAY(SELECT c.oid::regclass::text FROM pg_catalog.pg_class c WHERE c.relowner = r.oid
        UNION ALL SELECT 'schema ' || n.nspname FROM pg_catalog.pg_namespace n WHERE n.nspowner = r.oid
        UNION ALL SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc p WHERE p.proowner = r.oid
        ORDER BY 1) AS owned
FROM pg_catalog.pg_roles r WHERE r.rolname = $1`;

const ATTRIBUTES = [
  ['rolsuper', 'SUPERUSER'],
  ['rolcreatedb', 'CREATEDB'],
  ['rolcreaterole', 'CREATEROLE'],
  ['rolreplication', 'REPLICATION'],
  ['rolbypassrls', 'BYPASSRLS'],
] as const;

/** Why `audit` is not a least-privilege login; empty when it is. */
export function roleProblems(audit: RoleAudit): string[] {
  return [
    ...ATTRIBUTES.filter(([column]) => audit[column]).map(([, attribute]) => `has ${attribute}`),
    ...audit.member_of.map((group) => `is a member of ${group}`),
    ...audit.owned.map((object) => `owns ${object}`),
  ];
}

/**
 * Lets the application role log in with `password`, after checking that it is still a least-privilege role (the
 * migrations created it that way, but it is cluster-wide and anyone with CREATEROLE could have changed it).
 * Runs on every invocation, so a rotated password in the credentials secret is applied by re-running the step.
 *
 * The password is sent as a SCRAM-SHA-256 verifier, never in clear, and the statement is never logged: the
 * verifier is escaped with `escapeLiteral` because `ALTER ROLE` takes no bind parameters.
 */
export async function ensureAppRole(client: ClientBase, password: string, role = APP_USERNAME): Promise<void> {
  const { rows } = await client.query<RoleAudit>(ROLE_AUDIT_SQL, [role]);
  const audit = rows[0];
  if (!audit) throw new MigrationFailedError(`role ${role} does not exist after the migrations ran`);
  const problems = roleProblems(audit);
  if (problems.length > 0) {
    throw new MigrationFailedError(
      `role ${role} is not a least-privilege login (${problems.join('; ')}); refusing to let it log in`,
    );
  }
  const verifier = client.escapeLiteral(scramSha256Verifier(password));
  await client.query(`ALTER ROLE ${client.escapeIdentifier(role)} WITH LOGIN PASSWORD ${verifier}`);
}
