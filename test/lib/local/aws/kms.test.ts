import { DescribeKeyCommand, KMSClient, NotFoundException } from '@aws-sdk/client-kms';
import { useAwsDouble } from '../../../../lib/local/aws/fixtures';

const KEY_ARN =
  /^arn:aws:kms:(us-east-1|us-west-2):123456789012:key\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('KMS double', () => {
  useAwsDouble();
  const east = new KMSClient({ region: 'us-east-1' });
  const west = new KMSClient({ region: 'us-west-2' });

  it('resolves alias/aws/rds, by name or alias ARN, to one AWS managed key per Region', async () => {
    // Act
    const byName = await west.send(new DescribeKeyCommand({ KeyId: 'alias/aws/rds' }));
    const byAliasArn = await west.send(
      new DescribeKeyCommand({ KeyId: 'arn:aws:kms:us-west-2:123456789012:alias/aws/rds' }),
    );
    const otherRegion = await east.send(new DescribeKeyCommand({ KeyId: 'alias/aws/rds' }));

    // Assess
    expect(byName.KeyMetadata).toMatchObject({
      KeyManager: 'AWS',
      KeyState: 'Enabled',
      Arn: expect.stringMatching(KEY_ARN),
    });
    expect(byName.KeyMetadata?.Arn).toContain(':us-west-2:');
    expect(byName.KeyMetadata?.Arn?.endsWith(`key/${byName.KeyMetadata?.KeyId}`)).toBe(true);
    expect(byAliasArn.KeyMetadata?.Arn).toBe(byName.KeyMetadata?.Arn);
    expect(otherRegion.KeyMetadata?.Arn).toMatch(KEY_ARN);
    expect(otherRegion.KeyMetadata?.Arn).toContain(':us-east-1:');
  });

  it('answers NotFoundException for an alias nobody created', async () => {
    // Act
    const call = west.send(new DescribeKeyCommand({ KeyId: 'alias/tenant-db-dr' }));

    // Assess
    await expect(call).rejects.toBeInstanceOf(NotFoundException);
  });
});
