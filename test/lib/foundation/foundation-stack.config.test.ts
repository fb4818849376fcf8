import { App } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { DEFAULT_TIERS } from '../../../lambdas/shared/tiers';
import { cdkJsonContext } from '../../../lib/app-builder';
import {
  loadPlatformConfig,
  PLATFORM_CONTEXT_KEYS,
  type PlatformConfig,
  PlatformConfigError,
  stackEnvironment,
} from '../../../lib/config';

const configFrom = (context: Record<string, unknown>): PlatformConfig => loadPlatformConfig(new App({ context }).node);

function thrownBy(fn: () => unknown): PlatformConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PlatformConfigError) return error;
    throw error;
  }
  throw new Error('expected a PlatformConfigError');
}

const DEFAULT_CONFIG: PlatformConfig = {
  platformName: 'tenant-db',
  vpcId: undefined,
  maxAzs: 2,
  applicationSecurityGroupId: undefined,
  alertEmail: undefined,
  tierCatalog: DEFAULT_TIERS,
  secretNamePattern: 'saas/tenant/{tenantId}/app',
  backupReplicationRegion: 'us-west-2',
  backupReplicationKmsKeyArn: undefined,
  billingEventBusName: undefined,
  logRetention: logs.RetentionDays.ONE_YEAR,
  provisioningTimeoutMinutes: 300,
  vpcInterfaceEndpoints: ['secretsmanager'],
  schemaRollout: { maxConcurrency: 50, tolerance: '0', canarySize: 5, timeoutHours: 12 },
};

const KEY_ARN = 'arn:aws:kms:us-west-2:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

