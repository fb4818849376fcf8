import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type DBInstance,
  DBInstanceNotFoundFault,
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  type DescribeDBInstancesCommandInput,
  InvalidDBInstanceStateFault,
  RDSClient,
} from '@aws-sdk/client-rds';
import {
  DeleteSecretCommand,
  DescribeSecretCommand,
  type DescribeSecretCommandInput,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { deadlineFor } from '../../../lambdas/create-instance/create';
import { type RollbackPassResult, rollbackPass } from '../../../lambdas/rollback/rollback';
import { clock } from '../../../lambdas/shared/clock';
import type { InstanceResult, TenantRecord, ValidatedRequest, WorkflowState } from '../../../lambdas/shared/contracts';
import { alarmNames, type OwnerContext, ownershipTags } from '../../../lambdas/shared/naming';
import { DEFAULT_TIERS, type TierDefinition } from '../../../lambdas/shared/tiers';

/**
 * The rollback's safety invariants, one pass at a time against mocked AWS clients and a controlled clock: the point
 * of no return (an ACTIVE tenant is never rolled back), RDS's eventual consistency (an instance not listed yet is not
 * gone), provenance (a resource this execution created whose tags were changed is stuck, not skipped), throttling
 * (a pass never aborts on it), exact lookups, and the secret name fixed at validation.
 */

const ACCOUNT = '123456789012';
const SECOND = 1_000;
const MINUTE = 60_000;
const REGISTRY_TABLE = 'tenant-registry';
const TIER = DEFAULT_TIERS.pro as TierDefinition;
const INSTANCE_ARN = `arn:aws:rds:us-east-1:${ACCOUNT}:db:tenant-acme`;
const INSTANCE = 'db-instance:tenant-acme';
const SECRET_NAME = 'saas/tenant/acme/app';
const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${SECRET_NAME}-AbCdEf`;
/** The same name's earlier secret: another ARN suffix. */
const EARLIER_SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${SECRET_NAME}-ZyXwVu`;
const SECRET = `secret:${SECRET_ARN}`;
const ALARMS = alarmNames('acme');
const ALARM_LABELS = ALARMS.map((name) => `alarm:${name}`);
/** When CreateInstance created the instance. */
const CREATED_AT = Date.parse('2026-11-26T10:00:00.000Z');

const executionArn = (name: string) => `arn:aws:states:us-east-1:${ACCOUNT}:execution:provisioning:${name}`;
/** This execution. */
const OURS: OwnerContext = { tenantId: 'acme', tier: 'pro', executionArn: executionArn('acme-pro-2') };
/** Another execution of the same tenant (an earlier onboarding, or whoever edited the tags). */
const OTHERS: OwnerContext = { ...OURS, executionArn: executionArn('acme-pro-1') };

const iso = (ms: number) => new Date(ms).toISOString();

const REQUEST: ValidatedRequest = {
  tenantId: 'acme',
  tier: 'pro',
  tierDefinition: TIER,
  requestedBy: 'ops',
  requestId: 'req-2',
  metadata: {},
  executionArn: OURS.executionArn,
  executionName: 'acme-pro-2',
};

/** What CreateInstance reported: the deadline is the tier's budget counted from the creation. */
const REPORTED: InstanceResult = {
  instanceId: 'tenant-acme',
  instanceArn: INSTANCE_ARN,
  deadline: deadlineFor(TIER, CREATED_AT),
};

function stateWith(extra: Partial<WorkflowState> = {}): WorkflowState {
  return { request: REQUEST, error: { Error: 'AwsRequestError', Cause: 'boom' }, ...extra };
}

/** The result of an earlier pass that left the instance. */
function previousPass(fields: Partial<RollbackPassResult> = {}): RollbackPassResult {
  return { complete: false, leftovers: [INSTANCE], deleted: [], passes: 1, exhausted: false, skipped: [], ...fields };
}

/**
 * Earlier passes (at the default pass time, 10 min after the creation) have not seen the instance for 3 min: longer
 * than RDS takes to list one, so "not found" now confirms it gone.
 */
const INSTANCE_GONE = previousPass({ passes: 6, instanceUnseenSince: iso(CREATED_AT + 7 * MINUTE) });

function registryRecord(status: TenantRecord['status'], owner: string): TenantRecord {
  return {
    tenantId: 'acme',
    tier: 'pro',
    status,
    requestId: 'req-2',
    requestedBy: 'ops',
    executionArn: owner,
    attempt: 2,
    createdAt: iso(CREATED_AT - MINUTE),
    updatedAt: iso(CREATED_AT - MINUTE),
  };
}

const rds = new RDSClient({ region: 'us-east-1' });
const secrets = new SecretsManagerClient({ region: 'us-east-1' });
const cloudwatch = new CloudWatchClient({ region: 'us-east-1' });
const clients = {
  registry: { doc: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), table: REGISTRY_TABLE },
  rds,
  secrets,
  cloudwatch,
};
const registryMock = mockClient(DynamoDBDocumentClient);
const rdsMock = mockClient(rds);
const secretsMock = mockClient(secrets);
const cloudwatchMock = mockClient(cloudwatch);

