/**
 * `tenantctl billing redrive`: moves the billing events EventBridge could not deliver (its dead-letter queue) back to
 * the billing bus, where the billing rule starts provisioning again. A message is deleted only after PutEvents has
 * accepted its event, so a failure leaves it in the queue; redelivering an event twice is harmless (the workflow's
 * claim step recognises the same request). `--dry-run` lists what would move and leaves every message visible.
 *
 * @module
 */
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DeleteMessageCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { BILLING_EVENT_SOURCE } from '../../lambdas/shared/contracts';

/** EventBridge's dead-letter message body: the event as the rule received it. */
interface DeadEvent {
  readonly source?: string;
  readonly 'detail-type'?: string;
  readonly detail?: Record<string, unknown>;
}

export interface DeadLetterSummary {
  readonly messageId: string;
  readonly eventId?: string;
  readonly tenantId?: string;
  readonly tier?: string;
  /** Why EventBridge could not deliver it (the ERROR_CODE / ERROR_MESSAGE attributes it adds). */
  readonly error?: string;
  /** What happened to it: moved to the bus, would move (dry run), skipped (not a billing event) or failed. */
  readonly outcome: 'redriven' | 'would-redrive' | 'skipped' | 'failed';
  readonly reason?: string;
}

export interface RedriveRequest {
  readonly sqs: SQSClient;
  readonly events: EventBridgeClient;
  readonly queueUrl: string;
  readonly busName: string;
  readonly dryRun: boolean;
  /** At most this many messages are looked at. */
  readonly max: number;
}

function parse(message: Message): DeadEvent | undefined {
  try {
    const body = JSON.parse(message.Body ?? '') as DeadEvent;
    return typeof body === 'object' && body !== null ? body : undefined;
  } catch {
    return undefined;
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function summaryOf(message: Message, event: DeadEvent | undefined): Omit<DeadLetterSummary, 'outcome'> {
  const attributes = message.MessageAttributes ?? {};
  const error = [attributes.ERROR_CODE?.StringValue, attributes.ERROR_MESSAGE?.StringValue].filter(Boolean).join(': ');
  return {
    messageId: message.MessageId ?? '(no id)',
    eventId: text(event?.detail?.eventId),
    tenantId: text(event?.detail?.tenantId),
    tier: text(event?.detail?.tier),
    error: error || undefined,
  };
}

/** Moves (or with `dryRun` lists) up to `max` dead-lettered billing events. */
export async function redriveBillingEvents(request: RedriveRequest): Promise<DeadLetterSummary[]> {
  const seen = new Set<string>();
  const report: DeadLetterSummary[] = [];
  while (report.length < request.max) {
    const { Messages = [] } = await request.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: request.queueUrl,
        MaxNumberOfMessages: Math.min(10, request.max - report.length),
        MessageAttributeNames: ['All'],
        WaitTimeSeconds: 0,
        // A dry run hands every message straight back; a redrive keeps it hidden while it is being moved.
        VisibilityTimeout: request.dryRun ? 0 : 60,
      }),
    );
    const fresh = Messages.filter((m) => m.MessageId !== undefined && !seen.has(m.MessageId));
    if (fresh.length === 0) break;
    for (const message of fresh) {
      seen.add(message.MessageId as string);
      const event = parse(message);
      const summary = summaryOf(message, event);
      if (event?.source !== BILLING_EVENT_SOURCE || !event['detail-type'] || !event.detail) {
        report.push({ ...summary, outcome: 'skipped', reason: 'not a billing event; left in the queue' });
      } else if (request.dryRun) {
        report.push({ ...summary, outcome: 'would-redrive' });
      } else {
        report.push(await moveOne(request, message, event, summary));
      }
    }
  }
  return report;
}

async function moveOne(
  request: RedriveRequest,
  message: Message,
  event: DeadEvent,
  summary: Omit<DeadLetterSummary, 'outcome'>,
): Promise<DeadLetterSummary> {
  const put = await request.events.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: request.busName,
          Source: event.source,
          DetailType: event['detail-type'],
          Detail: JSON.stringify(event.detail),
        },
      ],
    }),
  );
  const entry = put.Entries?.[0];
  if ((put.FailedEntryCount ?? 0) > 0 || !entry?.EventId) {
    return {
      ...summary,
      outcome: 'failed',
      reason: `PutEvents refused it (${entry?.ErrorCode ?? 'unknown'}: ${entry?.ErrorMessage ?? 'no message'}); left in the queue`,
    };
  }
  await request.sqs.send(
    new DeleteMessageCommand({ QueueUrl: request.queueUrl, ReceiptHandle: message.ReceiptHandle }),
  );
  return { ...summary, outcome: 'redriven' };
}

/** The report as lines for a terminal. */
export function renderRedrive(report: readonly DeadLetterSummary[], dryRun: boolean): string {
  if (report.length === 0) return 'The billing dead-letter queue is empty.\n';
  const lines = report.map((r) => {
    const what = [r.eventId && `event ${r.eventId}`, r.tenantId && `tenant ${r.tenantId}`, r.tier && `tier ${r.tier}`]
      .filter(Boolean)
      .join(', ');
    const why = r.error ? ` (undelivered: ${r.error})` : '';
    return `${r.outcome.padEnd(13)} ${what || r.messageId}${why}${r.reason ? `: ${r.reason}` : ''}`;
  });
  const moved = report.filter((r) => r.outcome === (dryRun ? 'would-redrive' : 'redriven')).length;
  lines.push(
    dryRun
      ? `${moved} of ${report.length} messages would be sent back to the billing bus (dry run: nothing was moved).`
      : `${moved} of ${report.length} messages sent back to the billing bus.`,
  );
  return `${lines.join('\n')}\n`;
}
