import {
  buildLogGroupRequests,
  DEFAULT_TENANT_LOG_RETENTION_DAYS,
  LOG_RETENTION_DAYS,
  TENANT_LOG_RETENTION_DAYS,
} from '../../../lambdas/create-instance/log-groups';
import type { ValidatedRequest } from '../../../lambdas/shared/contracts';
import { DEFAULT_TIERS, type TierDefinition } from '../../../lambdas/shared/tiers';

const KMS = 'arn:aws:kms:us-east-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee';
const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-corp-pro-1';

function requestFor(tier: string): ValidatedRequest {
  return {
    tenantId: 'acme-corp',
    tier,
    tierDefinition: DEFAULT_TIERS[tier] as TierDefinition,
    requestedBy: 'ops',
    requestId: 'r1',
    metadata: {},
    executionArn: EXECUTION_ARN,
    executionName: 'acme-corp-pro-1',
  };
}

describe('buildLogGroupRequests', () => {
  it.each<[string, string[]]>([
    ['starter', ['postgresql']],
    ['pro', ['postgresql', 'upgrade']],
    ['enterprise', ['postgresql', 'upgrade', 'iam-db-auth-error']],
  ])('creates one encrypted, owned log group per log type the %s tier exports', (tier, logTypes) => {
    // Act
    const requests = buildLogGroupRequests(requestFor(tier), KMS);

    // Assess
    expect(requests).toEqual(
      logTypes.map((type) => ({
        logGroupName: `/aws/rds/instance/tenant-acme-corp/${type}`,
        kmsKeyId: KMS,
        tags: {
          'tenant-db:tenant-id': 'acme-corp',
          'tenant-db:tier': tier,
          'tenant-db:execution-arn': EXECUTION_ARN,
          'tenant-db:managed-by': 'tenant-db-platform',
        },
      })),
    );
  });
});

describe('TENANT_LOG_RETENTION_DAYS', () => {
  it.each<[string, string | undefined, number]>([
    ['unset', undefined, DEFAULT_TENANT_LOG_RETENTION_DAYS],
    ['empty', '', DEFAULT_TENANT_LOG_RETENTION_DAYS],
    ['the shortest period', '1', 1],
    ['a year', '365', 365],
    ['the longest period', '3653', 3653],
  ])('accepts %s', (_case, raw, days) => {
    // Act
    const parsed = TENANT_LOG_RETENTION_DAYS.parse(raw);

    // Assess
    expect(parsed).toBe(days);
    expect(LOG_RETENTION_DAYS).toContain(parsed);
  });

  it.each(['0', '2', '366', '3654', '-7', '30.5', '1e1', 'forever', ' 30 days'])(
    'refuses %j, which PutRetentionPolicy would refuse',
    (raw) => {
      // Act
      const parse = () => TENANT_LOG_RETENTION_DAYS.parse(raw);

      // Assess
      expect(parse).toThrow(
        expect.objectContaining({ name: 'ConfigurationError', message: expect.stringContaining(raw) }),
      );
    },
  );
});
