import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../../lambdas/claim-tenant/handler';
import type { ValidatedRequest, WorkflowState } from '../../../lambdas/shared/contracts';
import { DEFAULT_TIERS } from '../../../lambdas/shared/tiers';
import { lambdaContext } from '../../../lib/local/workflows/lambda-context';

const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-starter-1';

const state: WorkflowState = {
  request: {
    tenantId: 'acme',
    tier: 'starter',
    tierDefinition: DEFAULT_TIERS.starter as ValidatedRequest['tierDefinition'],
    requestedBy: 'ops',
    requestId: 'acme-starter-1',
    metadata: {},
    executionArn: EXECUTION_ARN,
    executionName: 'acme-starter-1',
  },
};

const ddb = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  ddb.reset();
  process.env.REGISTRY_TABLE_NAME = 'tenant-registry';
  // An outcome event the record still owes is published before the claim (see the workflow invariants suite).
  process.env.OUTCOME_EVENT_BUS_NAME = 'tenant-db-outcomes';
});

afterAll(() => {
  delete process.env.REGISTRY_TABLE_NAME;
  delete process.env.OUTCOME_EVENT_BUS_NAME;
});

describe('ClaimTenant handler', () => {
  it('claims a new tenant in the configured registry table', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});

    // Act
    const result = await handler(state, lambdaContext());

    // Assess
    expect(result).toEqual({ outcome: 'CLAIMED', attempt: 1 });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { TableName: 'tenant-registry' });
  });

  it('fails with TenantConflictError when the tenant is live', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({
      Item: { tenantId: 'acme', tier: 'pro', status: 'ACTIVE', requestId: 'other', executionArn: 'arn:other' },
    });

    // Act
    const result = handler(state, lambdaContext());

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'TenantConflictError' });
  });

  it('turns DynamoDB throttling into a RetryableError', async () => {
    // Prepare
    ddb
      .on(GetCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }));

    // Act
    const result = handler(state, lambdaContext());

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'RetryableError' });
  });

  it('fails with ConfigurationError when the table name is not set', async () => {
    // Prepare
    delete process.env.REGISTRY_TABLE_NAME;

    // Act
    const result = handler(state, lambdaContext());

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'ConfigurationError', message: /REGISTRY_TABLE_NAME/ });
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
  });
});
