import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { ValidatedRequest, WorkflowState } from '../../../lambdas/shared/contracts';
import { ownershipTags, TAG_KEYS } from '../../../lambdas/shared/naming';
import { PASSWORD_EXCLUDED_CHARACTERS, PASSWORD_REQUEST } from '../../../lambdas/shared/password';
import { DEFAULT_TIERS } from '../../../lambdas/shared/tiers';
import { decideExistingSecret } from '../../../lambdas/store-credentials/existing-secret';
import { handler } from '../../../lambdas/store-credentials/handler';
import { clientRequestToken, createSecretRequest } from '../../../lambdas/store-credentials/requests';
import { lambdaContext } from '../../../lib/local/workflows/lambda-context';
import { captureOutput, type OutputCapture } from '../../support/output-capture';

const ACCOUNT = '123456789012';
const KMS_KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1111aaaa-2222-3333-4444-555566667777`;
const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:saas/tenant/acme/app-AbCdEf`;
// Distinctive, so a leak anywhere in logs, results or errors is found by a plain substring search.
const PASSWORD = 'Zq8#LEAK-CANARY-7f3e9d2c!x%Y4:k?';
const TIERS = Object.keys(DEFAULT_TIERS);

function executionArn(name: string): string {
  return `arn:aws:states:us-east-1:${ACCOUNT}:execution:tenant-db-provisioning:${name}`;
}

