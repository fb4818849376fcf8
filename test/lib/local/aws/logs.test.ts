import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  InvalidParameterException,
  PutRetentionPolicyCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import { KMS_KEY_ARN, useAwsDouble } from '../../../../lib/local/aws/fixtures';

const NAME = '/aws/rds/instance/tenant-acme/postgresql';

describe('CloudWatch Logs double', () => {
  const aws = useAwsDouble();
  const logs = new CloudWatchLogsClient({ region: 'us-east-1' });

  it('creates an encrypted, tagged log group and sets its retention', async () => {
    // Act
    await logs.send(new CreateLogGroupCommand({ logGroupName: NAME, kmsKeyId: KMS_KEY_ARN, tags: { team: 'db' } }));
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: NAME, retentionInDays: 365 }));
    const described = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/rds/instance/' }));

    // Assess
    expect(described.logGroups).toEqual([
      expect.objectContaining({
        logGroupName: NAME,
        kmsKeyId: KMS_KEY_ARN,
        retentionInDays: 365,
        logGroupArn: `arn:aws:logs:us-east-1:123456789012:log-group:${NAME}`,
      }),
    ]);
    expect(aws().inventory().logGroups).toEqual([
      { name: NAME, region: 'us-east-1', kmsKeyId: KMS_KEY_ARN, retentionInDays: 365, tags: { team: 'db' } },
    ]);
  });

  it('refuses a second group of the same name with ResourceAlreadyExistsException', async () => {
    // Prepare
    await logs.send(new CreateLogGroupCommand({ logGroupName: NAME }));

    // Act
    const again = logs.send(new CreateLogGroupCommand({ logGroupName: NAME, kmsKeyId: KMS_KEY_ARN }));

    // Assess
    await expect(again).rejects.toBeInstanceOf(ResourceAlreadyExistsException);
    expect(aws().inventory().logGroups).toEqual([{ name: NAME, region: 'us-east-1', tags: {} }]);
  });

  it.each<[string, string]>([
    ['an empty name', ''],
    ['a name longer than 512 characters', `/${'a'.repeat(512)}`],
    ['a character outside [.-_/#A-Za-z0-9]', '/aws/rds/instance/tenant acme/postgresql'],
    ['the reserved aws/ prefix', 'aws/rds/instance/tenant-acme/postgresql'],
  ])('refuses %s', async (_case, logGroupName) => {
    // Act
    const call = logs.send(new CreateLogGroupCommand({ logGroupName }));

    // Assess
    await expect(call).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it.each<[string, { kmsKeyId?: string; tags?: Record<string, string> }]>([
    ['a key alias instead of a key ARN', { kmsKeyId: 'alias/tenant-db' }],
    ['a tag key in the aws: namespace', { tags: { 'aws:owner': 'me' } }],
  ])('refuses %s', async (_case, options) => {
    // Act
    const call = logs.send(new CreateLogGroupCommand({ logGroupName: NAME, ...options }));

    // Assess
    await expect(call).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it.each([0, 2, 366, 3654])('refuses a retention of %i days', async (retentionInDays) => {
    // Prepare
    await logs.send(new CreateLogGroupCommand({ logGroupName: NAME }));

    // Act
    const call = logs.send(new PutRetentionPolicyCommand({ logGroupName: NAME, retentionInDays }));

    // Assess
    await expect(call).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('answers ResourceNotFoundException for the retention of a group that does not exist', async () => {
    // Act
    const call = logs.send(new PutRetentionPolicyCommand({ logGroupName: NAME, retentionInDays: 30 }));

    // Assess
    await expect(call).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('keeps log groups out of the leftovers: rollback leaves them on purpose', async () => {
    // Act
    await logs.send(new CreateLogGroupCommand({ logGroupName: NAME, kmsKeyId: KMS_KEY_ARN }));

    // Assess
    expect(aws().inventory().logGroups).toHaveLength(1);
    expect(aws().leftovers()).toEqual([]);
  });
});
