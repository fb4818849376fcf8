/**
 * Distributed Map states, emulated. aws-local-stepfunctions 3 runs a Map's ItemProcessor per item but ignores
 * `ItemReader`, `ResultWriter` and `ToleratedFailure*` (its Map fails on the first failed item; checked in its
 * MapStateAction source), so each Map state that has an ItemReader is replaced by a Task state of the same
 * name, with the same ResultPath, Catch and Next, whose local handler does what Step Functions documents for a
 * Distributed Map:
 *
 * - **ItemReader** (`s3:getObject`, `InputType: JSON`): the items are the JSON array in the S3 double's object.
 * - **ItemSelector**: each child's input, with `$` paths into the state input and `$$.Map.Item.Value`/`Index`.
 * - **ItemProcessor**: one child execution per item, run by aws-local-stepfunctions with the same Task handlers
 *   (Lambda emulation, Retry) as the parent; at most `MaxConcurrency(Path)` at once.
 * - **Tolerance**: the Map Run fails with `States.ExceedToleratedFailureThreshold` once the failed children exceed
 *   `ToleratedFailureCount(Path)` or `ToleratedFailurePercentage(Path)` of the items; from then on no child starts,
 *   and the ones already running finish (they are counted as started after the threshold was crossed).
 * - **ResultWriter** (`s3:putObject`): a `manifest.json` and `SUCCEEDED_0.json`/`FAILED_0.json` under
 *   `<Prefix>/<map run id>/`, and the state's result `{ MapRunArn, ResultWriterDetails: { Bucket, Key } }`.
 *
 * Only plain paths (`$.a.b`) are evaluated, which is all the platform's definitions use. Child Retry intervals
 * run instantly unless `realRetryIntervals` is set (a virtual-clock run cannot sleep them; the local platform
 * waits them out in real time).
 *
 * @module
 */
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { S3Double } from '../aws/s3';

type Json = Record<string, unknown>;
type TaskHandler = (event: unknown) => Promise<unknown>;

/** What one emulated Map Run did, for tests and the benchmark. */
export interface MapRunRecord {
  state: string;
  mapRunArn: string;
  items: number;
  maxConcurrency: number;
  started: number;
  succeeded: number;
  failed: number;
  /** The Map Run failed beyond its tolerance. */
  exceeded: boolean;
  /** Children started while the threshold was already crossed (0: they could not be), and children still running then. */
  startedAfterThreshold: number;
  inFlightAtThreshold: number;
}

const EXCEEDED_TOLERANCE = 'States.ExceedToleratedFailureThreshold';

/** The value at a plain JSONPath (`$.a.b`, `$$.Map.Item.Value.c`). */
function at(path: string, input: unknown, context: Json): unknown {
  const [root, ...parts] = path.startsWith('$$.')
    ? ['$$', ...path.slice(3).split('.')]
    : ['$', ...path.slice(2).split('.')];
  if (path !== '$' && !/^\$\$?(\.[A-Za-z_][\w]*)+$/.test(path)) {
    throw new Error(`Distributed Map emulation: the emulation evaluates plain paths only, not ${path}`);
  }
  let value: unknown = root === '$$' ? context : input;
  for (const part of path === '$' ? [] : parts) value = (value as Json | undefined)?.[part];
  return value;
}

/** A payload template (`"key.$": "$.path"`) filled in. */
function fill(template: Json, input: unknown, context: Json): Json {
  return Object.fromEntries(
    Object.entries(template).map(([key, value]) =>
      key.endsWith('.$') ? [key.slice(0, -2), at(value as string, input, context)] : [key, value],
    ),
  );
}

function numberFrom(state: Json, field: string, input: unknown, fallback: number): number {
  if (state[field] !== undefined) return state[field] as number;
  const path = state[`${field}Path`];
  if (path === undefined) return fallback;
  const value = at(path as string, input, {});
  if (typeof value !== 'number') throw runtimeError(`${field}Path ${String(path)} is not a number`);
  return value;
}

function runtimeError(message: string): Error {
  const error = new Error(message);
  error.name = 'States.Runtime';
  return error;
}

export interface DistributedMapEmulation {
  definition: StateMachineDefinition;
  /** Local handlers of the replaced states, by state name. */
  handlers: Record<string, TaskHandler>;
}

/**
 * Replaces the Distributed Map states of `definition` (top level) by emulating Tasks.
 *
 * @param taskHandler - the handler of a Task state inside an ItemProcessor, by state name
 */