const instanceNotFound = () =>
  new DBInstanceNotFoundFault({ message: 'DBInstance tenant-acme not found', $metadata: {} });
const secretNotFound = () => new ResourceNotFoundException({ message: 'not found', $metadata: {} });
const awsError = (name: string, httpStatusCode: number) =>
  Object.assign(new Error(`${name} (test)`), { name, $metadata: { httpStatusCode } });

function dbInstance(owner: OwnerContext, overrides: Partial<DBInstance> = {}): DBInstance {
  return {
    DBInstanceIdentifier: 'tenant-acme',
    DBInstanceArn: INSTANCE_ARN,
    DbiResourceId: 'db-ABC',
    DBInstanceStatus: 'available',
    DeletionProtection: false,
    TagList: ownershipTags(owner),
    ...overrides,
  };
}

/** RDS lists tenant-acme, tagged for `owner`. */
function givenInstance(owner: OwnerContext, overrides: Partial<DBInstance> = {}): void {
  rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [dbInstance(owner, overrides)] });
}

/** The application secret exists under its name, tagged as given. */
function givenSecret(tags: ReturnType<typeof ownershipTags>, arn = SECRET_ARN): void {
  secretsMock.on(DescribeSecretCommand).resolves({ ARN: arn, Name: SECRET_NAME, Tags: tags });
}

/** The tenant's alarms exist, tagged for `owner`. */
function givenAlarms(owner: OwnerContext): void {
  cloudwatchMock
    .on(DescribeAlarmsCommand)
    .resolves({
      MetricAlarms: ALARMS.map((n) => ({
        AlarmName: n,
        AlarmArn: `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:${n}`,
      })),
    })
    .on(ListTagsForResourceCommand)
    .resolves({ Tags: ownershipTags(owner) });
}

/** Alarms, secret and an available instance, all tagged for this execution. */
function givenEverythingOurs(): void {
  givenAlarms(OURS);
  givenSecret(ownershipTags(OURS));
  givenInstance(OURS);
}

function givenRegistry(status: TenantRecord['status'], owner = OURS.executionArn): void {
  registryMock.on(GetCommand).resolves({ Item: registryRecord(status, owner) });
}

/** Every command sent that changes or deletes something, by name, sorted. */
function destructiveCalls(): string[] {
  const calls: { args: readonly unknown[] }[] = [...rdsMock.calls(), ...secretsMock.calls(), ...cloudwatchMock.calls()];
  return calls
    .map((call) => (call.args[0] as object).constructor.name)
    .filter((name) => /^(Delete|Modify|Stop)/.test(name))
    .sort();
}

let now: number;

beforeEach(() => {
  for (const mock of [registryMock, rdsMock, secretsMock, cloudwatchMock]) mock.reset();
  now = CREATED_AT + 10 * MINUTE;
  jest.spyOn(clock, 'now').mockImplementation(() => now);
  givenRegistry('PROVISIONING');
  cloudwatchMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
  secretsMock.on(DescribeSecretCommand).rejects(secretNotFound());
  rdsMock.on(DescribeDBInstancesCommand).rejects(instanceNotFound());
  delete process.env.SECRET_NAME_PATTERN;
  delete process.env.ROLLBACK_MAX_PASSES;
});

