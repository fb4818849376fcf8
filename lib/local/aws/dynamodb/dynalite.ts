import { mkdirSync } from 'node:fs';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import createTable from 'dynalite/actions/createTable';
import deleteItem from 'dynalite/actions/deleteItem';
import describeTable from 'dynalite/actions/describeTable';
import getItem from 'dynalite/actions/getItem';
import putItem from 'dynalite/actions/putItem';
import query from 'dynalite/actions/query';
import scan from 'dynalite/actions/scan';
import updateItem from 'dynalite/actions/updateItem';
import { create, type DynaliteStore } from 'dynalite/db';
import { checkTypes, checkValidations } from 'dynalite/validations';
import * as createTableRules from 'dynalite/validations/createTable';
import * as deleteItemRules from 'dynalite/validations/deleteItem';
import * as describeTableRules from 'dynalite/validations/describeTable';
import * as getItemRules from 'dynalite/validations/getItem';
import * as putItemRules from 'dynalite/validations/putItem';
import * as queryRules from 'dynalite/validations/query';
import * as scanRules from 'dynalite/validations/scan';
import * as updateItemRules from 'dynalite/validations/updateItem';
import { errorMetadata, serviceError } from '../errors';

type Rules = typeof getItemRules;
type Action = typeof getItem;

/** The operations the double forwards, and those it creates its tables with. */
const OPERATIONS = {
  CreateTable: [createTableRules, createTable],
  DescribeTable: [describeTableRules, describeTable],
  GetItem: [getItemRules, getItem],
  PutItem: [putItemRules, putItem],
  UpdateItem: [updateItemRules, updateItem],
  DeleteItem: [deleteItemRules, deleteItem],
  Query: [queryRules, query],
  Scan: [scanRules, scan],
} as const satisfies Record<string, readonly [Rules, Action]>;

export type Operation = keyof typeof OPERATIONS;

/** How dynalite refuses a request: DynamoDB's HTTP status and JSON error body. */
interface RefusalBody {
  readonly __type?: string;
  readonly message?: string;
  /** SerializationException spells it so. */
  readonly Message?: string;
}

type ModeledException = new (options: { message: string; $metadata: object }) => Error;

/**
 * One DynamoDB: dynalite's request validation, expression language, tables and indexes (on memory-level, or LevelDB),
 * called in process. Each request goes through the modules dynalite's HTTP handler chains (type checks, DynamoDB's
 * validation, the operation), as the JSON protocol carries it: no HTTP, no SDK client, nothing left open.
 */
export class Dynalite {
  private readonly store: DynaliteStore;

  /**
   * @param path - a folder for the tables on LevelDB, kept after {@link close}; without one they live in memory.
   */
  constructor(path?: string) {
    if (path !== undefined) mkdirSync(path, { recursive: true, mode: 0o700 });
    // Tables are ACTIVE as soon as dynalite's zero-delay timer fires.
    this.store = create({
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
      ...(path === undefined ? {} : { path }),
    });
  }

  /** Closes the store once the requests under way are answered (releases the LevelDB lock of a folder). */
  close(): Promise<void> {
    return this.store.lifecycleManager.gracefulClose();
  }

  /**
   * Answers `input` (the SDK's low-level input) with the operation's output as the SDK would return it, or rejects
   * with the error the SDK would raise: the modeled exception (ConditionalCheckFailedException...) or, for an
   * unmodeled one (ValidationException), DynamoDBServiceException named after it.
   */
  send<Output>(operation: Operation, input: object): Promise<Output> {
    const [rules, action] = OPERATIONS[operation];
    return new Promise((resolve, reject) => {
      try {
        const data = checkTypes(toWire(input) as object, rules.types);
        checkValidations(data, rules.types, rules.custom, this.store);
        action(this.store, data, (error, output = {}) => {
          if (error) return reject(sdkError(error));
          fromWire(output);
          resolve(output as Output);
        });
      } catch (error) {
        reject(sdkError(error as Error));
      }
    });
  }
}

/**
 * The input as the JSON protocol carries it, which is what dynalite validates: binary values in base64, no
 * `undefined` members. A copy, too: dynalite changes the requests it handles.
 */
function toWire(value: unknown): unknown {
  if (value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  }
  if (Array.isArray(value)) return value.map(toWire);
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== undefined) copy[key] = toWire(member);
  }
  return copy;
}

/**
 * The output as the SDK deserializes it: binary values (`B`, `BS`) as Uint8Array. In place: dynalite decodes every
 * item it answers with afresh from its store.
 */
function fromWire(value: unknown): void {
  if (Array.isArray(value)) {
    for (const element of value) fromWire(element);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const members = value as Record<string, unknown>;
  for (const [key, member] of Object.entries(members)) {
    if (key === 'B' && typeof member === 'string') members.B = binary(member);
    else if (key === 'BS' && Array.isArray(member) && member.every((m) => typeof m === 'string')) {
      members.BS = member.map(binary);
    } else fromWire(member);
  }
}

function binary(base64: string): Uint8Array {
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

/** The SDK's error for a refusal; an error without DynamoDB's status and body is a fault of dynalite, passed on. */
function sdkError(error: Error): Error {
  const { statusCode, body } = error as Error & { statusCode?: number; body?: RefusalBody };
  if (statusCode === undefined || !body) return error;
  const name = body.__type?.split('#').pop() ?? 'UnknownError';
  const message = body.message ?? body.Message ?? '';
  const modeled = (dynamodb as Record<string, unknown>)[name];
  if (typeof modeled === 'function' && modeled.prototype instanceof dynamodb.DynamoDBServiceException) {
    return new (modeled as ModeledException)({ message, $metadata: errorMetadata(statusCode) });
  }
  return serviceError(dynamodb.DynamoDBServiceException, name, message, statusCode);
}
