import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DeleteItemCommandInput,
  type DeleteItemCommandOutput,
  DynamoDBServiceException,
  GetItemCommand,
  type GetItemCommandInput,
  type GetItemCommandOutput,
  PutItemCommand,
  type PutItemCommandInput,
  type PutItemCommandOutput,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  ResourceNotFoundException,
  ScanCommand,
  type ScanCommandInput,
  type ScanCommandOutput,
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
import { convertToAttr, type marshallOptions, unmarshall, type unmarshallOptions } from '@aws-sdk/util-dynamodb';
import { REGISTRY_STATUS_INDEX } from '../../../../lambdas/shared/contracts';
import { type CallContext, type DoubleEnvironment, type Out, type Route, route } from '../environment';
import { errorMetadata, NotModeledError, serviceError } from '../errors';
import {
  applyUpdate,
  attributeEquals,
  attributeOrder,
  type Condition,
  ExpressionError,
  evaluate,
  type Item,
  type Path,
  Placeholders,
  parseCondition,
  parseKeyCondition,
  parseProjection,
  parseUpdate,
  project,
  typeOf,
} from './expressions';

/**
 * DynamoDB tables in memory. Both clients are answered: the low-level DynamoDBClient (marshalled attribute values)
 * and the DocumentClient of `@aws-sdk/lib-dynamodb`, whose commands are marshalled here with the client's own
 * `translateConfig` exactly as its middleware would, then served by the same low-level implementation. So the
 * registry code sees real marshalling errors (an `undefined` nested in an item, say) and real expression rules.
 */

export interface KeySchema {
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

interface TableState {
  def: TableDefinition;
  region: string;
  items: Map<string, Item>;
}

const MAX_ITEM_BYTES = 400 * 1024;

const validation = (message: string) => serviceError(DynamoDBServiceException, 'ValidationException', message);
const conditionFailed = (old: Item | undefined, returnOld: string | undefined) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: errorMetadata(400),
    Item: returnOld === 'ALL_OLD' && old ? structuredClone(old) : undefined,
  });

/** Runs `fn`, turning expression errors into DynamoDB's ValidationException. */
function checked<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ExpressionError) throw validation(error.message);
    throw error;
  }
}

function pick(item: Item | undefined, names: string[]): Item | undefined {
  if (!item) return undefined;
  return Object.fromEntries(names.filter((n) => item[n] !== undefined).map((n) => [n, item[n] as AttributeValue]));
}

export class DynamoDbDouble {
  private readonly tables: TableState[] = [];

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

  constructor(private readonly env: DoubleEnvironment) {}

  /** Creates an empty table (the stack's table, in tests). */
  defineTable(def: TableDefinition, region = this.env.region): void {
    if (this.tables.some((t) => t.region === region && t.def.name === def.name)) {
      throw new Error(`DynamoDB double: table ${def.name} is already defined in ${region}`);
    }
    this.tables.push({ def: structuredClone(def), region, items: new Map() });
  }

  /** Every item of a table, unmarshalled, for assertions. */
  async items(tableName: string, region = this.env.region): Promise<Record<string, unknown>[]> {
    return [...this.table(region, tableName).items.values()].map((item) => unmarshall(item));
  }

  /** Writes an item directly (an existing tenant, say), bypassing conditions. */
  async seed(tableName: string, item: Record<string, unknown>, region = this.env.region): Promise<void> {
    const table = this.table(region, tableName);
    const marshalled = Object.fromEntries(Object.entries(item).map(([k, v]) => [k, convertToAttr(v)]));
    this.validateItem(table, marshalled);
    table.items.set(this.keyOf(table, marshalled, false), marshalled);
  }

  getItem(input: GetItemCommandInput, ctx: CallContext): Out<GetItemCommandOutput> {
    const table = this.table(ctx.region, input.TableName);
    const projection = checked(() => {
      const placeholders = new Placeholders(input.ExpressionAttributeNames);
      const paths = input.ProjectionExpression ? parseProjection(input.ProjectionExpression, placeholders) : undefined;
      placeholders.assertAllUsed();
      return paths;
    });
    const item = table.items.get(this.keyOf(table, input.Key, true));
    return { Item: item && structuredClone(projection ? project(item, projection) : item) };
  }

