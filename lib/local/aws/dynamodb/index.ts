/**
 * DynamoDB tables, answered by dynalite: a maintained implementation of DynamoDB's validation, expression language,
 * key schemas and indexes, in memory or on LevelDB in a folder (the local platform's registry). One dynalite per
 * Region, since a table exists only in the Region it was created in.
 *
 * Both clients are answered: the low-level DynamoDBClient (marshalled attribute values) and the DocumentClient of
 * `@aws-sdk/lib-dynamodb`, whose commands are marshalled here with the client's own `translateConfig` exactly as
 * its middleware would, then served by the same low-level implementation. So the registry code sees real
 * marshalling errors (an `undefined` nested in an item, say) and DynamoDB's real expression rules.
 *
 * @module
 */
import { join } from 'node:path';
import { setTimeout as realDelay } from 'node:timers/promises';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type CreateTableCommandInput,
  DeleteItemCommand,
  type DeleteItemCommandInput,
  type DeleteItemCommandOutput,
  type DescribeTableCommandOutput,
  GetItemCommand,
  type GetItemCommandInput,
  type GetItemCommandOutput,
  type KeySchemaElement,
  PutItemCommand,
  type PutItemCommandInput,
  type PutItemCommandOutput,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  ScanCommand,
  type ScanCommandInput,
  type ScanCommandOutput,
  type TableDescription,
  UpdateItemCommand,
  type UpdateItemCommandInput,
  type UpdateItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  QueryCommand as DocumentQueryCommand,
  ScanCommand as DocumentScanCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  convertToAttr,
  marshall,
  type marshallOptions,
  unmarshall,
  type unmarshallOptions,
} from '@aws-sdk/util-dynamodb';
import { REGISTRY_STATUS_INDEX } from '../../../../lambdas/shared/contracts';
import { type CallContext, type DoubleEnvironment, type Out, type Route, route } from '../environment';
import { Dynalite, type Operation } from './dynalite';

interface KeySchema {
  partitionKey: string;
  sortKey?: string;
}

export interface TableDefinition extends KeySchema {
  name: string;
  /** Types of the key attributes (table and indexes); `S` when not given. */
  attributeTypes?: Readonly<Record<string, 'S' | 'N' | 'B'>>;
  /** Global secondary indexes by name, projecting all attributes. */
  indexes?: Readonly<Record<string, KeySchema>>;
}

/** The tenant registry as lib/workflow/registry-table.ts defines it. */
export function registryTable(name: string): TableDefinition {
  return {
    name,
    partitionKey: 'tenantId',
    indexes: { [REGISTRY_STATUS_INDEX]: { partitionKey: 'status', sortKey: 'updatedAt' } },
  };
}

type Item = Record<string, AttributeValue>;

interface RegionTables {
  readonly dynalite: Dynalite;
  readonly tables: Map<string, TableDefinition>;
  /** Tables defined since the last request: created before the next one is answered, so defineTable stays synchronous. */
  readonly uncreated: TableDefinition[];
  /** Settles once every table defined so far exists. */
  created: Promise<void>;
}

/** What a conditional write can ask to get back when its condition fails. */
interface ConditionalWrite {
  TableName?: string;
  Key?: Item;
  Item?: Item;
  ReturnValuesOnConditionCheckFailure?: string;
}

export class DynamoDbDouble {
  private readonly regions = new Map<string, RegionTables>();

  readonly routes: readonly Route[] = [
    route(GetItemCommand, (input, ctx) => this.getItem(input, ctx)),
    route(PutItemCommand, (input, ctx) => this.putItem(input, ctx)),
    route(UpdateItemCommand, (input, ctx) => this.updateItem(input, ctx)),
    route(DeleteItemCommand, (input, ctx) => this.deleteItem(input, ctx)),
    route(QueryCommand, (input, ctx) => this.query(input, ctx)),
    route(ScanCommand, (input, ctx) => this.scan(input, ctx)),
    this.documentRoute(GetCommand, 'GetItem', (input, ctx) => this.getItem(input, ctx)),
    this.documentRoute(PutCommand, 'PutItem', (input, ctx) => this.putItem(input, ctx)),
    this.documentRoute(UpdateCommand, 'UpdateItem', (input, ctx) => this.updateItem(input, ctx)),
    this.documentRoute(DeleteCommand, 'DeleteItem', (input, ctx) => this.deleteItem(input, ctx)),
    this.documentRoute(DocumentQueryCommand, 'Query', (input, ctx) => this.query(input, ctx)),
    this.documentRoute(DocumentScanCommand, 'Scan', (input, ctx) => this.scan(input, ctx)),
  ];

  /**
   * @param path - a folder for the tables on LevelDB (one subfolder per Region), so they outlive the process; in
   *   memory without it.
   */
  constructor(
    private readonly env: DoubleEnvironment,
    private readonly path?: string,
  ) {}