afterEach(() => {
  jest.restoreAllMocks();
  delete process.env.SECRET_NAME_PATTERN;
  delete process.env.ROLLBACK_MAX_PASSES;
});

describe('rollbackPass: an instance RDS does not list (eventual consistency)', () => {
  const PASS_AT = CREATED_AT + 10 * MINUTE;

  it.each<{
    case: string;
    reported?: InstanceResult;
    previous?: Partial<RollbackPassResult>;
    at: number;
    complete: boolean;
    unseenSince: number;
    accepted?: boolean;
  }>([
    {
      case: 'CreateInstance reported it 10 s ago, first pass: kept as a leftover (not listed yet)',
      reported: REPORTED,
      at: CREATED_AT + 10 * SECOND,
      complete: false,
      unseenSince: CREATED_AT + 10 * SECOND,
    },
    {
      case: 'CreateInstance reported it 10 min ago, first pass: kept (one "not found" is never proof)',
      reported: REPORTED,
      at: PASS_AT,
      complete: false,
      unseenSince: PASS_AT,
    },
    {
      case: 'no step reported it (a crash after CreateDBInstance), first pass: kept',
      at: PASS_AT,
      complete: false,
      unseenSince: PASS_AT,
    },
    {
      case: 'earlier passes have not seen it for 90 s: kept',
      reported: REPORTED,
      previous: { passes: 4, instanceUnseenSince: iso(PASS_AT - 90 * SECOND) },
      at: PASS_AT,
      complete: false,
      unseenSince: PASS_AT - 90 * SECOND,
    },
    {
      case: 'earlier passes have not seen it for 119 s: kept',
      reported: REPORTED,
      previous: { passes: 4, instanceUnseenSince: iso(PASS_AT - 119 * SECOND) },
      at: PASS_AT,
      complete: false,
      unseenSince: PASS_AT - 119 * SECOND,
    },
    {
      case: 'earlier passes have not seen it for 120 s: gone',
      reported: REPORTED,
      previous: { passes: 5, instanceUnseenSince: iso(PASS_AT - 120 * SECOND) },
      at: PASS_AT,
      complete: true,
      unseenSince: PASS_AT - 120 * SECOND,
    },
    {
      case: 'no step reported it and earlier passes have not seen it for 120 s: gone',
      previous: { passes: 5, instanceUnseenSince: iso(PASS_AT - 120 * SECOND) },
      at: PASS_AT,
      complete: true,
      unseenSince: PASS_AT - 120 * SECOND,
    },
    {
      case: 'RDS accepted its deletion in an earlier pass, 20 s after its creation: gone',
      reported: REPORTED,
      previous: { passes: 1, instanceDeletionAccepted: true },
      at: CREATED_AT + 50 * SECOND,
      complete: true,
      unseenSince: CREATED_AT + 50 * SECOND,
      accepted: true,
    },
  ])('$case', async ({ reported, previous, at, complete, unseenSince, accepted }) => {
    // Prepare
    now = at;
    const state = stateWith({
      ...(reported ? { instance: reported } : {}),
      ...(previous ? { rollback: previousPass(previous) } : {}),
    });

    // Act
    const result = await rollbackPass(clients, state);

    // Assess
    expect(result).toEqual({
      complete,
      leftovers: complete ? [] : [INSTANCE],
      deleted: [],
      passes: (previous?.passes ?? 0) + 1,
      exhausted: false,
      skipped: [],
      instanceUnseenSince: iso(unseenSince),
      ...(accepted ? { instanceDeletionAccepted: true } : {}),
    });
    expect(rdsMock).toHaveReceivedCommandTimes(DescribeDBInstancesCommand, 1);
    expect(destructiveCalls()).toEqual([]);
  });

  it.each<[string, InstanceResult | undefined]>([
    ['CreateInstance reported it at +0 s', REPORTED],
    [
      'CreateInstance reported it 2 h earlier',
      { ...REPORTED, deadline: deadlineFor(TIER, CREATED_AT - 2 * 60 * MINUTE) },
    ],
    ['no step reported it', undefined],
  ])(
    'passes 30 s apart when %s: complete at the first pass 120 s after the first that missed it',
    async (_case, reported) => {
      // Prepare
      now = CREATED_AT + 40 * SECOND;
      const firstPassAt = iso(now);
      const results: RollbackPassResult[] = [];
      let state = stateWith(reported ? { instance: reported } : {});

      // Act
      while (results.length < 10 && !state.rollback?.complete) {
        const result = await rollbackPass(clients, state);
        results.push(result);
        state = { ...state, rollback: result };
        now += 30 * SECOND;
      }

      // Assess
      // Passes at +40 s, +70 s, +100 s, +130 s and +160 s: the last one is 120 s after the first.
      const expected = [false, false, false, false, true];
      expect(results.map((r) => r.complete)).toEqual(expected);
      expect(results.map((r) => r.instanceUnseenSince)).toEqual(expected.map(() => firstPassAt));
      expect(results.map((r) => r.leftovers)).toEqual(expected.map((done) => (done ? [] : [INSTANCE])));
      expect(results.map((r) => r.passes)).toEqual(expected.map((_, i) => i + 1));
      expect(destructiveCalls()).toEqual([]);
    },
  );

  it.each<{ case: string; status: string; deletion?: Error; accepted: boolean; deleteCalls: number }>([
    { case: 'creating, and DeleteDBInstance accepted', status: 'creating', accepted: true, deleteCalls: 1 },
    { case: 'already deleting', status: 'deleting', accepted: true, deleteCalls: 0 },
    {
      case: 'creating, and DeleteDBInstance refused',
      status: 'creating',
      deletion: new InvalidDBInstanceStateFault({ message: 'Instance is in creating state', $metadata: {} }),
      accepted: false,
      deleteCalls: 1,
    },
  ])(
    'an instance seen $case, then not listed 30 s later (50 s after its creation)',
    async ({ status, deletion, accepted, deleteCalls }) => {
      // Prepare
      now = CREATED_AT + 20 * SECOND;
      rdsMock
        .on(DescribeDBInstancesCommand)
        .resolvesOnce({ DBInstances: [dbInstance(OURS, { DBInstanceStatus: status })] })
        .rejects(instanceNotFound());
      if (deletion) rdsMock.on(DeleteDBInstanceCommand).rejects(deletion);
      else rdsMock.on(DeleteDBInstanceCommand).resolves({});
      const state = stateWith({ instance: REPORTED });

      // Act
      const first = await rollbackPass(clients, state);
      now += 30 * SECOND;
      const second = await rollbackPass(clients, { ...state, rollback: first });

      // Assess
      expect(first).toMatchObject({ complete: false, leftovers: [INSTANCE], instanceResourceId: 'db-ABC' });
      expect(first.instanceDeletionAccepted).toBe(accepted ? true : undefined);
      expect(first.instanceUnseenSince).toBeUndefined();
      expect(rdsMock).toHaveReceivedCommandTimes(DeleteDBInstanceCommand, deleteCalls);
      // Accepted: its disappearance is the deletion finishing. Otherwise 50 s is within RDS's visibility delay.
      expect(second).toMatchObject({
        complete: accepted,
        leftovers: accepted ? [] : [INSTANCE],
        passes: 2,
        instanceUnseenSince: iso(now),
      });
      expect(second.instanceDeletionAccepted).toBe(accepted ? true : undefined);
    },
  );
});