describe('loadPlatformConfig', () => {
  it('fills in every default from empty context', () => {
    // Act
    const config = configFrom({});

    // Assess
    expect(config).toEqual(DEFAULT_CONFIG);
  });

  it("reads the same configuration from the project's cdk.json as from the defaults", () => {
    // Act
    const config = configFrom(cdkJsonContext());

    // Assess
    expect(config).toEqual(DEFAULT_CONFIG);
  });

  it.each<[string, unknown, Partial<PlatformConfig>]>([
    ['platformName', 'acme-db2', { platformName: 'acme-db2' }],
    ['vpcId', 'vpc-0123abcd', { vpcId: 'vpc-0123abcd' }],
    ['maxAzs', 3, { maxAzs: 3 }],
    ['maxAzs', '3', { maxAzs: 3 }],
    ['applicationSecurityGroupId', 'sg-0123456789abcdef0', { applicationSecurityGroupId: 'sg-0123456789abcdef0' }],
    ['alertEmail', 'db-oncall@example.com', { alertEmail: 'db-oncall@example.com' }],
    ['secretNamePattern', 'prod/{tenantId}/db', { secretNamePattern: 'prod/{tenantId}/db' }],
    ['secretNamePattern', 'prod/{tenantId}secret', { secretNamePattern: 'prod/{tenantId}secret' }],
    ['backupReplicationRegion', 'eu-central-1', { backupReplicationRegion: 'eu-central-1' }],
    ['backupReplicationKmsKeyArn', KEY_ARN, { backupReplicationKmsKeyArn: KEY_ARN }],
    ['billingEventBusName', 'saas-billing', { billingEventBusName: 'saas-billing' }],
    ['logRetentionDays', 731, { logRetention: logs.RetentionDays.TWO_YEARS }],
    ['logRetentionDays', '30', { logRetention: logs.RetentionDays.ONE_MONTH }],
    ['provisioningTimeoutMinutes', 181, { provisioningTimeoutMinutes: 181 }],
    ['vpcInterfaceEndpoints', '["secretsmanager","kms"]', { vpcInterfaceEndpoints: ['secretsmanager', 'kms'] }],
  ])('accepts %s = %j', (key, value, expected) => {
    // Act
    const config = configFrom({ [key]: value });

    // Assess
    expect(config).toEqual({ ...DEFAULT_CONFIG, ...expected });
  });

  it('accepts tier overrides as an object or as the JSON string `cdk -c` passes', () => {
    // Prepare
    const overrides = { starter: { backup: { retentionDays: 3 } } };

    // Act
    const fromObject = configFrom({ tiers: overrides });
    const fromString = configFrom({ tiers: JSON.stringify(overrides) });

    // Assess
    expect(fromObject.tierCatalog.starter?.backup.retentionDays).toBe(3);
    expect(fromString.tierCatalog).toEqual(fromObject.tierCatalog);
  });

  it.each<[Record<string, unknown>, string]>([
    [
      { platformName: 'Tenant_DB' },
      'cdk.json context "platformName": must be 1-20 lower-case letters, digits and single hyphens, starting with a letter and not ending with a hyphen (got "Tenant_DB")',
    ],
    [{ platformName: 'tenant-db-' }, 'cdk.json context "platformName": '],
    [{ platformName: 'a'.repeat(21) }, 'cdk.json context "platformName": '],
    [{ platformName: 'tenant--db' }, 'cdk.json context "platformName": '],
    [{ vpcId: 'vpc-123' }, 'cdk.json context "vpcId": must be a VPC id such as vpc-0123456789abcdef0 (got "vpc-123")'],
    [{ maxAzs: 1 }, 'cdk.json context "maxAzs": must be a whole number from 2 to 6 (got 1)'],
    [{ maxAzs: 2.5 }, 'cdk.json context "maxAzs": must be a whole number from 2 to 6 (got 2.5)'],
    [{ maxAzs: 'two' }, 'cdk.json context "maxAzs": must be a whole number from 2 to 6 (got "two")'],
    [
      { applicationSecurityGroupId: 'sg-xyz' },
      'cdk.json context "applicationSecurityGroupId": must be a security group id such as sg-0123456789abcdef0 (got "sg-xyz")',
    ],
    [{ alertEmail: 'oncall' }, 'cdk.json context "alertEmail": must be an e-mail address (got "oncall")'],
    [{ alertEmail: 'on call@example.com' }, 'cdk.json context "alertEmail": must be an e-mail address'],
    [
      { secretNamePattern: 'saas/tenant/app' },
      'cdk.json context "secretNamePattern": must contain {tenantId} (got "saas/tenant/app")',
    ],
    [
      { secretNamePattern: 'saas/{tenantId}/a b' },
      'cdk.json context "secretNamePattern": may use only A-Z a-z 0-9 / _ + = . @ - and at most 512 characters (got "saas/{tenantId}/a b")',
    ],
    [
      { secretNamePattern: 'saas/{tenantId}-abcdef' },
      'cdk.json context "secretNamePattern": must not end with a hyphen followed by six characters',
    ],
    [
      { secretNamePattern: 'saas/tenant/{tenantId}' },
      'cdk.json context "secretNamePattern": must not end with {tenantId} (alone or followed by up to five letters or digits): a tenant id such as acme-prod01 would end the name with a hyphen followed by six characters (got "saas/tenant/{tenantId}")',
    ],
    [
      { secretNamePattern: 'saas/{tenantId}creds' },
      'cdk.json context "secretNamePattern": must not end with {tenantId} (alone or followed by up to five letters or digits)',
    ],
    [{ secretNamePattern: 7 }, 'cdk.json context "secretNamePattern": must be a string (got 7)'],
    [
      { backupReplicationRegion: 'Oregon' },
      'cdk.json context "backupReplicationRegion": must be an AWS Region code such as us-west-2 (got "Oregon")',
    ],
    [
      { backupReplicationKmsKeyArn: 'alias/aws/rds' },
      'cdk.json context "backupReplicationKmsKeyArn": must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>) (got "alias/aws/rds")',
    ],
    [
      { backupReplicationKmsKeyArn: KEY_ARN.replace('us-west-2', 'us-east-1') },
      'cdk.json context "backupReplicationKmsKeyArn": must be a key in backupReplicationRegion us-west-2',
    ],
    [
      { billingEventBusName: 'billing bus' },
      'cdk.json context "billingEventBusName": must be an event bus name: 1-256 characters of letters, digits and . - _ / (got "billing bus")',
    ],
    [
      { logRetentionDays: 366 },
      'cdk.json context "logRetentionDays": must be one of the retention periods CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, 9999 (got 366)',
    ],
    [
      { provisioningTimeoutMinutes: 180 },
      'cdk.json context "provisioningTimeoutMinutes": must exceed every tier\'s provisioningBudgetMinutes + 90 (tier "enterprise" has 90, so more than 180) (got 180)',
    ],
    [
      { provisioningTimeoutMinutes: 260, tiers: { starter: { provisioningBudgetMinutes: 180 } } },
      'cdk.json context "provisioningTimeoutMinutes": must exceed every tier\'s provisioningBudgetMinutes + 90 (tier "starter" has 180, so more than 270) (got 260)',
    ],
    [
      { provisioningTimeoutMinutes: 1441 },
      'cdk.json context "provisioningTimeoutMinutes": must be a whole number from 1 to 1440 (got 1441)',
    ],
    [
      { vpcInterfaceEndpoints: ['secretsmanager', 'ssm'] },
      'cdk.json context "vpcInterfaceEndpoints": must be a list of distinct names from secretsmanager, kms, rds, monitoring, logs, sts, states, events, sns, xray (got ["secretsmanager","ssm"])',
    ],
    [{ vpcInterfaceEndpoints: ['kms', 'kms'] }, 'cdk.json context "vpcInterfaceEndpoints": must be a list of distinct'],
    [
      { vpcInterfaceEndpoints: 'secretsmanager' },
      'cdk.json context "vpcInterfaceEndpoints": must be a list of distinct',
    ],
    [
      { vpcInterfaceEndpoints: [] },
      'cdk.json context "vpcInterfaceEndpoints": must include secretsmanager: the migration and rotation functions reach the tenant secrets through it and have no other way out of the isolated subnets (got [])',
    ],
    [{ vpcInterfaceEndpoints: ['kms'] }, 'cdk.json context "vpcInterfaceEndpoints": must include secretsmanager'],
    [
      { schemaRolloutMaxConcurrency: 0 },
      'cdk.json context "schemaRolloutMaxConcurrency": must be a whole number from 1 to 10000 (got 0)',
    ],
    [
      { schemaRolloutTolerance: '5 percent' },
      'cdk.json context "schemaRolloutTolerance": must be a number of tenants ("3") or a percentage from 0% to 100% ("5%")',
    ],
    [{ schemaRolloutCanarySize: -1 }, 'cdk.json context "schemaRolloutCanarySize": must be a whole number from 0'],
    [
      { schemaRolloutTimeoutHours: 169 },
      'cdk.json context "schemaRolloutTimeoutHours": must be a whole number from 1 to 168',
    ],
    [
      { tiers: { pro: { backup: { retentionDays: 40 } } } },
      'cdk.json context "tiers": Invalid tier catalog:\n  tier "pro", field backup.retentionDays: must be a whole number of days from 1 to 35 (0 would turn automated backups off) (got 40)',
    ],
  ])('rejects %j naming the key and the rule', (context, message) => {
    // Act
    const error = thrownBy(() => configFrom(context));

    // Assess
    expect(error.message.startsWith(message)).toBe(true);
    expect(error.key).toBe(Object.keys(context)[0]);
  });

  it('documents every context key it reads, and cdk.json sets no platform key it does not read', () => {
    // Prepare
    const app = new App();
    const read = new Set<string>();
    const tryGetContext = app.node.tryGetContext.bind(app.node);
    jest.spyOn(app.node, 'tryGetContext').mockImplementation((key: string) => {
      read.add(key);
      return tryGetContext(key);
    });
    const documented = PLATFORM_CONTEXT_KEYS.map((row) => row.key);
    const featureFlagsAndCliSettings = /^(@aws-cdk\/|cli-telemetry$)/;

    // Act
    loadPlatformConfig(app.node);

    // Assess
    expect([...read].sort()).toEqual([...documented].sort());
    expect(documented).toEqual(
      expect.arrayContaining(Object.keys(cdkJsonContext()).filter((key) => !featureFlagsAndCliSettings.test(key))),
    );
  });
});