  /** Closes every Region's store: a store on disk can then be opened by another double. */
  async close(): Promise<void> {
    await Promise.all(
      [...this.regions.values()].map(async (tables) => {
        await tables.created.catch(() => undefined);
        await tables.dynalite.close();
      }),
    );
  }

  /** Defines an empty table (the stack's table, in tests); it is created before the next request is answered. */
  defineTable(def: TableDefinition, region = this.env.region): void {
    const tables = this.region(region);
    if (tables.tables.has(def.name)) {
      throw new Error(`DynamoDB double: table ${def.name} is already defined in ${region}`);
    }
    tables.tables.set(def.name, structuredClone(def));
    tables.uncreated.push(structuredClone(def));
  }

  /** Every item of a table, unmarshalled, for assertions. */
  async items(tableName: string, region = this.env.region): Promise<Record<string, unknown>[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.send<ScanCommandOutput>(region, 'Scan', {
        TableName: tableName,
        ConsistentRead: true,
        ExclusiveStartKey: start,
      });
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items.map((item) => unmarshall(item));
  }

  /** Writes an item directly (an existing tenant, say), unconditionally and without faults or a call record. */
  async seed(tableName: string, item: Record<string, unknown>, region = this.env.region): Promise<void> {
    await this.send(region, 'PutItem', { TableName: tableName, Item: marshall(item) });
  }

  getItem(input: GetItemCommandInput, ctx: CallContext): Promise<Out<GetItemCommandOutput>> {
    return this.send(ctx.region, 'GetItem', input);
  }

  putItem(input: PutItemCommandInput, ctx: CallContext): Promise<Out<PutItemCommandOutput>> {
    return this.write(ctx.region, 'PutItem', input);
  }

  updateItem(input: UpdateItemCommandInput, ctx: CallContext): Promise<Out<UpdateItemCommandOutput>> {
    return this.write(ctx.region, 'UpdateItem', input);
  }

  deleteItem(input: DeleteItemCommandInput, ctx: CallContext): Promise<Out<DeleteItemCommandOutput>> {
    return this.write(ctx.region, 'DeleteItem', input);
  }

  query(input: QueryCommandInput, ctx: CallContext): Promise<Out<QueryCommandOutput>> {
    return this.send(ctx.region, 'Query', input);
  }

  scan(input: ScanCommandInput, ctx: CallContext): Promise<Out<ScanCommandOutput>> {
    return this.send(ctx.region, 'Scan', input);
  }

  private documentRoute<I>(
    command: abstract new (...args: never[]) => { readonly input: I },
    name: string,
    lowLevel: (input: never, ctx: CallContext) => Promise<object>,
  ): Route {
    return route(
      command,
      async (input, ctx) => {
        const translate = (ctx.clientConfig.translateConfig ?? {}) as {
          marshallOptions?: marshallOptions;
          unmarshallOptions?: unmarshallOptions;
        };
        const marshalled = marshallMembers(input as Record<string, unknown>, translate.marshallOptions);
        return unmarshallMembers(await lowLevel(marshalled as never, ctx), translate.unmarshallOptions);
      },
      name,
    );
  }

  /**
   * A conditional write. dynalite predates `ReturnValuesOnConditionCheckFailure`: when a refused write asked for
   * the item, it is read back right after the refusal and attached to the error as DynamoDB would attach it.
   */
  private async write<Output>(region: string, operation: Operation, input: ConditionalWrite): Promise<Output> {
    try {
      return await this.send<Output>(region, operation, input);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException && input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD') {
        const { Item } = await this.send<GetItemCommandOutput>(region, 'GetItem', {
          TableName: input.TableName,
          Key: this.keyOf(region, input),
          ConsistentRead: true,
        });
        error.Item = Item;
      }
      throw error;
    }
  }

  /** The Key of a write: its own, or the key attributes of the item it puts. */
  private keyOf(region: string, input: ConditionalWrite): Item | undefined {
    const table = this.regions.get(region)?.tables.get(input.TableName ?? '');
    if (input.Key || !input.Item || !table) return input.Key;
    const item = input.Item;
    return Object.fromEntries(
      [table.partitionKey, table.sortKey].flatMap((name) => (name && item[name] ? [[name, item[name]]] : [])),
    );
  }

  /**
   * Sends a request to the Region's dynalite once its tables exist. dynalite answers after several turns of the
   * event loop (its store is asynchronous), and the virtual clock takes a few quiet turns for "nothing can run":
   * the clock is held while the request is in flight, so it ends at the virtual instant it started.
   */
  private send<Output>(region: string, operation: Operation, input: object): Promise<Output> {
    const tables = this.region(region);
    return this.env.clock.hold(async () => {
      await this.created(tables);
      return tables.dynalite.send<Output>(operation, input);
    });
  }

  private region(name: string): RegionTables {
    let tables = this.regions.get(name);
    if (!tables) {
      if (this.path !== undefined && !/^[a-z0-9-]+$/.test(name)) {
        throw new Error(`DynamoDB double: Region "${name}" cannot name a folder of ${this.path}`);
      }
      tables = {
        dynalite: new Dynalite(this.path === undefined ? undefined : join(this.path, name)),
        tables: new Map(),
        uncreated: [],
        created: Promise.resolve(),
      };
      this.regions.set(name, tables);
    }
    return tables;
  }

  private created(tables: RegionTables): Promise<void> {
    const defs = tables.uncreated.splice(0);
    if (defs.length > 0) {
      tables.created = tables.created.then(async () => {
        await Promise.all(defs.map((def) => createTable(tables.dynalite, def)));
      });
    }
    return tables.created;
  }
}