describe('rollbackPass: the point of no return', () => {
  /** What a third pass over everything of ours does when it rolls back. */
  const rolledBack: RollbackPassResult = {
    complete: false,
    leftovers: [INSTANCE],
    deleted: [...ALARM_LABELS, SECRET],
    passes: 3,
    exhausted: false,
    skipped: [],
    instanceResourceId: 'db-ABC',
    instanceDeletionAccepted: true,
  };
  const ALL_DELETES = ['DeleteAlarmsCommand', 'DeleteDBInstanceCommand', 'DeleteSecretCommand'];

  it.each<[string, TenantRecord | undefined, RollbackPassResult, string[]]>([
    [
      'ACTIVE, made ACTIVE by this execution: nothing deleted',
      registryRecord('ACTIVE', OURS.executionArn),
      { complete: true, tenantActive: true, leftovers: [], deleted: [], passes: 3, exhausted: false, skipped: [] },
      [],
    ],
    [
      'ACTIVE for another execution: our tagged resources rolled back',
      registryRecord('ACTIVE', OTHERS.executionArn),
      rolledBack,
      ALL_DELETES,
    ],
    [
      'PROVISIONING for this execution: rolled back',
      registryRecord('PROVISIONING', OURS.executionArn),
      rolledBack,
      ALL_DELETES,
    ],
    ['missing: rolled back', undefined, rolledBack, ALL_DELETES],
  ])('when the registry record is %s', async (_case, record, expected, deletes) => {
    // Prepare
    givenEverythingOurs();
    registryMock.on(GetCommand).resolves({ Item: record });

    // Act
    const result = await rollbackPass(
      clients,
      stateWith({ instance: REPORTED, rollback: previousPass({ passes: 2 }) }),
    );

    // Assess
    expect(registryMock.commandCalls(GetCommand).map((call) => call.args[0].input)).toEqual([
      { TableName: REGISTRY_TABLE, Key: { tenantId: 'acme' }, ConsistentRead: true },
    ]);
    expect(result).toEqual(expected);
    expect(destructiveCalls()).toEqual(deletes);
  });
});

