import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { TenantRecord, TenantStatus, ValidatedRequest } from '../../../../../lambdas/shared/contracts';
import { TenantConflictError } from '../../../../../lambdas/shared/errors';
import {
  claimTenant,
  getTenant,
  recordReadySignal,
  recordsWithPendingOutcome,
  transitionOwnedRecord,
} from '../../../../../lambdas/shared/registry';
import { DEFAULT_TIERS } from '../../../../../lambdas/shared/tiers';
import { registryTable } from '../../../../../lib/local/aws';
import { useAwsDouble } from '../../../../../lib/local/aws/fixtures';

const TABLE = 'tenant-registry';
const low = new DynamoDBClient({});
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

function request(tenantId: string, execution: string, requestId = execution): ValidatedRequest {
  return {
    tenantId,
    tier: 'starter',
    tierDefinition: DEFAULT_TIERS.starter as ValidatedRequest['tierDefinition'],
    requestedBy: 'ops@example.com',
    requestId,
    metadata: {},
    executionArn: `arn:aws:states:us-east-1:123456789012:execution:provisioning:${execution}`,
    executionName: execution,
  };
}

type Item = Record<string, AttributeValue>;

const ITEM: Item = {
  tenantId: { S: 'acme' },
  status: { S: 'PROVISIONING' },
  attempt: { N: '2' },
  tags: { SS: ['a', 'b'] },
  meta: { M: { tier: { S: 'pro' }, history: { L: [{ S: 'x' }, { N: '1' }] } } },
};