export function emulateDistributedMaps(
  definition: StateMachineDefinition,
  options: {
    s3: S3Double;
    executionArn: string;
    taskHandler(stateName: string): TaskHandler;
    onMapRun(record: MapRunRecord): void;
    /** Let the children's Retry intervals take their real time. @default false */
    realRetryIntervals?: boolean;
  },
): DistributedMapEmulation {
  const states: Record<string, unknown> = { ...definition.States };
  const handlers: Record<string, TaskHandler> = {};
  let runs = 0;
  for (const [name, raw] of Object.entries(definition.States)) {
    const state = raw as unknown as Json;
    if (state.Type !== 'Map' || !state.ItemReader) continue;
    const processor = state.ItemProcessor as { StartAt: string; States: Json };
    const child = new StateMachine({ StartAt: processor.StartAt, States: processor.States } as never, {
      validationOptions: { noValidate: true },
    });
    const childTasks = Object.entries(processor.States)
      .filter(([, s]) => (s as Json).Type === 'Task')
      .map(([stateName]) => stateName);
    states[name] = {
      Type: 'Task',
      Comment: 'Distributed Map, emulated locally',
      Resource: 'arn:aws:lambda:us-east-1:123456789012:function:DistributedMapEmulation',
      ...(state.ResultPath !== undefined ? { ResultPath: state.ResultPath } : {}),
      ...(state.Catch ? { Catch: state.Catch } : {}),
      ...(state.Next ? { Next: state.Next } : { End: true }),
    };
    handlers[name] = async (input) => {
      runs += 1;
      const mapRunId = `${name}-${runs}`;
      const mapRunArn = `${options.executionArn.replace(':execution:', ':mapRun:')}/${mapRunId}`;
      const reader = fill((state.ItemReader as { Parameters: Json }).Parameters, input, {});
      const body = options.s3.read(reader.Bucket as string, reader.Key as string);
      if (body === undefined)
        throw runtimeError(`ItemReader: s3://${String(reader.Bucket)}/${String(reader.Key)} does not exist`);
      const items = JSON.parse(body) as unknown[];
      if (!Array.isArray(items)) throw runtimeError('ItemReader: the object is not a JSON array');
      const maxConcurrency = numberFrom(state, 'MaxConcurrency', input, 0) || items.length || 1;
      const toleratedCount = numberFrom(state, 'ToleratedFailureCount', input, 0);
      const toleratedPercent = numberFrom(state, 'ToleratedFailurePercentage', input, 0);
      const exceeded = (failed: number) =>
        failed > toleratedCount || (items.length > 0 && (failed * 100) / items.length > toleratedPercent);
      const record: MapRunRecord = {
        state: name,
        mapRunArn,
        items: items.length,
        maxConcurrency,
        started: 0,
        succeeded: 0,
        failed: 0,
        exceeded: false,
        startedAfterThreshold: 0,
        inFlightAtThreshold: 0,
      };
      const results: { succeeded: Json[]; failed: Json[] } = { succeeded: [], failed: [] };
      let next = 0;
      let running = 0;
      const worker = async () => {
        while (next < items.length && !record.exceeded) {
          const index = next;
          next += 1;
          record.started += 1;
          running += 1;
          const context = { Map: { Item: { Index: index, Value: items[index] } } };
          const childInput = state.ItemSelector ? fill(state.ItemSelector as Json, input, context) : items[index];
          const childArn = `${mapRunArn}:${index}`;
          try {
            const execution = child.run(childInput as never, {
              overrides: {
                taskResourceLocalHandlers: Object.fromEntries(
                  childTasks.map((t) => [t, options.taskHandler(t)]),
                ) as never,
                ...(options.realRetryIntervals
                  ? {}
                  : { retryIntervalOverrides: Object.fromEntries(childTasks.map((t) => [t, 0])) }),
              },
              context: { Execution: { Id: childArn, Name: `${mapRunId}:${index}` } },
            });
            const output = await execution.result;
            record.succeeded += 1;
            results.succeeded.push({
              ExecutionArn: childArn,
              Input: JSON.stringify(childInput),
              Output: JSON.stringify(output),
              Status: 'SUCCEEDED',
            });
          } catch (error) {
            const cause = ((error as { cause?: Error }).cause ?? error) as Error;
            record.failed += 1;
            results.failed.push({
              ExecutionArn: childArn,
              Input: JSON.stringify(childInput),
              Status: 'FAILED',
              Error: cause.name,
              Cause: cause.message,
            });
            if (!record.exceeded && exceeded(record.failed)) {
              record.exceeded = true;
              record.inFlightAtThreshold = running - 1;
            }
          } finally {
            running -= 1;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(maxConcurrency, Math.max(items.length, 1)) }, worker));
      options.onMapRun(record);
      const writer = state.ResultWriter as { Parameters: Json } | undefined;
      let details: Json | undefined;
      if (writer) {
        const target = fill(writer.Parameters, input, {});
        const prefix = `${String(target.Prefix)}/${mapRunId}`;
        const files = (['SUCCEEDED', 'FAILED'] as const).map((status) => {
          const key = `${prefix}/${status}_0.json`;
          options.s3.write(
            target.Bucket as string,
            key,
            JSON.stringify(results[status === 'SUCCEEDED' ? 'succeeded' : 'failed']),
          );
          return [status, [{ Key: key }]] as const;
        });
        const key = `${prefix}/manifest.json`;
        options.s3.write(
          target.Bucket as string,
          key,
          JSON.stringify({
            DestinationBucket: target.Bucket,
            MapRunArn: mapRunArn,
            ResultFiles: Object.fromEntries(files),
          }),
        );
        details = { Bucket: target.Bucket, Key: key };
      }
      if (record.exceeded) {
        const error = new Error(
          `The specified tolerated failure threshold was exceeded: ${record.failed} of ${items.length} items failed`,
        );
        error.name = EXCEEDED_TOLERANCE;
        throw error;
      }
      return details ? { MapRunArn: mapRunArn, ResultWriterDetails: details } : [...results.succeeded];
    };
  }
  return { definition: { ...definition, States: states as StateMachineDefinition['States'] }, handlers };
}
