/**
 * The parts of dynalite 4 (which ships no types) the AWS double calls: the modules its HTTP request handler
 * (dynalite/index.js) chains for each request, behind the HTTP and signature checks.
 *
 * @module
 */

declare module 'dynalite/db' {
  /** A DynamoDB: tables, items and indexes on memory-level or LevelDB. */
  export interface DynaliteStore {
    readonly options: Readonly<Record<string, unknown>>;
    readonly lifecycleManager: {
      /** Closes the database once the operations under way end. */
      gracefulClose(): Promise<void>;
    };
  }

  export interface DynaliteStoreOptions {
    /** How long a new table stays CREATING, in real milliseconds (default 500). */
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    /** A folder for a LevelDB store (classic-level); in memory without it. */
    path?: string;
  }

  /** A store in memory, or on LevelDB in `path`. */
  export function create(options: DynaliteStoreOptions): DynaliteStore;
}

declare module 'dynalite/validations' {
  import type { DynaliteStore } from 'dynalite/db';

  /** The type rules of an operation's members, as each `dynalite/validations/<operation>` exports them. */
  export type TypeRules = Readonly<Record<string, unknown>>;

  /** Coerces the request to its members' types; throws a DynaliteError (SerializationException) when it cannot. */
  export function checkTypes(data: object, types: TypeRules): object;

  /** DynamoDB's request validation; throws a DynaliteError (ValidationException). */
  export function checkValidations(
    data: object,
    types: TypeRules,
    custom: ((data: object, store: DynaliteStore) => string | undefined) | undefined,
    store: DynaliteStore,
  ): void;
}

declare module 'dynalite/validations/*' {
  import type { DynaliteStore } from 'dynalite/db';
  import type { TypeRules } from 'dynalite/validations';

  export const types: TypeRules;
  export const custom: ((data: object, store: DynaliteStore) => string | undefined) | undefined;
}

declare module 'dynalite/actions/*' {
  import type { DynaliteStore } from 'dynalite/db';

  /** An operation: answers `data` (validated) with its output, or with an error carrying DynamoDB's status and body. */
  function action(
    store: DynaliteStore,
    data: object,
    callback: (error: Error | null | undefined, output?: object) => void,
  ): void;

  export = action;
}
