import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateDBInstanceCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { AwsDouble, installAwsDouble, registryTable } from '../../../../lib/local/aws';
import { createRequest } from '../../../../lib/local/aws/fixtures';
import { followWallClock } from '../../../../lib/local/aws/real-time';
import { DoubleStateFile, DoubleStateFileError } from '../../../../lib/local/aws/store';

const secrets = new SecretsManagerClient({ region: 'us-east-1' });
const rds = new RDSClient({ region: 'us-east-1' });
const status = async () =>
  (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'tenant-acme' }))).DBInstances?.[0]
    ?.DBInstanceStatus;
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const TABLE = 'tenant-registry';

let folder: string;
let uninstall: (() => void) | undefined;

function use(double: AwsDouble): AwsDouble {
  uninstall?.();
  uninstall = installAwsDouble(double);
  return double;
}

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'double-store-'));
});

afterEach(() => {
  uninstall?.();
  uninstall = undefined;
  rmSync(folder, { recursive: true, force: true });
});

describe('DoubleStateFile', () => {
  it('saves a private file that a fresh double loads', async () => {
    // Prepare
    const file = join(folder, 'state', 'aws-state.json');
    const store = new DoubleStateFile(file);
    const first = use(new AwsDouble());
    await secrets.send(new CreateSecretCommand({ Name: 'saas/tenant/acme/app', SecretString: 'kept' }));

    // Act
    store.save(first);
    const second = use(new AwsDouble());
    const loaded = store.load(second);
    const value = await secrets.send(new GetSecretValueCommand({ SecretId: 'saas/tenant/acme/app' }));

    // Assess
    expect(loaded).toBe(true);
    expect(value.SecretString).toBe('kept');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(folder, 'state')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(folder, 'state'))).toEqual(['aws-state.json']);
  });

  it('resumes on the wall clock: an instance saved while creating is available after the restart', async () => {
    // Prepare: the local platform's clock, with short RDS timings (configuration: set again on every start)
    const store = new DoubleStateFile(join(folder, 'aws-state.json'));
    const start = () => {
      const clock = followWallClock(5);
      const double = use(new AwsDouble({ clock: clock.clock }));
      Object.assign(double.rds.timings, { creationMs: 150, backingUpMs: 50 });
      return { double, stop: clock.stop };
    };
    const before = start();
    await rds.send(new CreateDBInstanceCommand(createRequest('tenant-acme')));
    store.save(before.double);
    before.stop();

    // Act
    const after = start();
    store.load(after.double);
    const resumed = await status();
    await delay(400);
    const later = await status();
    after.stop();

    // Assess
    expect(resumed).toBe('creating');
    expect(later).toBe('available');
  });

  it('answers false when there is no file yet, and leaves the double as it was', () => {
    // Prepare
    const double = new AwsDouble();

    // Act
    const loaded = new DoubleStateFile(join(folder, 'missing.json')).load(double);

    // Assess
    expect(loaded).toBe(false);
    expect(double.leftovers()).toEqual([]);
  });

  it.each<[string, string, RegExp]>([
    ['not JSON', '{"version": 1,', /aws-state\.json is not valid JSON/],
    ['of another version', '{"version": 2}', /aws-state\.json has version 2; this release reads version 1/],
    ['without a version', '[]', /aws-state\.json has version undefined/],
    ['null', 'null', /aws-state\.json has version undefined/],
    [
      'of version 1 but broken',
      '{"version": 1, "account": "123456789012", "idsPosition": -1}',
      /cannot load the local platform's AWS state .*aws-state\.json/,
    ],
  ])('refuses a file that is %s, naming it', (_name, content, message) => {
    // Prepare
    const file = join(folder, 'aws-state.json');
    writeFileSync(file, content);

    // Act
    const act = () => new DoubleStateFile(file).load(new AwsDouble());

    // Assess
    expect(act).toThrow(DoubleStateFileError);
    expect(act).toThrow(message);
  });

  it('names the file it cannot read', () => {
    // Prepare: a folder where the file should be
    const file = join(folder, 'aws-state.json');
    mkdirSync(file);

    // Act
    const act = () => new DoubleStateFile(file).load(new AwsDouble());

    // Assess
    expect(act).toThrow(/cannot read the local platform's AWS state .*aws-state\.json/);
  });

  it('keeps the previous state whole when a save fails midway', async () => {
    // Prepare
    const file = join(folder, 'aws-state.json');
    const store = new DoubleStateFile(file);
    const double = use(new AwsDouble());
    store.save(double);
    const previous = readFileSync(file, 'utf8');
    await secrets.send(new CreateSecretCommand({ Name: 'saas/tenant/acme/app', SecretString: 'new' }));
    jest.spyOn(double, 'exportState').mockImplementationOnce(() => {
      throw new Error('crash during export');
    });

    // Act
    const act = () => store.save(double);

    // Assess
    expect(act).toThrow('crash during export');
    expect(readFileSync(file, 'utf8')).toBe(previous);
    expect(readdirSync(folder)).toEqual(['aws-state.json']);
  });

  it('replaces the file by a rename: a reader never sees a half-written state', () => {
    // Prepare
    const file = join(folder, 'aws-state.json');
    const store = new DoubleStateFile(file);
    const double = new AwsDouble();
    store.save(double);
    const before = statSync(file).ino;

    // Act
    store.save(double);

    // Assess: a new inode (a renamed file), not the old one rewritten in place
    expect(statSync(file).ino).not.toBe(before);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 1 });
  });
});

