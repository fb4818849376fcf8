/**
 * EventBridge PutEvents: entries are checked as EventBridge checks them (1–10 per call, Source, DetailType and a
 * JSON-object Detail, 256 KB in total) and recorded. Per-entry failures, which PutEvents reports with HTTP 200
 * and a FailedEntryCount, can be injected with {@link EventBridgeDouble.failEntries}.
 *
 * @module
 */
import {
  EventBridgeServiceException,
  PutEventsCommand,
  type PutEventsCommandInput,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import { type CallContext, type DoubleEnvironment, type Out, type Route, route } from './environment';
import { serviceError } from './errors';

const MAX_REQUEST_BYTES = 256 * 1024;

/** An accepted event, with its Detail parsed. */
export interface PublishedEvent {
  eventId: string;
  at: Date;
  region: string;
  busName: string;
  source: string;
  detailType: string;
  detail: unknown;
  resources: string[];
}

export interface EntryFailure {
  /** How many entries fail. */
  times: number;
  errorCode?: string;
  errorMessage?: string;
  /** Only entries this selects fail (all when absent). */
  match?: (entry: PutEventsRequestEntry) => boolean;
}

function entryProblem(entry: PutEventsRequestEntry): PutEventsResultEntry | undefined {
  for (const field of ['Source', 'DetailType', 'Detail'] as const) {
    if (!entry[field]) {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
      };
    }
  }
  try {
    const detail: unknown = JSON.parse(entry.Detail as string);
    if (detail && typeof detail === 'object' && !Array.isArray(detail)) return undefined;
  } catch {
    // Falls through: not JSON.
  }
  return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
}

export class EventBridgeDouble {
  private readonly events: PublishedEvent[] = [];
  private readonly failures: EntryFailure[] = [];

  readonly routes: readonly Route[] = [route(PutEventsCommand, (input, ctx) => this.putEvents(input, ctx))];

  constructor(private readonly env: DoubleEnvironment) {}

  /** Makes the next matching entries fail with a per-entry error (default `InternalFailure`). */
  failEntries(failure: EntryFailure): void {
    this.failures.push({ ...failure });
  }

  /** Events accepted so far, optionally of one detail type. */
  published(detailType?: string): PublishedEvent[] {
    return this.events
      .filter((e) => detailType === undefined || e.detailType === detailType)
      .map((e) => structuredClone(e));
  }

  putEvents(input: PutEventsCommandInput, ctx: CallContext): Out<PutEventsCommandOutput> {
    const entries = input.Entries ?? [];
    if (entries.length < 1 || entries.length > 10) {
      throw serviceError(
        EventBridgeServiceException,
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10 (got ${entries.length})`,
      );
    }
    if (Buffer.byteLength(JSON.stringify(entries), 'utf8') > MAX_REQUEST_BYTES) {
      throw serviceError(
        EventBridgeServiceException,
        'ValidationException',
        'Total size of the entries in the request is over the limit.',
      );
    }
    const results = entries.map((entry) => this.accept(entry, ctx));
    return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
  }

  private accept(entry: PutEventsRequestEntry, ctx: CallContext): PutEventsResultEntry {
    const problem = entryProblem(entry);
    if (problem) return problem;
    const failure = this.failures.find((f) => f.times > 0 && (!f.match || f.match(entry)));
    if (failure) {
      failure.times -= 1;
      return {
        ErrorCode: failure.errorCode ?? 'InternalFailure',
        ErrorMessage: failure.errorMessage ?? 'Internal failure (injected)',
      };
    }
    const eventId = this.env.ids.uuid();
    this.events.push({
      eventId,
      at: entry.Time ?? new Date(this.env.clock.now()),
      region: ctx.region,
      busName: entry.EventBusName ?? 'default',
      source: entry.Source as string,
      detailType: entry.DetailType as string,
      detail: JSON.parse(entry.Detail as string),
      resources: entry.Resources ?? [],
    });
    return { EventId: eventId };
  }
}