function keySchema(schema: KeySchema): KeySchemaElement[] {
  return [
    { AttributeName: schema.partitionKey, KeyType: 'HASH' },
    ...(schema.sortKey ? [{ AttributeName: schema.sortKey, KeyType: 'RANGE' } as const] : []),
  ];
}

/** Creates the table in dynalite and waits until it is ACTIVE (dynalite makes it so on a zero-delay real timer). */
async function createTable(dynalite: Dynalite, def: TableDefinition): Promise<void> {
  const indexes = Object.entries(def.indexes ?? {});
  const keyNames = new Set(
    [def, ...indexes.map(([, index]) => index)].flatMap((schema) => keySchema(schema).map((k) => k.AttributeName)),
  );
  const table: CreateTableCommandInput = {
    TableName: def.name,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: keySchema(def),
    AttributeDefinitions: [...keyNames].map((name = '') => ({
      AttributeName: name,
      AttributeType: def.attributeTypes?.[name] ?? 'S',
    })),
    GlobalSecondaryIndexes:
      indexes.length > 0
        ? indexes.map(([IndexName, index]) => ({
            IndexName,
            KeySchema: keySchema(index),
            Projection: { ProjectionType: 'ALL' },
          }))
        : undefined,
  };
  let existed = false;
  try {
    await dynalite.send('CreateTable', table);
  } catch (error) {
    // A store on disk keeps its tables: defining one again on the next start finds it there.
    if ((error as Error).name !== 'ResourceInUseException') throw error;
    existed = true;
  }
  const describe = async () =>
    (await dynalite.send<DescribeTableCommandOutput>('DescribeTable', { TableName: def.name })).Table;
  while ((await describe())?.TableStatus !== 'ACTIVE') await realDelay(1);
  if (existed) refuseOtherSchema(def.name, table, await describe());
}

/** A table found on disk must have the keys and indexes defined now: items of another schema would be misread. */
function refuseOtherSchema(name: string, wanted: CreateTableCommandInput, found: TableDescription | undefined): void {
  const shape = (
    keys: readonly KeySchemaElement[] | undefined,
    indexes: readonly { IndexName?: string; KeySchema?: KeySchemaElement[] }[] | undefined,
  ) =>
    JSON.stringify({
      keys: keys?.map((k) => [k.AttributeName, k.KeyType]),
      indexes: (indexes ?? []).map((i) => [i.IndexName, i.KeySchema?.map((k) => [k.AttributeName, k.KeyType])]).sort(),
    });
  const expected = shape(wanted.KeySchema, wanted.GlobalSecondaryIndexes);
  const actual = shape(found?.KeySchema, found?.GlobalSecondaryIndexes);
  if (expected !== actual) {
    throw new Error(`DynamoDB double: table ${name} on disk has keys and indexes ${actual}, not ${expected}`);
  }
}

/** The DocumentClient input members that hold native values (the legacy members are not modeled). */
const MARSHALLED_INPUT_MEMBERS = ['Key', 'Item', 'ExpressionAttributeValues', 'ExclusiveStartKey'] as const;
const MARSHALLED_OUTPUT_MEMBERS = ['Item', 'Attributes', 'LastEvaluatedKey'] as const;

/**
 * Marshals each attribute of a map member the way lib-dynamodb's middleware does: top-level `undefined`
 * attributes are dropped, anything else goes through `convertToAttr` with the client's options (so a nested
 * `undefined` fails unless `removeUndefinedValues` is set, as it does in AWS).
 */
function marshallMembers(
  input: Record<string, unknown>,
  options: marshallOptions | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...input };
  for (const member of MARSHALLED_INPUT_MEMBERS) {
    const map = input[member] as Record<string, unknown> | undefined;
    if (!map) continue;
    out[member] = Object.fromEntries(
      Object.entries(map)
        .filter(([, v]) => v !== undefined && typeof v !== 'function')
        .map(([k, v]) => [k, convertToAttr(v, { ...options, convertTopLevelContainer: true })]),
    );
  }
  return out;
}

function unmarshallMembers(output: object, options: unmarshallOptions | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...output };
  const native = (item: Item) => unmarshall(item, { ...options, convertWithoutMapWrapper: false });
  for (const member of MARSHALLED_OUTPUT_MEMBERS) {
    const item = out[member] as Item | undefined;
    if (item) out[member] = native(item);
  }
  const items = out.Items as Item[] | undefined;
  if (items) out.Items = items.map(native);
  return out;
}