function stateFor(tier: string, tenantId = 'acme', execution = `${tenantId}-${tier}-1`): WorkflowState {
  const request: ValidatedRequest = {
    tenantId,
    tier,
    tierDefinition: DEFAULT_TIERS[tier] as ValidatedRequest['tierDefinition'],
    requestedBy: 'ops@example.com',
    requestId: execution,
    metadata: {},
    executionArn: executionArn(execution),
    executionName: execution,
  };
  return {
    request,
    claim: { outcome: 'CLAIMED', attempt: 1 },
    instance: {
      instanceId: `tenant-${tenantId}`,
      instanceArn: `arn:aws:rds:us-east-1:${ACCOUNT}:db:tenant-${tenantId}`,
      deadline: '2026-11-26T12:00:00.000Z',
    },
    readiness: {
      status: 'AVAILABLE',
      endpointAddress: `tenant-${tenantId}.abc123.us-east-1.rds.amazonaws.com`,
      endpointPort: 5432,
      masterSecretArn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:rds!db-1234-XyZ`,
      polls: 7,
    },
  };
}

function ownerOf(state: WorkflowState) {
  const { tenantId, tier, executionArn: arn } = state.request;
  return { tenantId, tier, executionArn: arn };
}

const secrets = mockClient(SecretsManagerClient);

beforeEach(() => {
  secrets.reset();
  secrets.on(GetRandomPasswordCommand).resolves({ RandomPassword: PASSWORD });
  process.env.PLATFORM_KMS_KEY_ARN = KMS_KEY_ARN;
  delete process.env.SECRET_NAME_PATTERN;
});

describe('PASSWORD_REQUEST', () => {
  it('asks for 32 characters of every type except the ones RDS and connection strings reject', () => {
    // Assess
    expect(PASSWORD_REQUEST).toEqual({
      PasswordLength: 32,
      ExcludeCharacters: '/@"\' \\',
      ExcludePunctuation: false,
      IncludeSpace: false,
      RequireEachIncludedType: true,
    });
    expect([...PASSWORD_EXCLUDED_CHARACTERS].sort()).toEqual([' ', '"', "'", '/', '@', '\\'].sort());
  });
});

describe('clientRequestToken', () => {
  const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it.each([
    ['acme', 'acme-pro-1'],
    ['globex', 'globex-enterprise-3'],
    ['a'.repeat(32), `${'a'.repeat(32)}-starter-99`],
  ])('is a UUID within Secrets Manager 32-64 characters, the same on every retry (%s)', (tenantId, execution) => {
    // Act
    const token = clientRequestToken(executionArn(execution), tenantId);

    // Assess
    expect(token).toMatch(UUID_V8);
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(token.length).toBeLessThanOrEqual(64);
    expect(clientRequestToken(executionArn(execution), tenantId)).toBe(token);
  });

  it('differs between executions and between tenants', () => {
    // Act
    const tokens = new Set([
      clientRequestToken(executionArn('acme-pro-1'), 'acme'),
      clientRequestToken(executionArn('acme-pro-2'), 'acme'),
      clientRequestToken(executionArn('acme-pro-1'), 'acme2'),
    ]);

    // Assess
    expect(tokens.size).toBe(3);
  });
});

describe('createSecretRequest', () => {
  it.each(TIERS)('builds an encrypted, tagged secret in the RDS secret JSON structure (%s)', (tier) => {
    // Prepare
    const state = stateFor(tier);
    const owner = ownerOf(state);

    // Act
    const request = createSecretRequest({
      name: 'saas/tenant/acme/app',
      kmsKeyArn: KMS_KEY_ARN,
      endpoint: { host: 'db.example', port: 5432 },
      password: PASSWORD,
      owner,
    });

    // Assess
    expect(request).toEqual({
      Name: 'saas/tenant/acme/app',
      Description: expect.stringContaining('tenant acme'),
      KmsKeyId: KMS_KEY_ARN,
      SecretString: expect.any(String),
      Tags: ownershipTags(owner),
      ClientRequestToken: clientRequestToken(owner.executionArn, 'acme'),
    });
    expect(JSON.parse(request.SecretString ?? '')).toEqual({
      engine: 'postgres',
      host: 'db.example',
      port: 5432,
      username: 'tenant_app',
      password: PASSWORD,
      dbname: 'tenant',
    });
    expect(request.Description?.length).toBeLessThanOrEqual(2048);
    expect(request.Tags).toContainEqual({ Key: TAG_KEYS.tier, Value: tier });
  });
});

describe('decideExistingSecret', () => {
  const owner = ownerOf(stateFor('pro'));
  const otherExecution = { ...owner, executionArn: executionArn('acme-pro-0') };

  it.each([
    ['owned by this execution', { ARN: SECRET_ARN, Tags: ownershipTags(owner) }, { action: 'reuse', arn: SECRET_ARN }],
    [
      'owned by an earlier execution of the tenant',
      { ARN: SECRET_ARN, Tags: ownershipTags(otherExecution) },
      { action: 'conflict', reason: expect.stringContaining(`execution ${otherExecution.executionArn}`) },
    ],
    [
      'not managed by the platform',
      { ARN: SECRET_ARN, Tags: [{ Key: 'team', Value: 'payments' }] },
      { action: 'conflict', reason: expect.stringContaining('was not created by the tenant database platform') },
    ],
    [
      "scheduled for deletion, left by an earlier attempt's manual delete",
      { ARN: SECRET_ARN, Tags: ownershipTags(otherExecution), DeletedDate: new Date('2026-11-20T00:00:00Z') },
      { action: 'conflict', reason: expect.stringContaining('--force-delete-without-recovery') },
    ],
    [
      'scheduled for deletion even though this execution created it',
      { ARN: SECRET_ARN, Tags: ownershipTags(owner), DeletedDate: new Date('2026-11-20T00:00:00Z') },
      {
        action: 'conflict',
        reason: expect.stringContaining('scheduled for deletion and was created by this execution'),
      },
    ],
  ])('decides for a secret %s', (_case, secret, expected) => {
    // Act
    const decision = decideExistingSecret({ Name: 'saas/tenant/acme/app', ...secret }, owner);

    // Assess
    expect(decision).toEqual(expected);
  });
});

describe('decideExistingSecret for an undelete', () => {
  const owner = ownerOf(stateFor('pro'));
  const earlierLife = { ...owner, executionArn: executionArn('acme-pro-0') };
  const restoring = { versionId: clientRequestToken(owner.executionArn, owner.tenantId) };
  const deleted = new Date('2026-11-20T09:00:00Z');
  const written = { [restoring.versionId]: ['AWSCURRENT'] };

  it.each([
    [
      "the offboarded tenant's secret, scheduled for deletion",
      { Tags: ownershipTags(earlierLife), DeletedDate: deleted },
      { action: 'adopt', arn: SECRET_ARN, scheduledForDeletion: true, retag: true, writeValue: true },
    ],
    [
      'restored and tagged by a crashed attempt, its password not written yet',
      { Tags: ownershipTags(owner) },
      { action: 'adopt', arn: SECRET_ARN, scheduledForDeletion: false, retag: false, writeValue: true },
    ],
    [
      'with this execution’s password version already written',
      { Tags: ownershipTags(owner), VersionIdsToStages: written },
      { action: 'reuse', arn: SECRET_ARN },
    ],
    [
      'of another tenant',
      { Tags: ownershipTags({ ...earlierLife, tenantId: 'globex' }), DeletedDate: deleted },
      { action: 'conflict', reason: expect.stringContaining('scheduled for deletion') },
    ],
    [
      'not managed by the platform',
      { Tags: [{ Key: TAG_KEYS.tenantId, Value: 'acme' }] },
      { action: 'conflict', reason: expect.stringContaining('was not created by the tenant database platform') },
    ],
  ])('decides for %s', (_case, secret, expected) => {
    // Act
    const decision = decideExistingSecret(
      { Name: 'saas/tenant/acme/app', ARN: SECRET_ARN, ...secret },
      owner,
      restoring,
    );

    // Assess
    expect(decision).toEqual(expected);
  });
});

describe('handler', () => {
  it.each(TIERS)('creates the application secret and returns only its name and ARN (%s)', async (tier) => {
    // Prepare
    const state = stateFor(tier);
    secrets.on(CreateSecretCommand).resolves({ ARN: SECRET_ARN, Name: 'saas/tenant/acme/app' });

    // Act
    const result = await handler(state, lambdaContext());

    // Assess
    expect(result).toEqual({ secretArn: SECRET_ARN, secretName: 'saas/tenant/acme/app' });
    expect(secrets).toHaveReceivedCommandWith(GetRandomPasswordCommand, PASSWORD_REQUEST);
    expect(secrets).toHaveReceivedCommandWith(CreateSecretCommand, {
      Name: 'saas/tenant/acme/app',
      KmsKeyId: KMS_KEY_ARN,
      Tags: ownershipTags(ownerOf(state)),
      ClientRequestToken: clientRequestToken(state.request.executionArn, 'acme'),
    });
    const sent = secrets.commandCalls(CreateSecretCommand)[0]?.args[0].input;
    expect(JSON.parse(sent?.SecretString ?? '')).toMatchObject({
      host: 'tenant-acme.abc123.us-east-1.rds.amazonaws.com',
      port: 5432,
      password: PASSWORD,
    });
  });

  it('names the secret after SECRET_NAME_PATTERN', async () => {
    // Prepare
    process.env.SECRET_NAME_PATTERN = 'prod/{tenantId}/db-app';
    secrets.on(CreateSecretCommand).resolves({ ARN: SECRET_ARN });

    // Act
    const result = await handler(stateFor('starter'), lambdaContext());

    // Assess
    expect(result.secretName).toBe('prod/acme/db-app');
    expect(secrets).toHaveReceivedCommandWith(CreateSecretCommand, { Name: 'prod/acme/db-app' });
  });

  it.each(TIERS)(
    'reuses the secret an earlier attempt of this execution created, without rewriting it (%s)',
    async (tier) => {
      // Prepare
      const state = stateFor(tier);
      secrets
        .on(CreateSecretCommand)
        .rejects(new ResourceExistsException({ message: 'already exists', $metadata: {} }))
        .on(DescribeSecretCommand)
        .resolves({ ARN: SECRET_ARN, Name: 'saas/tenant/acme/app', Tags: ownershipTags(ownerOf(state)) });

      // Act
      const result = await handler(state, lambdaContext());

      // Assess
      expect(result).toEqual({ secretArn: SECRET_ARN, secretName: 'saas/tenant/acme/app' });
      expect(secrets).toHaveReceivedCommandWith(DescribeSecretCommand, { SecretId: 'saas/tenant/acme/app' });
      expect(secrets).not.toHaveReceivedCommand(PutSecretValueCommand);
    },
  );

  it.each([
    [
      'exists and belongs to another execution',
      new ResourceExistsException({ message: 'already exists', $metadata: {} }),
      {},
    ],
    [
      'is scheduled for deletion by an earlier attempt',
      new InvalidRequestException({
        message: "You can't create this secret because a secret with this name is already scheduled for deletion.",
        $metadata: {},
      }),
      { DeletedDate: new Date('2026-11-20T00:00:00Z') },
    ],
  ])('refuses with OwnershipConflictError when the secret %s', async (_case, error, extra) => {
    // Prepare
    const previous = ownerOf(stateFor('pro', 'acme', 'acme-pro-0'));
    secrets
      .on(CreateSecretCommand)
      .rejects(error)
      .on(DescribeSecretCommand)
      .resolves({ ARN: SECRET_ARN, Name: 'saas/tenant/acme/app', Tags: ownershipTags(previous), ...extra });

    // Act
    const outcome = handler(stateFor('pro'), lambdaContext());

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'OwnershipConflictError' });
  });

  it.each([
    [
      'an InvalidRequestException unrelated to deletion',
      'AwsRequestError',
      new InvalidRequestException({ message: 'KMS key is disabled', $metadata: { httpStatusCode: 400 } }),
    ],
    ['throttling', 'RetryableError', Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })],
  ])('maps %s to %s', async (_case, expected, error) => {
    // Prepare
    secrets.on(CreateSecretCommand).rejects(error);

    // Act
    const outcome = handler(stateFor('starter'), lambdaContext());

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: expected });
    expect(secrets).not.toHaveReceivedCommand(DescribeSecretCommand);
  });

  it('retries when the secret vanished between CreateSecret and DescribeSecret', async () => {
    // Prepare
    secrets
      .on(CreateSecretCommand)
      .rejects(new ResourceExistsException({ message: 'already exists', $metadata: {} }))
      .on(DescribeSecretCommand)
      .rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));

    // Act
    const outcome = handler(stateFor('starter'), lambdaContext());

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'RetryableError' });
  });

  it.each([
    ['the platform key is not configured', () => delete process.env.PLATFORM_KMS_KEY_ARN, 'ConfigurationError'],
    ['GetRandomPassword returns nothing', () => secrets.on(GetRandomPasswordCommand).resolves({}), 'AwsRequestError'],
  ])('fails before creating anything when %s', async (_case, prepare, expected) => {
    // Prepare
    prepare();

    // Act
    const outcome = handler(stateFor('pro'), lambdaContext());

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: expected });
    expect(secrets).not.toHaveReceivedCommand(CreateSecretCommand);
  });

  it('refuses a state without the instance endpoint', async () => {
    // Prepare
    const state = stateFor('pro');
    state.readiness = { status: 'AVAILABLE', polls: 1 };

    // Act
    const outcome = handler(state, lambdaContext());

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'ValidationError', field: 'readiness.endpointAddress' });
    expect(secrets).not.toHaveReceivedCommand(GetRandomPasswordCommand);
  });
});

describe('the password', () => {
  let output: OutputCapture;

  beforeEach(() => {
    output = captureOutput();
  });

  afterEach(() => output.restore());

  it.each([
    ['a created secret', () => secrets.on(CreateSecretCommand).resolves({ ARN: SECRET_ARN })],
    [
      'a reused secret',
      () =>
        secrets
          .on(CreateSecretCommand)
          .rejects(new ResourceExistsException({ message: 'already exists', $metadata: {} }))
          .on(DescribeSecretCommand)
          .resolves({ ARN: SECRET_ARN, Tags: ownershipTags(ownerOf(stateFor('enterprise'))) }),
    ],
    [
      'a failed CreateSecret',
      () =>
        secrets
          .on(CreateSecretCommand)
          .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' })),
    ],
  ])('appears in no log line, result or error for %s', async (_case, prepare) => {
    // Prepare
    prepare();

    // Act
    const settled = await handler(stateFor('enterprise'), lambdaContext()).then(
      (result) => ({ result }),
      (error: Error) => ({ error: { name: error.name, message: error.message, stack: error.stack } }),
    );

    // Assess
    expect(output.lines.length).toBeGreaterThan(0);
    expect(output.lines.join('\n')).not.toContain(PASSWORD);
    expect(JSON.stringify(settled)).not.toContain(PASSWORD);
  });
});