describe('rollbackPass: provenance', () => {
  /** Leftovers, skipped and stuck of a pass, for one comparison. */
  const verdict = (r: RollbackPassResult) => ({
    complete: r.complete,
    leftovers: r.leftovers,
    skipped: r.skipped,
    stuck: r.stuck,
    exhausted: r.exhausted,
  });

  it.each<{
    case: string;
    given: () => void;
    state: Partial<WorkflowState>;
    expected: { leftovers: string[]; skipped: string[]; stuck?: true };
  }>([
    {
      case: 'our secret (the ARN StoreCredentials recorded) now tagged for another execution: stuck',
      given: () => givenSecret(ownershipTags(OTHERS)),
      state: {
        instance: REPORTED,
        rollback: INSTANCE_GONE,
        credentials: { secretArn: SECRET_ARN, secretName: SECRET_NAME },
      },
      expected: { leftovers: [SECRET], skipped: [], stuck: true },
    },
    {
      case: 'our secret stripped of its tags: stuck',
      given: () => givenSecret([]),
      state: {
        instance: REPORTED,
        rollback: INSTANCE_GONE,
        credentials: { secretArn: SECRET_ARN, secretName: SECRET_NAME },
      },
      expected: { leftovers: [SECRET], skipped: [], stuck: true },
    },
    {
      case: 'our instance (CreateInstance reported it) now tagged for another execution: stuck',
      given: () => givenInstance(OTHERS, { DeletionProtection: true }),
      state: { instance: REPORTED },
      expected: { leftovers: [INSTANCE], skipped: [], stuck: true },
    },
    {
      case: 'our instance (an earlier pass recorded its DbiResourceId) now tagged for another execution: stuck',
      given: () => givenInstance(OTHERS),
      state: { rollback: previousPass({ instanceResourceId: 'db-ABC' }) },
      expected: { leftovers: [INSTANCE], skipped: [], stuck: true },
    },
    {
      case: 'our alarms (ConfigureAlarms recorded them) now tagged for another execution: stuck',
      given: () => givenAlarms(OTHERS),
      state: { instance: REPORTED, rollback: INSTANCE_GONE, alarms: { alarmNames: ALARMS } },
      expected: { leftovers: ALARM_LABELS, skipped: [], stuck: true },
    },
    {
      case: 'a secret under our name with another ARN than the one StoreCredentials recorded: skipped',
      given: () => givenSecret(ownershipTags(OTHERS)),
      state: {
        instance: REPORTED,
        rollback: INSTANCE_GONE,
        credentials: { secretArn: EARLIER_SECRET_ARN, secretName: SECRET_NAME },
      },
      expected: { leftovers: [], skipped: [SECRET] },
    },
    {
      case: 'an instance under our name that no step reported and no pass recorded: skipped',
      given: () => givenInstance(OTHERS),
      state: {},
      expected: { leftovers: [], skipped: [INSTANCE] },
    },
    {
      case: 'an instance under our name with another DbiResourceId than the recorded one: skipped',
      given: () => givenInstance(OTHERS, { DbiResourceId: 'db-NEWER' }),
      state: { rollback: previousPass({ instanceResourceId: 'db-ABC', instanceDeletionAccepted: true }) },
      expected: { leftovers: [], skipped: [INSTANCE] },
    },
    {
      case: 'alarms under our names that ConfigureAlarms did not record: skipped',
      given: () => givenAlarms(OTHERS),
      state: { instance: REPORTED, rollback: INSTANCE_GONE },
      expected: { leftovers: [], skipped: ALARM_LABELS },
    },
  ])('$case', async ({ given, state, expected }) => {
    // Prepare
    given();

    // Act
    const result = await rollbackPass(clients, stateWith(state));

    // Assess
    expect(verdict(result)).toEqual({
      complete: expected.leftovers.length === 0,
      leftovers: expected.leftovers,
      skipped: expected.skipped,
      stuck: expected.stuck,
      exhausted: false,
    });
    expect(destructiveCalls()).toEqual([]);
  });

  it('deletes the rest first, and reports stuck only once nothing else is left', async () => {
    // Prepare
    now = CREATED_AT + 5 * MINUTE;
    givenSecret(ownershipTags(OTHERS));
    rdsMock
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [dbInstance(OURS)] })
      .rejects(instanceNotFound());
    const state = stateWith({ instance: REPORTED, credentials: { secretArn: SECRET_ARN, secretName: SECRET_NAME } });

    // Act
    const first = await rollbackPass(clients, state);
    now += 30 * SECOND;
    const second = await rollbackPass(clients, { ...state, rollback: first });

    // Assess
    expect(verdict(first)).toEqual({
      complete: false,
      leftovers: [INSTANCE, SECRET],
      skipped: [],
      stuck: undefined,
      exhausted: false,
    });
    expect(verdict(second)).toEqual({
      complete: false,
      leftovers: [SECRET],
      skipped: [],
      stuck: true,
      exhausted: false,
    });
    expect(destructiveCalls()).toEqual(['DeleteDBInstanceCommand']);
  });
});

