import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEnv } from '../../../../lambdas/shared/config';
import { DEFAULT_RDS_CA_BUNDLE_PATH, RDS_CA_BUNDLE_PATH, rdsTls } from '../../../../lambdas/shared/database/tls';
import { ConfigurationError } from '../../../../lambdas/shared/errors';
import { clientConfig, DEFAULT_TIMEOUTS } from '../../../../lambdas/shared/schema/connection';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rds-ca-'));
  writeFileSync(join(dir, 'bundle.pem'), PEM);
  writeFileSync(join(dir, 'empty.pem'), '');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env[RDS_CA_BUNDLE_PATH.name];
});

describe('RDS_CA_BUNDLE_PATH', () => {
  it.each([
    ['the Lambda runtime bundle by default', undefined, DEFAULT_RDS_CA_BUNDLE_PATH],
    ['RDS_CA_BUNDLE_PATH when set', '/opt/rds/global-bundle.pem', '/opt/rds/global-bundle.pem'],
  ])('is %s', (_case, env, expected) => {
    // Prepare
    if (env) process.env[RDS_CA_BUNDLE_PATH.name] = env;

    // Act & Assess
    expect(readEnv(RDS_CA_BUNDLE_PATH)).toBe(expected);
  });
});

describe('rdsTls', () => {
  it('verifies against the bundle', () => {
    expect(rdsTls(join(dir, 'bundle.pem'))).toEqual({ ca: PEM });
  });

  it.each([
    ['is missing', 'missing.pem', 'cannot read the RDS CA bundle'],
    ['holds no certificate', 'empty.pem', 'contains no PEM certificate'],
  ])('fails with a ConfigurationError when the bundle %s', (_case, file, message) => {
    // Act
    const act = () => rdsTls(join(dir, file));

    // Assess
    expect(act).toThrow(ConfigurationError);
    expect(act).toThrow(message);
  });
});

describe('clientConfig', () => {
  const target = { host: 'db', port: 5432, database: 'tenant', user: 'tenant_admin', password: 'pw' };

  it.each([
    ['verifies the certificate against the CA', { ca: PEM }, { rejectUnauthorized: true, ca: PEM }],
    ['sends no TLS only when told to', 'disabled' as const, false],
  ])('%s', (_case, tls, ssl) => {
    expect(clientConfig({ ...target, tls }).ssl).toEqual(ssl);
  });

  it('bounds every wait', () => {
    // Act
    const config = clientConfig({ ...target, tls: 'disabled' }, { ...DEFAULT_TIMEOUTS, lockMs: 1234 });

    // Assess
    expect(config).toMatchObject({
      connectionTimeoutMillis: DEFAULT_TIMEOUTS.connectMs,
      lock_timeout: 1234,
      statement_timeout: DEFAULT_TIMEOUTS.statementMs,
      idle_in_transaction_session_timeout: DEFAULT_TIMEOUTS.idleSessionMs,
      options: `-c idle_session_timeout=${DEFAULT_TIMEOUTS.idleSessionMs}`,
    });
    expect(config.query_timeout).toBeGreaterThan(DEFAULT_TIMEOUTS.statementMs);
  });
});