  putItem(input: PutItemCommandInput, ctx: CallContext): Out<PutItemCommandOutput> {
    this.refuseLegacy(input);
    const table = this.table(ctx.region, input.TableName);
    if (!['NONE', 'ALL_OLD', undefined].includes(input.ReturnValues)) {
      throw validation('ReturnValues can only be ALL_OLD or NONE for PutItem.');
    }
    const item = input.Item;
    if (!item)
      throw validation(
        '1 validation error detected: Value null at item failed to satisfy constraint: Member must not be null',
      );
    this.validateItem(table, item);
    const condition = this.parseConditionOnly(input);
    const key = this.keyOf(table, item, false);
    const old = table.items.get(key);
    if (condition && !evaluate(condition, old ?? {}))
      throw conditionFailed(old, input.ReturnValuesOnConditionCheckFailure);
    table.items.set(key, structuredClone(item));
    return { Attributes: input.ReturnValues === 'ALL_OLD' && old ? structuredClone(old) : undefined };
  }

  updateItem(input: UpdateItemCommandInput, ctx: CallContext): Out<UpdateItemCommandOutput> {
    this.refuseLegacy(input);
    if (input.AttributeUpdates) throw new NotModeledError('UpdateItem with AttributeUpdates (legacy)');
    const table = this.table(ctx.region, input.TableName);
    const key = this.keyOf(table, input.Key, true);
    const { actions, condition } = checked(() => {
      const placeholders = new Placeholders(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
      const parsed = {
        actions: input.UpdateExpression ? parseUpdate(input.UpdateExpression, placeholders) : [],
        condition: input.ConditionExpression ? parseCondition(input.ConditionExpression, placeholders) : undefined,
      };
      placeholders.assertAllUsed();
      return parsed;
    });
    const keyNames = this.schemaNames(table.def);
    const keyUpdate = actions.find((a) => keyNames.includes(a.path[0] as string));
    if (keyUpdate) {
      throw validation(`Cannot update attribute ${String(keyUpdate.path[0])}. This attribute is part of the key`);
    }
    const old = table.items.get(key);
    if (condition && !evaluate(condition, old ?? {}))
      throw conditionFailed(old, input.ReturnValuesOnConditionCheckFailure);
    const { item, touched } = checked(() => applyUpdate(old ?? structuredClone(input.Key as Item), actions));
    this.validateItem(table, item);
    table.items.set(key, item);
    const returned: Record<string, Item | undefined> = {
      ALL_OLD: old,
      ALL_NEW: item,
      UPDATED_OLD: pick(old, touched),
      UPDATED_NEW: pick(item, touched),
    };
    const attributes = returned[input.ReturnValues ?? 'NONE'];
    return { Attributes: attributes && structuredClone(attributes) };
  }

  deleteItem(input: DeleteItemCommandInput, ctx: CallContext): Out<DeleteItemCommandOutput> {
    this.refuseLegacy(input);
    const table = this.table(ctx.region, input.TableName);
    if (!['NONE', 'ALL_OLD', undefined].includes(input.ReturnValues)) {
      throw validation('ReturnValues can only be ALL_OLD or NONE for DeleteItem.');
    }
    const key = this.keyOf(table, input.Key, true);
    const condition = this.parseConditionOnly(input);
    const old = table.items.get(key);
    if (condition && !evaluate(condition, old ?? {}))
      throw conditionFailed(old, input.ReturnValuesOnConditionCheckFailure);
    table.items.delete(key);
    return { Attributes: input.ReturnValues === 'ALL_OLD' && old ? structuredClone(old) : undefined };
  }

  query(input: QueryCommandInput, ctx: CallContext): Out<QueryCommandOutput> {
    if (input.KeyConditions || input.QueryFilter)
      throw new NotModeledError('Query with KeyConditions/QueryFilter (legacy)');
    const table = this.table(ctx.region, input.TableName);
    const schema = this.schemaOf(table, input.IndexName, input.ConsistentRead);
    if (!input.KeyConditionExpression) {
      throw validation(
        'Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.',
      );
    }
    const expression = input.KeyConditionExpression;
    const { key, filter, projection } = checked(() => {
      const placeholders = new Placeholders(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
      const parsed = {
        key: parseKeyCondition(expression, placeholders, schema),
        ...this.parseReadExpressions(input, placeholders),
      };
      placeholders.assertAllUsed();
      return parsed;
    });
    const candidates = this.indexItems(table, schema)
      .filter((item) => attributeEquals(item[schema.partitionKey] as AttributeValue, key.partition))
      .filter((item) => !key.sort || evaluate(key.sort, item));
    if (input.ScanIndexForward === false) candidates.reverse();
    return this.page(table, schema, candidates, input, filter, projection, input.ScanIndexForward !== false);
  }

  scan(input: ScanCommandInput, ctx: CallContext): Out<ScanCommandOutput> {
    if (input.ScanFilter) throw new NotModeledError('Scan with ScanFilter (legacy)');
    const table = this.table(ctx.region, input.TableName);
    const schema = this.schemaOf(table, input.IndexName, input.ConsistentRead);
    const { filter, projection } = checked(() => {
      const placeholders = new Placeholders(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
      const parsed = this.parseReadExpressions(input, placeholders);
      placeholders.assertAllUsed();
      return parsed;
    });
    let candidates = this.indexItems(table, schema);
    if (input.TotalSegments !== undefined || input.Segment !== undefined) {
      const total = input.TotalSegments ?? 0;
      const segment = input.Segment ?? -1;
      if (total < 1 || segment < 0 || segment >= total) {
        throw validation('Segment and TotalSegments must both be set, with 0 <= Segment < TotalSegments.');
      }
      candidates = candidates.filter((_item, i) => i % total === segment);
    }
    return this.page(table, schema, candidates, input, filter, projection, true);
  }

  private documentRoute<I>(
    command: abstract new (...args: never[]) => { readonly input: I },
    name: string,
    lowLevel: (input: never, ctx: CallContext) => object,
  ): Route {
    return route(
      command,
      (input, ctx) => {
        const translate = (ctx.clientConfig.translateConfig ?? {}) as {
          marshallOptions?: marshallOptions;
          unmarshallOptions?: unmarshallOptions;
        };
        const marshalled = marshallMembers(input as Record<string, unknown>, translate.marshallOptions);
        return unmarshallMembers(lowLevel(marshalled as never, ctx), translate.unmarshallOptions);
      },
      name,
    );
  }

  private parseConditionOnly(input: {
    ConditionExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, AttributeValue>;
  }): Condition | undefined {
    return checked(() => {
      const placeholders = new Placeholders(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
      const condition = input.ConditionExpression ? parseCondition(input.ConditionExpression, placeholders) : undefined;
      placeholders.assertAllUsed();
      return condition;
    });
  }

  private parseReadExpressions(
    input: { FilterExpression?: string; ProjectionExpression?: string; Select?: string },
    placeholders: Placeholders,
  ): { filter?: Condition; projection?: Path[] } {
    if (input.Select === 'COUNT' && input.ProjectionExpression) {
      throw new ExpressionError('Cannot specify the ProjectionExpression when choosing to get only the Count');
    }
    return {
      filter: input.FilterExpression ? parseCondition(input.FilterExpression, placeholders) : undefined,
      projection: input.ProjectionExpression ? parseProjection(input.ProjectionExpression, placeholders) : undefined,
    };
  }

  /** One page: Limit counts evaluated items (before the filter), as in DynamoDB. */
  private page(
    table: TableState,
    schema: KeySchema,
    ordered: Item[],
    input: { Limit?: number; ExclusiveStartKey?: Item; Select?: string },
    filter: Condition | undefined,
    projection: Path[] | undefined,
    forward: boolean,
  ): Out<QueryCommandOutput> {
    if (input.Limit !== undefined && input.Limit < 1) throw validation('Limit must be greater than or equal to 1.');
    const start = input.ExclusiveStartKey;
    const order = (a: Item, b: Item) => this.compareItems(table.def, schema, a, b) * (forward ? 1 : -1);
    const remaining = start ? ordered.filter((item) => order(item, start) > 0) : ordered;
    const evaluated = input.Limit === undefined ? remaining : remaining.slice(0, input.Limit);
    const matched = filter ? evaluated.filter((item) => evaluate(filter, item)) : evaluated;
    const last = evaluated[evaluated.length - 1];
    const limited = input.Limit !== undefined && evaluated.length === input.Limit;
    return {
      Count: matched.length,
      ScannedCount: evaluated.length,
      Items:
        input.Select === 'COUNT'
          ? undefined
          : matched.map((i) => structuredClone(projection ? project(i, projection) : i)),
      LastEvaluatedKey:
        limited && last
          ? pick(last, [...new Set([...this.schemaNames(table.def), ...this.schemaNames(schema)])])
          : undefined,
    };
  }

  private compareItems(def: TableDefinition, schema: KeySchema, a: Item, b: Item): number {
    for (const name of [schema.sortKey, def.partitionKey, def.sortKey]) {
      if (!name) continue;
      const x = a[name];
      const y = b[name];
      if (!x || !y) continue;
      const order = attributeOrder(x, y);
      if (order) return order;
    }
    return 0;
  }

  /** Items of the table, or of the index (sparse: only items that have the index's key attributes), in key order. */
  private indexItems(table: TableState, schema: KeySchema): Item[] {
    return [...table.items.values()]
      .filter((item) => this.schemaNames(schema).every((name) => item[name] !== undefined))
      .sort((a, b) => this.compareItems(table.def, schema, a, b));
  }

  private schemaOf(table: TableState, indexName: string | undefined, consistentRead: boolean | undefined): KeySchema {
    if (indexName === undefined) return table.def;
    const index = table.def.indexes?.[indexName];
    if (!index) throw validation(`The table does not have the specified index: ${indexName}`);
    if (consistentRead) throw validation('Consistent reads are not supported on global secondary indexes');
    return index;
  }

  private schemaNames(schema: KeySchema): string[] {
    return schema.sortKey ? [schema.partitionKey, schema.sortKey] : [schema.partitionKey];
  }

  private table(region: string, name: string | undefined): TableState {
    const table = this.tables.find((t) => t.region === region && t.def.name === name);
    if (!table) {
      throw new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: errorMetadata(400) });
    }
    return table;
  }

  /** The storage key of an item or Key; `exact` requires the Key to hold the key attributes and nothing else. */
  private keyOf(table: TableState, key: Item | undefined, exact: boolean): string {
    const names = this.schemaNames(table.def);
    const mismatch =
      !key ||
      names.some(
        (name) => key[name] === undefined || typeOf(key[name] as AttributeValue) !== this.typeOfKey(table.def, name),
      ) ||
      (exact && Object.keys(key).length !== names.length);
    if (mismatch) throw validation('The provided key element does not match the schema');
    return JSON.stringify(names.map((name) => key[name]));
  }

  private typeOfKey(def: TableDefinition, name: string): string {
    return def.attributeTypes?.[name] ?? 'S';
  }

  private validateItem(table: TableState, item: Item): void {
    for (const name of this.schemaNames(table.def)) {
      const value = item[name];
      if (value === undefined)
        throw validation(`One or more parameter values were invalid: Missing the key ${name} in the item`);
      if (typeOf(value) !== this.typeOfKey(table.def, name)) {
        throw validation(
          `One or more parameter values were invalid: Type mismatch for key ${name} expected: ${this.typeOfKey(table.def, name)} actual: ${typeOf(value)}`,
        );
      }
      if (value.S === '' || value.B?.byteLength === 0) {
        throw validation(
          `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${name}`,
        );
      }
    }
    for (const [indexName, index] of Object.entries(table.def.indexes ?? {})) {
      for (const name of this.schemaNames(index)) {
        const value = item[name];
        if (value === undefined) continue;
        if (typeOf(value) !== this.typeOfKey(table.def, name)) {
          throw validation(
            `One or more parameter values were invalid: Type mismatch for Index Key ${name} Expected: ${this.typeOfKey(table.def, name)} Actual: ${typeOf(value)} IndexName: ${indexName}`,
          );
        }
        if (value.S === '') {
          throw validation(
            `One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: ${indexName}, IndexKey: ${name}`,
          );
        }
      }
    }
    const size = JSON.stringify(item, (_k, v: unknown) =>
      v instanceof Uint8Array ? 'x'.repeat(v.byteLength) : v,
    ).length;
    if (size > MAX_ITEM_BYTES) throw validation('Item size has exceeded the maximum allowed size');
  }

  private refuseLegacy(input: { Expected?: unknown; ConditionalOperator?: unknown }): void {
    if (input.Expected || input.ConditionalOperator) {
      throw new NotModeledError('Expected/ConditionalOperator (legacy conditional parameters)');
    }
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