describe('rollbackPass: throttling and transient faults', () => {
  const throttling = () => awsError('ThrottlingException', 400);

  it.each<{
    case: string;
    given: () => void;
    leftovers: string[];
    deleted: string[];
    accepted: boolean;
  }>([
    {
      case: 'DeleteSecret throttled: the secret is left for the next pass, the instance still deleted',
      given: () => secretsMock.on(DeleteSecretCommand).rejects(throttling()),
      leftovers: [INSTANCE, SECRET],
      deleted: ALARM_LABELS,
      accepted: true,
    },
    {
      case: 'DeleteSecret answers 503: the same',
      given: () => secretsMock.on(DeleteSecretCommand).rejects(awsError('ServiceUnavailable', 503)),
      leftovers: [INSTANCE, SECRET],
      deleted: ALARM_LABELS,
      accepted: true,
    },
    {
      case: 'DeleteAlarms throttled: the alarms are left, the secret and the instance still deleted',
      given: () => cloudwatchMock.on(DeleteAlarmsCommand).rejects(awsError('Throttling', 400)),
      leftovers: [INSTANCE, ...ALARM_LABELS],
      deleted: [SECRET],
      accepted: true,
    },
    {
      case: 'DeleteDBInstance throttled: the instance is left, its deletion not accepted',
      given: () => rdsMock.on(DeleteDBInstanceCommand).rejects(throttling()),
      leftovers: [INSTANCE],
      deleted: [...ALARM_LABELS, SECRET],
      accepted: false,
    },
  ])('$case', async ({ given, leftovers, deleted, accepted }) => {
    // Prepare
    givenEverythingOurs();
    given();

    // Act
    const result = await rollbackPass(clients, stateWith({ instance: REPORTED }));

    // Assess
    expect(result).toMatchObject({ complete: false, exhausted: false, passes: 1, deleted });
    expect([...result.leftovers].sort()).toEqual([...leftovers].sort());
    expect(result.instanceDeletionAccepted).toBe(accepted ? true : undefined);
    expect(rdsMock).toHaveReceivedCommandWith(DeleteDBInstanceCommand, { DBInstanceIdentifier: 'tenant-acme' });
    expect(secretsMock).toHaveReceivedCommandWith(DeleteSecretCommand, { SecretId: SECRET_ARN });
    expect(cloudwatchMock).toHaveReceivedCommandWith(DeleteAlarmsCommand, { AlarmNames: ALARMS });
  });

  const earlier = previousPass({
    passes: 2,
    leftovers: [INSTANCE, SECRET],
    skipped: ['alarm:tenant-alarm-acme-cpu-utilization'],
    instanceResourceId: 'db-ABC',
    instanceDeletionAccepted: true,
  });

  it.each<{
    case: string;
    given: () => void;
    previous?: RollbackPassResult;
    budget?: string;
    expected: RollbackPassResult;
  }>([
    {
      case: 'DescribeDBInstances throttled: nothing deleted, the earlier leftovers kept',
      given: () => rdsMock.on(DescribeDBInstancesCommand).rejects(awsError('Throttling', 400)),
      previous: earlier,
      expected: { ...earlier, passes: 3, deleted: [] },
    },
    {
      case: 'DescribeSecret throttled: the same',
      given: () => secretsMock.on(DescribeSecretCommand).rejects(throttling()),
      previous: earlier,
      expected: { ...earlier, passes: 3, deleted: [] },
    },
    {
      case: 'DescribeAlarms answers 500: the same',
      given: () => cloudwatchMock.on(DescribeAlarmsCommand).rejects(awsError('InternalFailure', 500)),
      previous: earlier,
      expected: { ...earlier, passes: 3, deleted: [] },
    },
    {
      case: 'DescribeDBInstances throttled in the first pass: the instance is the leftover',
      given: () => rdsMock.on(DescribeDBInstancesCommand).rejects(awsError('Throttling', 400)),
      expected: { complete: false, leftovers: [INSTANCE], deleted: [], passes: 1, exhausted: false, skipped: [] },
    },
    {
      case: 'DescribeDBInstances throttled in the last pass of the budget: exhausted',
      given: () => rdsMock.on(DescribeDBInstancesCommand).rejects(awsError('Throttling', 400)),
      previous: earlier,
      budget: '3',
      expected: { ...earlier, passes: 3, deleted: [], exhausted: true },
    },
  ])('$case', async ({ given, previous, budget, expected }) => {
    // Prepare
    givenEverythingOurs();
    given();
    if (budget) process.env.ROLLBACK_MAX_PASSES = budget;

    // Act
    const result = await rollbackPass(
      clients,
      stateWith({ instance: REPORTED, ...(previous ? { rollback: previous } : {}) }),
    );

    // Assess
    expect(result).toEqual(expected);
    expect(destructiveCalls()).toEqual([]);
  });
});

