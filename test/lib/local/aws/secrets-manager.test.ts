import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  CreateSecretCommand,
  type CreateSecretCommandInput,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  type GetRandomPasswordCommandInput,
  GetSecretValueCommand,
  InvalidParameterException,
  InvalidRequestException,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { createRequest, useAwsDouble } from '../../../../lib/local/aws/fixtures';

const DAY = 24 * 3600_000;
const secrets = new SecretsManagerClient({});
const TOKEN = '11111111-2222-8333-9444-555555555555';
const NAME = 'saas/tenant/acme/app';

const createSecret = (overrides: Partial<CreateSecretCommandInput> = {}) =>
  secrets.send(
    new CreateSecretCommand({
      Name: NAME,
      SecretString: '{"password":"first-value"}',
      ClientRequestToken: TOKEN,
      Tags: [{ Key: 'tenant-db:tenant-id', Value: 'acme' }],
      ...overrides,
    }),
  );

const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;

describe('Secrets Manager double', () => {
  const aws = useAwsDouble();

  describe('GetRandomPassword', () => {
    it.each<[string, GetRandomPasswordCommandInput, (password: string) => boolean]>([
      [
        '32 characters by default, of every type',
        {},
        (p) => p.length === 32 && /[a-z]/.test(p) && /[A-Z]/.test(p) && /[0-9]/.test(p) && PUNCTUATION.test(p),
      ],
      ['the requested length', { PasswordLength: 4096 }, (p) => p.length === 4096],
      ['no excluded character', { PasswordLength: 512, ExcludeCharacters: '/@"\' \\' }, (p) => !/[/@"' \\]/.test(p)],
      [
        'no punctuation when excluded',
        { PasswordLength: 512, ExcludePunctuation: true },
        (p) => /^[A-Za-z0-9]+$/.test(p),
      ],
      [
        'digits only',
        { ExcludeLowercase: true, ExcludeUppercase: true, ExcludePunctuation: true },
        (p) => /^[0-9]{32}$/.test(p),
      ],
      ['a space when included', { PasswordLength: 4096, IncludeSpace: true }, (p) => p.includes(' ')],
    ])('generates %s', async (_case, request, holds) => {
      // Act
      const { RandomPassword } = await secrets.send(new GetRandomPasswordCommand(request));

      // Assess
      expect(holds(RandomPassword as string)).toBe(true);
      expect(aws().allSecretValues()).toContain(RandomPassword);
    });

    it.each<[string, GetRandomPasswordCommandInput]>([
      ['length 3', { PasswordLength: 3 }],
      ['length 4097', { PasswordLength: 4097 }],
      [
        'every character excluded',
        { ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true },
      ],
    ])('refuses %s with InvalidParameterException', async (_case, request) => {
      // Act
      const call = secrets.send(new GetRandomPasswordCommand(request));

      // Assess
      await expect(call).rejects.toBeInstanceOf(InvalidParameterException);
    });
  });

  describe('CreateSecret', () => {
    it('creates a tagged secret with an ARN ending in six random characters', async () => {
      // Act
      const created = await createSecret();
      const described = await secrets.send(new DescribeSecretCommand({ SecretId: NAME }));

      // Assess
      expect(created.ARN).toMatch(
        /^arn:aws:secretsmanager:us-east-1:123456789012:secret:saas\/tenant\/acme\/app-[A-Za-z0-9]{6}$/,
      );
      expect(created.VersionId).toBe(TOKEN);
      expect(described).toMatchObject({ ARN: created.ARN, Tags: [{ Key: 'tenant-db:tenant-id', Value: 'acme' }] });
      expect(described.DeletedDate).toBeUndefined();
      expect(aws().allSecretValues()).toEqual(expect.arrayContaining(['{"password":"first-value"}', 'first-value']));
    });

    it.each<[string, Partial<CreateSecretCommandInput>]>([
      ['a name with a space', { Name: 'saas tenant' }],
      ['a name over 512 characters', { Name: 'a'.repeat(513) }],
      ['a token shorter than 32 characters', { ClientRequestToken: 'short' }],
      ['both a string and a binary value', { SecretBinary: new Uint8Array([1]) }],
      ['an aws: tag', { Tags: [{ Key: 'aws:x', Value: 'y' }] }],
    ])('refuses %s with InvalidParameterException', async (_case, overrides) => {
      // Act
      const call = createSecret(overrides);

      // Assess
      await expect(call).rejects.toBeInstanceOf(InvalidParameterException);
      expect(aws().inventory().secrets).toEqual([]);
    });

    it('returns the existing version for a retry with the same token and value', async () => {
      // Prepare
      const first = await createSecret();

      // Act
      const retry = await createSecret();

      // Assess
      expect(retry).toMatchObject({ ARN: first.ARN, Name: NAME, VersionId: TOKEN });
      expect(aws().inventory().secrets).toHaveLength(1);
    });

    it.each<[string, Partial<CreateSecretCommandInput>]>([
      ['the same token and another value', { SecretString: '{"password":"second-value"}' }],
      ['another token', { ClientRequestToken: '99999999-2222-8333-9444-555555555555' }],
      ['no token', { ClientRequestToken: undefined }],
    ])('answers ResourceExistsException for %s', async (_case, overrides) => {
      // Prepare
      await createSecret();

      // Act
      const call = createSecret(overrides);

      // Assess
      await expect(call).rejects.toBeInstanceOf(ResourceExistsException);
      await expect(call).rejects.toThrow(`The operation failed because the secret ${NAME} already exists.`);
    });
  });

  describe('reading and writing values', () => {
    it('moves AWSCURRENT to a new version and keeps the old one as AWSPREVIOUS', async () => {
      // Prepare
      await createSecret();

      // Act
      const put = await secrets.send(
        new PutSecretValueCommand({ SecretId: NAME, SecretString: '{"password":"second-value"}' }),
      );
      const current = await secrets.send(new GetSecretValueCommand({ SecretId: NAME }));
      const previous = await secrets.send(new GetSecretValueCommand({ SecretId: NAME, VersionStage: 'AWSPREVIOUS' }));

      // Assess
      expect(current).toMatchObject({ VersionId: put.VersionId, SecretString: '{"password":"second-value"}' });
      expect(previous).toMatchObject({ VersionId: TOKEN, VersionStages: ['AWSPREVIOUS'] });
    });

    it('answers ResourceNotFoundException for an unknown secret', async () => {
      // Act
      const call = secrets.send(new GetSecretValueCommand({ SecretId: 'saas/tenant/nobody/app' }));

      // Assess
      await expect(call).rejects.toBeInstanceOf(ResourceNotFoundException);
    });

    it('finds a secret by its ARN and by its ARN without the random suffix', async () => {
      // Prepare
      const { ARN } = await createSecret();
      const arn = ARN as string;

      // Act
      const byArn = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
      const byPartialArn = await secrets.send(new GetSecretValueCommand({ SecretId: arn.slice(0, -7) }));

      // Assess
      expect([byArn.Name, byPartialArn.Name]).toEqual([NAME, NAME]);
    });
  });

  describe('DeleteSecret', () => {
    it('schedules deletion: reads and re-creation are refused until the recovery window ends', async () => {
      // Prepare
      await createSecret();

      // Act
      const { DeletionDate } = await secrets.send(new DeleteSecretCommand({ SecretId: NAME, RecoveryWindowInDays: 7 }));
      const described = await secrets.send(new DescribeSecretCommand({ SecretId: NAME }));
      const read = secrets.send(new GetSecretValueCommand({ SecretId: NAME }));
      const recreate = createSecret({ ClientRequestToken: undefined });

      // Assess
      expect(DeletionDate?.getTime()).toBe(aws().clock.now() + 7 * DAY);
      expect(described.DeletedDate?.getTime()).toBe(aws().clock.now());
      await expect(read).rejects.toBeInstanceOf(InvalidRequestException);
      await expect(recreate).rejects.toThrow(/already scheduled for deletion/);
      expect(aws().leftovers()).toEqual([`secret:${NAME} (scheduled for deletion)`]);
      aws().clock.advance(7 * DAY);
      expect(aws().leftovers()).toEqual([]);
      await expect(createSecret()).resolves.toMatchObject({ Name: NAME });
    });

    it('deletes at once without recovery, freeing the name', async () => {
      // Prepare
      await createSecret();

      // Act
      await secrets.send(new DeleteSecretCommand({ SecretId: NAME, ForceDeleteWithoutRecovery: true }));

      // Assess
      expect(aws().inventory().secrets).toEqual([]);
      await expect(createSecret()).resolves.toMatchObject({ Name: NAME });
    });

    it('keeps the name blocked for the configured lag after a forced deletion', async () => {
      // Prepare
      aws().secretsManager.settings.forceDeleteLagMs = 2_000;
      await createSecret();
      await secrets.send(new DeleteSecretCommand({ SecretId: NAME, ForceDeleteWithoutRecovery: true }));

      // Act
      const tooSoon = createSecret();

      // Assess
      await expect(tooSoon).rejects.toBeInstanceOf(InvalidRequestException);
      aws().clock.advance(2_000);
      await expect(createSecret()).resolves.toMatchObject({ Name: NAME });
    });

    it.each([
      ['both force and a recovery window', { ForceDeleteWithoutRecovery: true, RecoveryWindowInDays: 7 }],
      ['a 6-day recovery window', { RecoveryWindowInDays: 6 }],
      ['a 31-day recovery window', { RecoveryWindowInDays: 31 }],
    ])('refuses %s with InvalidParameterException', async (_case, options) => {
      // Prepare
      await createSecret();

      // Act
      const call = secrets.send(new DeleteSecretCommand({ SecretId: NAME, ...options }));

      // Assess
      await expect(call).rejects.toBeInstanceOf(InvalidParameterException);
    });

    it('refuses to delete or overwrite the RDS-managed master secret', async () => {
      // Prepare
      const { DBInstance } = await new RDSClient({}).send(new CreateDBInstanceCommand(createRequest('tenant-acme')));
      const arn = DBInstance?.MasterUserSecret?.SecretArn as string;

      // Act
      const deletion = secrets.send(new DeleteSecretCommand({ SecretId: arn, ForceDeleteWithoutRecovery: true }));
      const overwrite = secrets.send(new PutSecretValueCommand({ SecretId: arn, SecretString: 'x' }));

      // Assess
      await expect(deletion).rejects.toBeInstanceOf(InvalidRequestException);
      await expect(overwrite).rejects.toBeInstanceOf(InvalidRequestException);
      expect(aws().inventory().managedSecrets).toHaveLength(1);
    });
  });

  it('lists secrets by name prefix, leaving out those scheduled for deletion unless asked', async () => {
    // Prepare
    await createSecret();
    await createSecret({ Name: 'saas/tenant/beta/app', ClientRequestToken: undefined });
    await createSecret({ Name: 'other', ClientRequestToken: undefined });
    await secrets.send(new DeleteSecretCommand({ SecretId: 'saas/tenant/beta/app' }));

    // Act
    const live = await secrets.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['saas/tenant/'] }] }));
    const all = await secrets.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['saas/tenant/'] }], IncludePlannedDeletion: true }),
    );

    // Assess
    expect(live.SecretList?.map((s) => s.Name)).toEqual([NAME]);
    expect(all.SecretList?.map((s) => s.Name)).toEqual([NAME, 'saas/tenant/beta/app']);
  });
});
