import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DATABASE_NAME, MASTER_USERNAME } from '../../../lambdas/shared/naming';
import type { BackingServer } from '../../../lib/local/aws';
import { connectionTo, createRdsLikeDatabase, startPostgres, type TestPostgres } from '../postgres';

/**
 * The real PostgreSQL behind every tenant instance of a test file: TLS only, with a certificate from a test CA
 * (RunMigrations verifies it through RDS_CA_BUNDLE_PATH as it verifies RDS), a non-superuser master login
 * `tenant_admin` owning the database `tenant`, as RDS creates them.
 *
 * All tenants of a file share that one database: the handler connects to the fixed DATABASE_NAME, and the
 * migrations are idempotent, so a later provisioning finds the schema in place and only re-sets the application
 * role's password. Check the application login right after the run that stored it.
 */
export interface WorkflowDatabase {
  server: TestPostgres;
  /** What the AWS double's instances stand for: this server and the master password RDS would have generated. */
  backingServer: BackingServer;
  /** The CA that signed the server certificate (RDS_CA_BUNDLE_PATH of the migration handler). */
  caFile: string;
  /** Passwords of the server: the bootstrap superuser's and the master login's; neither may leak anywhere. */
  passwords: string[];
  /**
   * Logs in as `user` with `password` over verified TLS and returns `current_user`: proves the credentials the
   * workflow stored are the ones the database accepts.
   */
  logIn(user: string, password: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts the server (about a second) and creates the master login and the tenant database.
 *
 * @example
 * ```ts
 * const database = await startWorkflowDatabase();
 * const double = createWorkflowDouble({ database });
 * await runWorkflow({ tenantId: 'acme', tier: 'starter' }, { double, database });
 * await database.stop();
 * ```
 */
export async function startWorkflowDatabase(): Promise<WorkflowDatabase> {
  const server = await startPostgres({ tls: true });
  const masterPassword = randomBytes(24).toString('base64url');
  try {
    await createRdsLikeDatabase(server, {
      database: DATABASE_NAME,
      masterUser: MASTER_USERNAME,
      masterPassword,
    });
  } catch (error) {
    await server.stop();
    throw error;
  }
  if (!server.caFile) throw new Error('workflow harness: the test PostgreSQL has no TLS');
  return {
    server,
    // localhost, not the IP: the certificate names both, and a DNS name is what RDS endpoints are.
    backingServer: { address: 'localhost', port: server.port, masterPassword },
    caFile: server.caFile,
    passwords: [server.password, masterPassword],
    logIn: async (user, password) => {
      const client = new Client(connectionTo(server, DATABASE_NAME, { user, password }));
      await client.connect();
      try {
        const { rows } = await client.query<{ current_user: string }>('SELECT current_user');
        return rows[0]?.current_user ?? '';
      } finally {
        await client.end();
      }
    },
    stop: () => server.stop(),
  };
}