describe('rollbackPass: lookups', () => {
  /** Instances RDS has, as DescribeDBInstances lists them: every one for a request without an identifier. */
  const listed = (tenantId: string, owner: OwnerContext, resourceId: string) =>
    dbInstance(
      { ...owner, tenantId },
      {
        DBInstanceIdentifier: `tenant-${tenantId}`,
        DBInstanceArn: `arn:aws:rds:us-east-1:${ACCOUNT}:db:tenant-${tenantId}`,
        DbiResourceId: resourceId,
      },
    );
  // Listed first without an identifier: another execution's instance, which a pass must never take for ours.
  const fleet = [
    listed('aardvark', OTHERS, 'db-AARD'),
    listed('acme', OURS, 'db-ABC'),
    listed('globex-eu-2', OURS, 'db-GLOBEX'),
  ];
  const listing = (input: DescribeDBInstancesCommandInput) => {
    if (!input.DBInstanceIdentifier) return { DBInstances: fleet };
    const found = fleet.filter((i) => i.DBInstanceIdentifier === input.DBInstanceIdentifier);
    if (found.length === 0) throw instanceNotFound();
    return { DBInstances: found };
  };

  it.each([
    ['acme', 'tenant-acme', 'db-ABC'],
    ['globex-eu-2', 'tenant-globex-eu-2', 'db-GLOBEX'],
    ['initech', 'tenant-initech', undefined],
  ])('asks RDS for tenant %s by exactly its instance id, %s', async (tenantId, instanceId, resourceId) => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).callsFake(listing);
    const state = stateWith({ request: { ...REQUEST, tenantId }, instance: { ...REPORTED, instanceId } });

    // Act
    const result = await rollbackPass(clients, state);

    // Assess
    expect(rdsMock.commandCalls(DescribeDBInstancesCommand).map((call) => call.args[0].input)).toEqual([
      { DBInstanceIdentifier: instanceId },
    ]);
    expect(result.instanceResourceId).toBe(resourceId);
    expect(
      rdsMock.commandCalls(DeleteDBInstanceCommand).map((call) => call.args[0].input.DBInstanceIdentifier),
    ).toEqual(resourceId ? [instanceId] : []);
  });

  it.each<[string, () => void, string]>([
    [
      'DescribeDBInstances is denied',
      () => rdsMock.on(DescribeDBInstancesCommand).rejects(awsError('AccessDenied', 403)),
      'AccessDenied',
    ],
    [
      'DescribeSecret is denied',
      () => secretsMock.on(DescribeSecretCommand).rejects(awsError('AccessDeniedException', 400)),
      'AccessDeniedException',
    ],
    [
      'DescribeDBInstances rejects the request',
      () => rdsMock.on(DescribeDBInstancesCommand).rejects(awsError('InvalidParameterValue', 400)),
      'InvalidParameterValue',
    ],
    [
      'the SDK has no credentials',
      () =>
        secretsMock
          .on(DescribeSecretCommand)
          .rejects(Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' })),
      'CredentialsProviderError',
    ],
  ])('fails the pass, reading nothing as absent, when %s', async (_case, given, errorName) => {
    // Prepare
    givenEverythingOurs();
    given();

    // Act
    const outcome = rollbackPass(clients, stateWith({ instance: REPORTED }));

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: errorName });
    expect(destructiveCalls()).toEqual([]);
  });
});