describe('DynamoDB double', () => {
  const aws = useAwsDouble();

  beforeEach(() => aws().dynamodb.defineTable(registryTable(TABLE)));

  /** The placeholders of a request; DynamoDB refuses empty maps, so an empty one is left out. */
  const placeholders = (names: Record<string, string>, values: Item) => ({
    ExpressionAttributeNames: Object.keys(names).length > 0 ? names : undefined,
    ExpressionAttributeValues: Object.keys(values).length > 0 ? values : undefined,
  });

  describe('condition expressions', () => {
    beforeEach(() => low.send(new PutItemCommand({ TableName: TABLE, Item: ITEM })));

    /** Rewrites the item unchanged under `expression`: true when the write happened, false when it was refused. */
    const holds = (expression: string, names: Record<string, string>, values: Item) =>
      low
        .send(
          new PutItemCommand({
            TableName: TABLE,
            Item: ITEM,
            ConditionExpression: expression,
            ...placeholders(names, values),
          }),
        )
        .then(
          () => true,
          (error: unknown) => {
            if (error instanceof ConditionalCheckFailedException) return false;
            throw error;
          },
        );

    it.each<[string, Record<string, string>, Item, boolean]>([
      ['attribute_not_exists(tenantId)', {}, {}, false],
      ['attribute_not_exists(absent)', {}, {}, true],
      ['attribute_exists(meta.tier)', {}, {}, true],
      ['#s = :p', { '#s': 'status' }, { ':p': { S: 'PROVISIONING' } }, true],
      ['#s <> :p', { '#s': 'status' }, { ':p': { S: 'ACTIVE' } }, true],
      ['absent <> :p', {}, { ':p': { S: 'ACTIVE' } }, true],
      ['absent = :p', {}, { ':p': { S: 'ACTIVE' } }, false],
      ['attempt = :two', {}, { ':two': { N: '2.0' } }, true],
      ['attempt = :two', {}, { ':two': { S: '2' } }, false],
      ['attempt > :one AND attempt < :three', {}, { ':one': { N: '1' }, ':three': { N: '3' } }, true],
      ['attempt = :x OR attempt = :two AND attempt = :x', {}, { ':x': { N: '9' }, ':two': { N: '2' } }, false],
      ['(attempt = :x OR attempt = :two) AND NOT attempt = :x', {}, { ':x': { N: '9' }, ':two': { N: '2' } }, true],
      ['attempt BETWEEN :one AND :three', {}, { ':one': { N: '1' }, ':three': { N: '3' } }, true],
      ['#s IN (:a, :p)', { '#s': 'status' }, { ':a': { S: 'ACTIVE' }, ':p': { S: 'PROVISIONING' } }, true],
      ['begins_with(#s, :prefix)', { '#s': 'status' }, { ':prefix': { S: 'PROV' } }, true],
      ['contains(tags, :b)', {}, { ':b': { S: 'b' } }, true],
      ['size(meta.history) = :two', {}, { ':two': { N: '2' } }, true],
      ['meta.history[1] = :one', {}, { ':one': { N: '1' } }, true],
    ])('%s evaluates as DynamoDB does', async (expression, names, values, expected) => {
      // Act: a ValidationException (an unused placeholder, say) fails the test
      const result = await holds(expression, names, values);

      // Assess
      expect(result).toBe(expected);
    });

    it.each<[string, Record<string, string>, Item, RegExp]>([
      ['status = :p', {}, { ':p': { S: 'x' } }, /reserved keyword; reserved keyword: status/],
      [
        '#s = :p',
        {},
        { ':p': { S: 'x' } },
        /attribute name used in the document path is not defined; attribute name: #s/,
      ],
      ['attempt = :p', {}, {}, /attribute value used in expression is not defined; attribute value: :p/],
      ['attempt = :p', { '#unused': 'x' }, { ':p': { N: '1' } }, /unused in expressions: keys: \{#unused\}/],
      ['attempt = :p', {}, { ':p': { N: '1' }, ':q': { N: '2' } }, /unused in expressions: keys: \{:q\}/],
      ['attempt = = :p', {}, { ':p': { N: '1' } }, /Syntax error/],
    ])('refuses %s', async (expression, names, values, message) => {
      // Act
      const result = holds(expression, names, values);

      // Assess
      await expect(result).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringMatching(message),
      });
    });
  });

  describe('update expressions', () => {
    beforeEach(() => low.send(new PutItemCommand({ TableName: TABLE, Item: ITEM })));

    const update = (expression: string, values: Item) =>
      low.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: { tenantId: { S: 'acme' } },
          UpdateExpression: expression,
          ...placeholders(expression.includes('#s') ? { '#s': 'status' } : {}, values),
          ReturnValues: 'ALL_NEW',
        }),
      );

    it.each<[string, Item, Item, string[]]>([
      [
        'SET #s = :a, attempt = attempt + :one',
        { ':a': { S: 'ACTIVE' }, ':one': { N: '1' } },
        { status: { S: 'ACTIVE' }, attempt: { N: '3' } },
        [],
      ],
      [
        'SET meta.tier = :t REMOVE tags',
        { ':t': { S: 'pro2' } },
        { meta: { M: { ...ITEM.meta?.M, tier: { S: 'pro2' } } } },
        ['tags'],
      ],
      ['SET created = if_not_exists(created, :now)', { ':now': { S: 'T1' } }, { created: { S: 'T1' } }, []],
      ['SET attempt = if_not_exists(attempt, :one)', { ':one': { N: '1' } }, {}, []],
      [
        'ADD attempt :one, tags :c',
        { ':one': { N: '1' }, ':c': { SS: ['c'] } },
        { attempt: { N: '3' }, tags: { SS: ['a', 'b', 'c'] } },
        [],
      ],
      ['DELETE tags :a', { ':a': { SS: ['a'] } }, { tags: { SS: ['b'] } }, []],
      ['DELETE tags :ab', { ':ab': { SS: ['a', 'b'] } }, {}, ['tags']],
    ])('%s', async (expression, values, changed, removed) => {
      // Prepare
      const expected: Item = { ...ITEM, ...changed };
      for (const name of removed) delete expected[name];

      // Act: a ValidationException (an unused placeholder, say) fails the test
      const { Attributes } = await update(expression, values);

      // Assess
      expect(Attributes).toEqual(expected);
    });

    it.each([
      ['SET a = :v, a = :v', /Two document paths overlap/],
      ['SET a = :v SET b = :v', /"SET" section can only be used once/],
      ['SET absent.child = :v', /document path provided in the update expression is invalid/],
    ])('refuses %s', async (expression, message) => {
      // Act
      const result = update(expression, { ':v': { S: 'x' } });

      // Assess
      await expect(result).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringMatching(message),
      });
    });
  });

  describe('the registry code against the double', () => {
    it('claims a tenant once, resumes the same execution, and rejects a live tenant', async () => {
      // Prepare
      const first = request('acme', 'acme-starter-1');

      // Act
      const claimed = await claimTenant(doc, TABLE, first);
      const resumed = await claimTenant(doc, TABLE, first);
      const duplicate = await claimTenant(doc, TABLE, {
        ...request('acme', 'other-execution'),
        requestId: first.requestId,
      });
      await transitionOwnedRecord(doc, TABLE, first, { from: ['PROVISIONING'], set: { status: 'ACTIVE' } });
      const rejected = claimTenant(doc, TABLE, request('acme', 'acme-starter-2'));
      const redriven = claimTenant(doc, TABLE, first);

      // Assess
      expect([claimed.outcome, resumed.outcome, duplicate.outcome]).toEqual(['CLAIMED', 'CLAIMED', 'DUPLICATE']);
      await expect(rejected).rejects.toBeInstanceOf(TenantConflictError);
      await expect(redriven).rejects.toBeInstanceOf(TenantConflictError);
      expect(await aws().dynamodb.items(TABLE)).toEqual([
        expect.objectContaining({ tenantId: 'acme', status: 'ACTIVE', attempt: 1 }),
      ]);
    });

    it('skips an update from an execution that does not own the record', async () => {
      // Prepare
      await claimTenant(doc, TABLE, request('acme', 'owner'));

      // Act
      const written = await transitionOwnedRecord(doc, TABLE, request('acme', 'intruder'), {
        from: ['PROVISIONING'],
        set: { status: 'FAILED' },
      });

      // Assess
      expect(written).toBe(false);
      expect((await aws().dynamodb.items(TABLE))[0]).toMatchObject({ status: 'PROVISIONING' });
    });

    /** The transitions the registry writers make, each from the one status it may leave. */
    const WRITERS: readonly [string, TenantStatus[], Partial<TenantRecord>, (keyof TenantRecord)[]][] = [
      ['CreateInstance records the instance', ['PROVISIONING'], { instanceId: 'tenant-acme' }, []],
      [
        'MarkActive makes the tenant ACTIVE',
        ['PROVISIONING'],
        { status: 'ACTIVE', outcomePending: 'provisioned', instanceId: 'tenant-acme' },
        [],
      ],
      [
        'RecordFailure records the failure',
        ['PROVISIONING'],
        { status: 'FAILED', failedStep: 'RunMigrations', outcomePending: 'failed' },
        [],
      ],
      [
        'the reaper records ROLLBACK_FAILED',
        ['PROVISIONING'],
        { status: 'ROLLBACK_FAILED', failedStep: 'Execution ABORTED', outcomePending: 'failed' },
        [],
      ],
    ];
    const STATUSES: readonly TenantStatus[] = ['PROVISIONING', 'ACTIVE', 'FAILED', 'ROLLBACK_FAILED'];

    it.each(
      WRITERS.flatMap(([writer, from, set, remove]) =>
        STATUSES.map((status) => [writer, status, from, set, remove, from.includes(status)] as const),
      ),
    )(
      '%s on a record in %s of the same execution: only from the status it leaves',
      async (_writer, status, from, set, remove, applies) => {
        // Prepare
        const owner = request('acme', 'owner');
        await aws().dynamodb.seed(TABLE, {
          tenantId: 'acme',
          status,
          executionArn: owner.executionArn,
          updatedAt: '2030-01-01T00:00:00.000Z',
        });
        const before = await aws().dynamodb.items(TABLE);

        // Act
        const written = await transitionOwnedRecord(doc, TABLE, owner, { from, set, remove });

        // Assess
        expect(written).toBe(applies);
        if (applies) expect(await aws().dynamodb.items(TABLE)).toEqual([expect.objectContaining(set)]);
        else expect(await aws().dynamodb.items(TABLE)).toEqual(before);
      },
    );

    it.each<[string, TenantStatus, boolean]>([
      ['clears the pending outcome of an ACTIVE record', 'ACTIVE', true],
      ['leaves the flag of a record that moved on to FAILED', 'FAILED', false],
    ])('the outbox %s', async (_case, current, cleared) => {
      // Prepare
      const owner = request('acme', 'owner');
      await aws().dynamodb.seed(TABLE, {
        tenantId: 'acme',
        status: current,
        executionArn: owner.executionArn,
        outcomePending: 'provisioned',
        updatedAt: '2030-01-01T00:00:00.000Z',
      });

      // Act
      const written = await transitionOwnedRecord(doc, TABLE, owner, {
        from: ['ACTIVE'],
        set: {},
        remove: ['outcomePending'],
      });

      // Assess
      expect(written).toBe(cleared);
      expect('outcomePending' in ((await getTenant(doc, TABLE, 'acme')) ?? {})).toBe(!cleared);
    });

    it('reads pending outcomes of recent ACTIVE, FAILED and ROLLBACK_FAILED records only', async () => {
      // Prepare
      const seed = (tenantId: string, status: TenantStatus, updatedAt: string, outcomePending?: string) =>
        aws().dynamodb.seed(TABLE, { tenantId, status, updatedAt, ...(outcomePending ? { outcomePending } : {}) });
      await seed('active-pending', 'ACTIVE', '2030-01-10T00:00:00.000Z', 'provisioned');
      await seed('active-delivered', 'ACTIVE', '2030-01-10T00:00:00.000Z');
      await seed('failed-pending', 'FAILED', '2030-01-09T00:00:00.000Z', 'failed');
      await seed('rollback-pending', 'ROLLBACK_FAILED', '2030-01-08T00:00:00.000Z', 'failed');
      await seed('too-old', 'FAILED', '2029-12-01T00:00:00.000Z', 'failed');
      await seed('provisioning', 'PROVISIONING', '2030-01-10T00:00:00.000Z');

      // Act
      const records = await recordsWithPendingOutcome(doc, TABLE, '2030-01-01T00:00:00.000Z');

      // Assess
      expect(records.map((r) => r.tenantId).sort()).toEqual(['active-pending', 'failed-pending', 'rollback-pending']);
    });

    it('records the ready signal only while the tenant is provisioning', async () => {
      // Prepare
      await claimTenant(doc, TABLE, request('acme', 'owner'));

      // Act
      const provisioning = await recordReadySignal(doc, TABLE, 'acme', '2030-01-01T00:12:00.000Z');
      const unknown = await recordReadySignal(doc, TABLE, 'nobody', '2030-01-01T00:12:00.000Z');

      // Assess
      expect([provisioning, unknown]).toEqual([true, false]);
      expect(await aws().dynamodb.items(TABLE)).toHaveLength(1);
    });
  });

  describe('requests', () => {
    it('answers ConditionalCheckFailedException with the old item when asked for it', async () => {
      // Prepare
      await doc.send(new PutCommand({ TableName: TABLE, Item: { tenantId: 'acme', status: 'ACTIVE' } }));

      // Act
      const call = low.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { tenantId: { S: 'acme' } },
          ConditionExpression: 'attribute_not_exists(tenantId)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );

      // Assess
      await expect(call).rejects.toBeInstanceOf(ConditionalCheckFailedException);
      await expect(call).rejects.toMatchObject({
        Item: { status: { S: 'ACTIVE' } },
        message: 'The conditional request failed',
      });
    });

    it.each<[string, () => Promise<unknown>, RegExp]>([
      [
        'an update of the key',
        () =>
          doc.send(
            new UpdateCommand({
              TableName: TABLE,
              Key: { tenantId: 'acme' },
              UpdateExpression: 'SET tenantId = :t',
              ExpressionAttributeValues: { ':t': 'beta' },
            }),
          ),
        /Cannot update attribute tenantId. This attribute is part of the key/,
      ],
      [
        'a Key with an extra attribute',
        () => doc.send(new GetCommand({ TableName: TABLE, Key: { tenantId: 'acme', x: 1 } })),
        /key element does not match the schema/,
      ],
      [
        'an empty key',
        () => doc.send(new PutCommand({ TableName: TABLE, Item: { tenantId: '' } })),
        /cannot contain an empty string value/,
      ],
      [
        'a consistent read on the index',
        () =>
          doc.send(
            new QueryCommand({
              TableName: TABLE,
              IndexName: 'byStatus',
              KeyConditionExpression: '#s = :s',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':s': 'ACTIVE' },
              ConsistentRead: true,
            }),
          ),
        /Consistent reads are not supported on global secondary indexes/,
      ],
      [
        'a key condition on a non-key attribute',
        () =>
          doc.send(
            new QueryCommand({
              TableName: TABLE,
              IndexName: 'byStatus',
              KeyConditionExpression: 'tier = :t',
              ExpressionAttributeValues: { ':t': 'pro' },
            }),
          ),
        /Query condition missed key schema element: status/,
      ],
      [
        'a number where the index expects a string',
        () =>
          low.send(
            new UpdateItemCommand({
              TableName: TABLE,
              Key: { tenantId: { S: 'a' } },
              UpdateExpression: 'SET #s = :n',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':n': { N: '1' } },
            }),
          ),
        /Type mismatch for Index Key status/,
      ],
    ])('answers ValidationException for %s', async (_case, call, message) => {
      // Act
      const result = call();

      // Assess
      await expect(result).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringMatching(message),
      });
    });

    it('answers at the virtual instant it was asked, though dynalite takes turns of the event loop', async () => {
      // Prepare
      const clock = aws().clock;
      const askedAt = clock.now();
      let answeredAt: number | undefined;

      // Act: a minute-long sleep waits beside the request
      await Promise.all([
        doc.send(new GetCommand({ TableName: TABLE, Key: { tenantId: 'acme' } })).then(() => {
          answeredAt = clock.now();
        }),
        clock.sleep(60_000),
      ]);

      // Assess
      expect(answeredAt).toBe(askedAt);
    });

    it('answers ResourceNotFoundException for an unknown table', async () => {
      // Act
      const call = doc.send(new GetCommand({ TableName: 'nope', Key: { tenantId: 'acme' } }));

      // Assess
      await expect(call).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });

    it('marshals like the DocumentClient: a nested undefined fails unless removeUndefinedValues is set', async () => {
      // Prepare
      const item = { tenantId: 'acme', topLevel: undefined, metadata: { note: undefined } };
      const lenient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
        marshallOptions: { removeUndefinedValues: true },
      });

      // Act
      const strict = doc.send(new PutCommand({ TableName: TABLE, Item: item }));
      await lenient.send(new PutCommand({ TableName: TABLE, Item: item }));

      // Assess
      await expect(strict).rejects.toThrow(/removeUndefinedValues/);
      expect(await aws().dynamodb.items(TABLE)).toEqual([{ tenantId: 'acme', metadata: {} }]);
    });

    it('queries the status index in updatedAt order, page by page, and counts', async () => {
      // Prepare
      for (const [tenantId, status, updatedAt] of [
        ['c', 'ACTIVE', '2030-01-03'],
        ['a', 'ACTIVE', '2030-01-01'],
        ['b', 'FAILED', '2030-01-02'],
        ['d', 'ACTIVE', '2030-01-02'],
      ]) {
        await aws().dynamodb.seed(TABLE, { tenantId, status, updatedAt });
      }
      const query = {
        TableName: TABLE,
        IndexName: 'byStatus',
        KeyConditionExpression: '#s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'ACTIVE' },
      };

      // Act
      const pages = [];
      // The paginator writes ExclusiveStartKey and Limit into its input: give it a copy.
      for await (const page of paginateQuery({ client: doc, pageSize: 2 }, { ...query })) pages.push(page);
      const counted = await doc.send(new QueryCommand({ ...query, Select: 'COUNT' }));
      const newestFirst = await doc.send(new QueryCommand({ ...query, ScanIndexForward: false, Limit: 1 }));

      // Assess
      expect(pages.map((p) => p.Items?.map((i) => i.tenantId))).toEqual([['a', 'd'], ['c']]);
      expect(counted.Count).toBe(3);
      expect(counted.Items).toBeUndefined();
      expect(newestFirst.Items?.map((i) => i.tenantId)).toEqual(['c']);
      expect(newestFirst.LastEvaluatedKey).toEqual({ tenantId: 'c', status: 'ACTIVE', updatedAt: '2030-01-03' });
    });

    it('scans with a filter, as tenantctl lists tenants', async () => {
      // Prepare
      const records: Partial<TenantRecord>[] = [
        { tenantId: 'a', status: 'ACTIVE', tier: 'pro' },
        { tenantId: 'b', status: 'FAILED', tier: 'pro' },
        { tenantId: 'c', status: 'ACTIVE', tier: 'starter' },
      ];
      for (const record of records) await aws().dynamodb.seed(TABLE, record);

      // Act
      const { Items, ScannedCount } = await doc.send(
        new ScanCommand({
          TableName: TABLE,
          FilterExpression: 'tier = :t',
          ExpressionAttributeValues: { ':t': 'pro' },
        }),
      );

      // Assess
      // Scan order is DynamoDB's (by key hash), not the order of the writes
      expect(Items?.map((i) => i.tenantId).sort()).toEqual(['a', 'b']);
      expect(ScannedCount).toBe(3);
    });

    it('returns the new values of an update when asked', async () => {
      // Prepare
      await aws().dynamodb.seed(TABLE, { tenantId: 'acme', attempt: 1, status: 'FAILED' });

      // Act
      const { Attributes } = await doc.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: { tenantId: 'acme' },
          UpdateExpression: 'SET attempt = attempt + :one',
          ConditionExpression: '#s = :failed',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':one': 1, ':failed': 'FAILED' },
          ReturnValues: 'UPDATED_NEW',
        }),
      );

      // Assess
      expect(Attributes).toEqual({ attempt: 2 });
    });
  });
});
