import {
  CreateDBInstanceCommand,
  DescribeDBInstancesCommand,
  RDSClient,
  RebootDBInstanceCommand,
} from '@aws-sdk/client-rds';
import { CreateSecretCommand, GetRandomPasswordCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AwsDouble, installAwsDouble, REDACTED } from '../../../../lib/local/aws';
import { createRequest } from '../../../../lib/local/aws/fixtures';

const realSend = RDSClient.prototype.send;
// Created at module load, like the handlers' clients: the stub is on the prototype, so it still reaches the double.
const moduleClient = new RDSClient({ region: 'eu-west-1' });

describe('installAwsDouble', () => {
  let double: AwsDouble;
  let restore: () => void;

  beforeEach(() => {
    double = new AwsDouble();
    restore = installAwsDouble(double);
  });

  afterEach(() => restore());

  it('answers a real SDK client, including one created before the double was installed', async () => {
    // Act
    const created = await moduleClient.send(new CreateDBInstanceCommand(createRequest('tenant-acme')));
    const described = await moduleClient.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'tenant-acme' }));

    // Assess
    expect(created.DBInstance?.DBInstanceStatus).toBe('creating');
    expect(created.$metadata.httpStatusCode).toBe(200);
    expect(described.DBInstances?.[0]?.DBInstanceArn).toBe('arn:aws:rds:eu-west-1:123456789012:db:tenant-acme');
    expect(double.calls.map((c) => [c.service, c.command, c.region])).toEqual([
      ['rds', 'CreateDBInstance', 'eu-west-1'],
      ['rds', 'DescribeDBInstances', 'eu-west-1'],
    ]);
  });

  it('names the command the double does not implement', async () => {
    // Prepare
    const rds = new RDSClient({});

    // Act
    const call = rds.send(new RebootDBInstanceCommand({ DBInstanceIdentifier: 'tenant-acme' }));

    // Assess
    await expect(call).rejects.toThrow('the AWS double does not implement rds RebootDBInstance');
    expect(double.calls[0]).toMatchObject({ command: 'RebootDBInstance', outcome: 'error', error: 'NotModeledError' });
  });

  it('keeps secret values out of the call log, by field name and by value', async () => {
    // Prepare
    const secrets = new SecretsManagerClient({});
    const { RandomPassword } = await secrets.send(new GetRandomPasswordCommand({ ExcludeCharacters: '/@"\' \\' }));
    const password = RandomPassword as string;

    // Act
    await new RDSClient({}).send(
      new CreateDBInstanceCommand({
        ...createRequest('tenant-acme'),
        ManageMasterUserPassword: false,
        MasterUserSecretKmsKeyId: undefined,
        MasterUserPassword: password,
      }),
    );
    await secrets.send(new CreateSecretCommand({ Name: 'leaky', Description: `password is ${password}` }));

    // Assess
    expect(JSON.stringify(double.calls)).not.toContain(password);
    expect(double.calls[1]?.input).toMatchObject({ MasterUserPassword: REDACTED });
    expect(double.calls[2]?.input).toMatchObject({ Description: REDACTED });
    expect(double.allSecretValues()).toContain(password);
  });

  it('gives the real clients back on restore', () => {
    // Act
    restore();

    // Assess
    expect(RDSClient.prototype.send).toBe(realSend);
    restore = installAwsDouble(double);
  });
});