describe('rollbackPass: the application secret name', () => {
  it.each<[string, string | undefined, string | undefined, string]>([
    [
      'the name fixed at validation, though the pattern changed since',
      'saas/tenant/acme/app',
      'prod/{tenantId}/db-app',
      'saas/tenant/acme/app',
    ],
    [
      'a custom name fixed at validation, whatever the pattern',
      'custom/acme-credentials',
      'prod/{tenantId}/db-app',
      'custom/acme-credentials',
    ],
    [
      'the pattern, for a request validated before names were recorded',
      undefined,
      'prod/{tenantId}/db-app',
      'prod/acme/db-app',
    ],
    ['the default pattern otherwise', undefined, undefined, 'saas/tenant/acme/app'],
  ])('uses %s', async (_case, secretName, pattern, expected) => {
    // Prepare
    if (pattern) process.env.SECRET_NAME_PATTERN = pattern;
    const arn = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${expected}-AbCdEf`;
    secretsMock.on(DescribeSecretCommand).callsFake((input: DescribeSecretCommandInput) => {
      if (input.SecretId !== expected) throw secretNotFound();
      return { ARN: arn, Name: expected, Tags: ownershipTags(OURS) };
    });
    const request = { ...REQUEST, ...(secretName ? { secretName } : {}) };

    // Act
    const result = await rollbackPass(clients, stateWith({ request, instance: REPORTED, rollback: INSTANCE_GONE }));

    // Assess
    expect(secretsMock.commandCalls(DescribeSecretCommand).map((call) => call.args[0].input)).toEqual([
      { SecretId: expected },
    ]);
    expect(secretsMock).toHaveReceivedCommandWith(DeleteSecretCommand, {
      SecretId: arn,
      ForceDeleteWithoutRecovery: true,
    });
    expect(result).toMatchObject({ complete: true, deleted: [`secret:${arn}`] });
  });
});
