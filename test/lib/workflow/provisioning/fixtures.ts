import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ProvisioningRequest } from '../../../../lambdas/shared/contracts';
import type { AwsDouble } from '../../../../lib/local/aws';
import {
  createWorkflowDouble,
  installWorkflowDouble,
  type RunWorkflowOptions,
  runWorkflow,
  startWorkflowDatabase,
  synthesizedWorkflow,
  type WorkflowDatabase,
  type WorkflowRun,
} from '../../../support/workflow-harness';

/** Jest wiring of the workflow harness shared by the workflow test files. */

export interface WorkflowFixture {
  /** This test's double (fresh per test, installed). */
  double(): AwsDouble;
  /** The file's PostgreSQL. */
  database(): WorkflowDatabase;
  /** Runs an onboarding of `tenantId` on `tier` against this test's double and the file's database. */
  provision(
    tenantId: string,
    tier: string,
    options?: Omit<RunWorkflowOptions, 'double' | 'database'> & { request?: Partial<ProvisioningRequest> },
  ): Promise<WorkflowRun>;
}

/**
 * One TLS PostgreSQL for the file (started once: about a second), a fresh AWS double per test.
 *
 * @example
 * ```ts
 * const workflow = useWorkflow();
 * it('provisions', async () => {
 *   const run = await workflow.provision('acme', 'starter');
 *   expect(run.status).toBe('SUCCEEDED');
 * });
 * ```
 */
export function useWorkflow(): WorkflowFixture {
  let database: WorkflowDatabase | undefined;
  let double: AwsDouble | undefined;
  let restore: (() => void) | undefined;

  beforeAll(async () => {
    // The server starts in its own process while this one synthesizes the app (both take about a second).
    const starting = startWorkflowDatabase();
    synthesizedWorkflow();
    database = await starting;
  });
  afterAll(async () => {
    await database?.stop();
  });
  beforeEach(() => {
    double = createWorkflowDouble({ database });
    restore = installWorkflowDouble(double);
  });
  afterEach(() => {
    restore?.();
    double = undefined;
  });

  const fixture: WorkflowFixture = {
    double: () => {
      if (!double) throw new Error('the workflow double exists only inside a test');
      return double;
    },
    database: () => {
      if (!database) throw new Error('the workflow database is not started');
      return database;
    },
    provision: (tenantId, tier, { request, ...options } = {}) =>
      runWorkflow(
        { tenantId, tier, requestedBy: 'workflow-tests', ...request },
        { ...options, double: fixture.double(), database: fixture.database() },
      ),
  };
  return fixture;
}

/** The KMS key and other settings of a secret, read through the SDK as an operator would. */
export async function describeSecret(secretId: string) {
  return new SecretsManagerClient({}).send(new DescribeSecretCommand({ SecretId: secretId }));
}