describe('AWS double: DynamoDB on LevelDB (dynamodbPath)', () => {
  it.each([
    ['in the default Region', 'us-east-1'],
    ['in another Region', 'eu-west-1'],
  ])('keeps tables and items across two doubles, %s', async (_name, region) => {
    // Prepare
    const path = join(folder, 'dynamodb');
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region }));
    const first = use(new AwsDouble({ dynamodbPath: path }));
    first.dynamodb.defineTable(registryTable(TABLE), region);
    await client.send(new PutCommand({ TableName: TABLE, Item: { tenantId: 'acme', status: 'ACTIVE', tier: 'pro' } }));
    await first.close();

    // Act
    const second = use(new AwsDouble({ dynamodbPath: path }));
    second.dynamodb.defineTable(registryTable(TABLE), region);
    const item = await client.send(new GetCommand({ TableName: TABLE, Key: { tenantId: 'acme' } }));
    const scan = await client.send(new ScanCommand({ TableName: TABLE }));
    await second.close();

    // Assess
    expect(item.Item).toEqual({ tenantId: 'acme', status: 'ACTIVE', tier: 'pro' });
    expect(scan.Items).toHaveLength(1);
    expect(readdirSync(path)).toEqual([region]);
  });

  it('refuses a table found on disk with other keys than those defined now', async () => {
    // Prepare
    const path = join(folder, 'dynamodb');
    const first = use(new AwsDouble({ dynamodbPath: path }));
    first.dynamodb.defineTable(registryTable(TABLE));
    await doc.send(new PutCommand({ TableName: TABLE, Item: { tenantId: 'acme' } }));
    await first.close();
    const second = use(new AwsDouble({ dynamodbPath: path }));
    second.dynamodb.defineTable({ name: TABLE, partitionKey: 'id' });

    // Act
    const read = doc.send(new GetCommand({ TableName: TABLE, Key: { id: 'acme' } }));

    // Assess
    await expect(read).rejects.toThrow(/table tenant-registry on disk has keys and indexes .*tenantId.*, not .*"id"/);
    await second.close();
  });

  it('keeps tables in memory without a path', async () => {
    // Prepare
    const first = use(new AwsDouble());
    first.dynamodb.defineTable(registryTable(TABLE));
    await doc.send(new PutCommand({ TableName: TABLE, Item: { tenantId: 'acme' } }));
    await first.close();

    // Act
    const second = use(new AwsDouble());
    second.dynamodb.defineTable(registryTable(TABLE));
    const item = await doc.send(new GetCommand({ TableName: TABLE, Key: { tenantId: 'acme' } }));

    // Assess
    expect(item.Item).toBeUndefined();
  });

  it('refuses a Region that cannot name a folder', async () => {
    // Prepare
    const double = new AwsDouble({ dynamodbPath: join(folder, 'dynamodb') });

    // Act
    const act = () => double.dynamodb.defineTable(registryTable(TABLE), '../elsewhere');

    // Assess
    expect(act).toThrow(/Region "\.\.\/elsewhere" cannot name a folder/);
  });
});