describe('stackEnvironment', () => {
  it('keeps the stacks environment-agnostic without vpcId, whatever the environment says', () => {
    // Act
    const env = stackEnvironment(DEFAULT_CONFIG, {
      CDK_DEFAULT_ACCOUNT: '123456789012',
      CDK_DEFAULT_REGION: 'eu-west-1',
    });

    // Assess
    expect(env).toBeUndefined();
  });

  it('targets the CLI account and Region when vpcId needs a lookup', () => {
    // Act
    const env = stackEnvironment(
      { ...DEFAULT_CONFIG, vpcId: 'vpc-0123abcd' },
      { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'eu-west-1' },
    );

    // Assess
    expect(env).toEqual({ account: '123456789012', region: 'eu-west-1' });
  });

  it.each([{}, { CDK_DEFAULT_ACCOUNT: '123456789012' }, { CDK_DEFAULT_REGION: 'eu-west-1' }])(
    'explains that a vpcId lookup needs account and Region when given %j',
    (env) => {
      // Act
      const error = thrownBy(() => stackEnvironment({ ...DEFAULT_CONFIG, vpcId: 'vpc-0123abcd' }, env));

      // Assess
      expect(error.key).toBe('vpcId');
      expect(error.message).toMatch(
        /^cdk\.json context "vpcId": an existing VPC is read with ec2\.Vpc\.fromLookup, which needs the target account and Region: .*CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION.* \(got "vpc-0123abcd"\)$/,
      );
    },
  );
});
