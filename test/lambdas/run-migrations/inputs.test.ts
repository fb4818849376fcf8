import { appLoginFromSecret, migrationInputsOf } from '../../../lambdas/run-migrations/inputs';
import type { ValidatedRequest, WorkflowState } from '../../../lambdas/shared/contracts';
import { ConfigurationError } from '../../../lambdas/shared/errors';

const state: WorkflowState = {
  request: { tenantId: 'acme', tier: 'starter' } as ValidatedRequest,
  readiness: {
    status: 'AVAILABLE',
    endpointAddress: 'tenant-acme.abc.us-east-1.rds.amazonaws.com',
    endpointPort: 5432,
    masterSecretArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:rds!db-1-AbCdEf',
    polls: 3,
  },
  credentials: {
    secretArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:saas/tenant/acme/app-AbCdEf',
    secretName: 'saas/tenant/acme/app',
  },
};

describe('migrationInputsOf', () => {
  it('picks the endpoint and both secret ARNs', () => {
    expect(migrationInputsOf(state)).toEqual({
      host: 'tenant-acme.abc.us-east-1.rds.amazonaws.com',
      port: 5432,
      masterSecretArn: state.readiness?.masterSecretArn,
      appSecretArn: state.credentials?.secretArn,
    });
  });

  it.each([
    ['readiness.endpointAddress', { ...state, readiness: { status: 'PENDING', polls: 1 } }],
    ['readiness.endpointPort', { ...state, readiness: { ...state.readiness, endpointPort: undefined } }],
    ['readiness.masterSecretArn', { ...state, readiness: { ...state.readiness, masterSecretArn: '' } }],
    ['credentials.secretArn', { ...state, credentials: undefined }],
  ] as const)('names %s when it is missing', (field, incomplete) => {
    // Act & Assess
    expect(() => migrationInputsOf(incomplete as WorkflowState)).toThrow(ConfigurationError);
    expect(() => migrationInputsOf(incomplete as WorkflowState)).toThrow(field);
  });
});

describe('appLoginFromSecret', () => {
  const arn = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:saas/tenant/acme/app-AbCdEf';

  it.each([
    ['the application role', 'tenant_app', true],
    ['another user', 'someone_else', false],
  ])('accepts only %s', (_case, username, accepted) => {
    // Prepare
    const secret = JSON.stringify({ engine: 'postgres', username, password: 'pw', dbname: 'tenant' });

    // Act
    const act = () => appLoginFromSecret(secret, arn);

    // Assess
    if (accepted) expect(act()).toEqual({ username, password: 'pw' });
    else expect(act).toThrow('the application role is tenant_app');
  });
});
