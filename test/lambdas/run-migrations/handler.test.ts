import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { Client } from 'pg';
import { handler } from '../../../lambdas/run-migrations/handler';
import { RUNTIME_ENV } from '../../../lambdas/shared/config';
import type { ValidatedRequest, WorkflowState } from '../../../lambdas/shared/contracts';
import { RDS_CA_BUNDLE_PATH } from '../../../lambdas/shared/database/tls';
import { ERROR_NAMES } from '../../../lambdas/shared/error-names';
import { APP_USERNAME, DATABASE_NAME, MASTER_USERNAME } from '../../../lambdas/shared/naming';
import { lambdaContext } from '../../../lib/local/workflows/lambda-context';
import { captureOutput, type OutputCapture } from '../../support/output-capture';
import {
  connectionTo,
  createRdsLikeDatabase,
  startPostgres,
  type TestPostgres,
  unusedPort,
} from '../../support/postgres';

/**
 * The RunMigrations handler end to end against a real PostgreSQL that, like RDS with `rds.force_ssl=1`, accepts
 * only TLS connections with a certificate from its own CA. Only Secrets Manager is mocked.
 */

const MASTER_PASSWORD = 'Rds-Managed-Master-0123';
const APP_PASSWORD = 'App-Secret-Password-4567';
const WRONG_PASSWORD = 'Not-The-Master-Password-89';
const MASTER_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:rds!db-0a1b2c3d-AbCdEf';
const WRONG_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:rds!db-wrong-AbCdEf';
const GARBLED_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:rds!db-garbled-AbCdEf';
const APP_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:saas/tenant/acme/app-AbCdEf';
const SECRETS = [MASTER_PASSWORD, APP_PASSWORD, WRONG_PASSWORD];

const secretsManager = mockClient(SecretsManagerClient);
const registry = mockClient(DynamoDBDocumentClient);
const TABLE = 'tenant-registry';
let server: TestPostgres;
let output: OutputCapture;
let closedPort: number;

function secretString(value: object): { SecretString: string } {
  return { SecretString: JSON.stringify(value) };
}

function stateFor(overrides: { port?: number; masterSecretArn?: string } = {}): WorkflowState {
  return {
    request: {
      tenantId: 'acme',
      tier: 'starter',
      executionArn: 'arn:aws:states:us-east-1:111122223333:execution:provision:acme-starter-1',
    } as ValidatedRequest,
    readiness: {
      status: 'AVAILABLE',
      endpointAddress: server.host,
      endpointPort: overrides.port ?? server.port,
      masterSecretArn: overrides.masterSecretArn ?? MASTER_ARN,
      polls: 4,
    },
    credentials: { secretArn: APP_ARN, secretName: 'saas/tenant/acme/app' },
  };
}

beforeAll(async () => {
  server = await startPostgres({ tls: true });
  closedPort = await unusedPort();
  await createRdsLikeDatabase(server, {
    database: DATABASE_NAME,
    masterUser: MASTER_USERNAME,
    masterPassword: MASTER_PASSWORD,
  });
  secretsManager
    .on(GetSecretValueCommand, { SecretId: MASTER_ARN })
    .resolves(secretString({ username: MASTER_USERNAME, password: MASTER_PASSWORD }))
    .on(GetSecretValueCommand, { SecretId: WRONG_ARN })
    .resolves(secretString({ username: MASTER_USERNAME, password: WRONG_PASSWORD }))
    .on(GetSecretValueCommand, { SecretId: GARBLED_ARN })
    .resolves({ SecretString: `password=${MASTER_PASSWORD}` })
    .on(GetSecretValueCommand, { SecretId: APP_ARN })
    .resolves(
      secretString({
        engine: 'postgres',
        host: server.host,
        port: server.port,
        username: APP_USERNAME,
        password: APP_PASSWORD,
        dbname: DATABASE_NAME,
      }),
    );
  output = captureOutput();
});
afterAll(async () => {
  output?.restore();
  secretsManager.restore();
  await server?.stop();
});
beforeEach(() => {
  process.env[RDS_CA_BUNDLE_PATH.name] = server.caFile;
  process.env[RUNTIME_ENV.registryTable.name] = TABLE;
  registry.reset();
  registry.on(UpdateCommand).resolves({});
});
afterEach(() => {
  delete process.env[RDS_CA_BUNDLE_PATH.name];
  delete process.env[RUNTIME_ENV.registryTable.name];
});

describe('RunMigrations handler', () => {
  it('migrates over verified TLS, lets the application log in, and returns only names and a duration', async () => {
    // Act
    const result = await handler(stateFor(), lambdaContext());

    // Assess
    expect(result.applied).toHaveLength(2);
    expect(result.durationMs).toEqual(expect.any(Number));
    expect(result.version).toBe(result.applied.at(-1));
    expect(Object.keys(result).sort()).toEqual(['applied', 'durationMs', 'version']);
    const [update] = registry.commandCalls(UpdateCommand);
    expect(update?.args[0].input).toMatchObject({
      TableName: TABLE,
      Key: { tenantId: 'acme' },
      ExpressionAttributeValues: expect.objectContaining({
        ':version': result.version,
        ':owner': stateFor().request.executionArn,
        ':masterSecretArn': MASTER_ARN,
        ':from0': 'PROVISIONING',
      }),
    });
    const app = new Client(connectionTo(server, DATABASE_NAME, { user: APP_USERNAME, password: APP_PASSWORD }));
    await app.connect();
    const { rows } = await app.query('SELECT count(*)::int AS n FROM users').finally(() => app.end());
    expect(rows).toEqual([{ n: 0 }]);
  });

  it('is a no-op when run again', async () => {
    // Act & Assess
    const result = await handler(stateFor(), lambdaContext());
    expect(result).toMatchObject({ applied: [], version: expect.stringMatching(/^\d{17}_/) });
  });

  it.each([
    ['a wrong master password', ERROR_NAMES.databaseAuthentication, () => stateFor({ masterSecretArn: WRONG_ARN })],
    ['a closed port', ERROR_NAMES.databaseUnreachable, () => stateFor({ port: closedPort })],
    ['a certificate from an unknown CA', ERROR_NAMES.databaseTls, () => withCa(server.untrustedCaFile ?? '')],
    ['no CA bundle', ERROR_NAMES.configuration, () => withCa('/nonexistent/rds-ca.pem')],
    ['a master secret that is not JSON', ERROR_NAMES.configuration, () => stateFor({ masterSecretArn: GARBLED_ARN })],
  ])('fails on %s with %s', async (_case, name, state) => {
    // Act
    const error = (await handler(state(), lambdaContext()).catch((e: unknown) => e)) as Error;

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    for (const secret of SECRETS) expect(error.message).not.toContain(secret);
  });

  it('never writes a secret to any log line', () => {
    // Assess: the capture saw the step's own log lines, including failures, and no password or verifier
    expect(output.lines.some((line) => line.includes('step failed'))).toBe(true);
    expect(output.lines.some((line) => line.includes('tenant database migrated'))).toBe(true);
    for (const line of output.lines) {
      for (const secret of SECRETS) expect(line).not.toContain(secret);
      expect(line).not.toContain('SCRAM-SHA-256$');
    }
  });
});

function withCa(path: string): WorkflowState {
  process.env[RDS_CA_BUNDLE_PATH.name] = path;
  return stateFor();
}
