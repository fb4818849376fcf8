import { DB_INSTANCE_CREATED_EVENT_ID, RDS_EVENT_SOURCE, RDS_INSTANCE_EVENT_DETAIL_TYPE } from '../shared/aws-events';
import { INSTANCE_ID_PREFIX } from '../shared/naming';
import { tenantIdViolations } from '../shared/tenant-id';

/** The parts of an EventBridge "RDS DB Instance Event" the listener reads. */
export interface RdsInstanceEvent {
  source?: string;
  'detail-type'?: string;
  time?: string;
  detail?: {
    EventID?: string;
    SourceIdentifier?: string;
    SourceArn?: string;
    Date?: string;
  };
}

export interface ReadySignal {
  tenantId: string;
  instanceId: string;
  /** When RDS reported the instance created. */
  at: string;
}

/**
 * The instance identifier of the event. The ARN (`arn:aws:rds:<region>:<account>:db:<id>`) is unambiguous; the
 * SourceIdentifier is the bare id in delivered events but `rds:<id>` in the User Guide's samples, so both are read.
 */
function instanceIdOf(detail: NonNullable<RdsInstanceEvent['detail']>): string | undefined {
  const fromArn = detail.SourceArn?.match(/^arn:[^:]+:rds:[^:]*:[^:]*:db:(.+)$/)?.[1];
  return fromArn ?? detail.SourceIdentifier?.replace(/^rds:/, '');
}

/**
 * The readiness signal an RDS event carries, or undefined when it is not a "DB instance created" event of a tenant
 * instance (another event, an instance without our prefix, or a suffix that is no valid tenant id).
 *
 * @param receivedAt - used as the signal time when the event carries none.
 */
export function readySignalOf(event: RdsInstanceEvent, receivedAt: string): ReadySignal | undefined {
  const { detail } = event;
  if (
    !detail ||
    event.source !== RDS_EVENT_SOURCE ||
    event['detail-type'] !== RDS_INSTANCE_EVENT_DETAIL_TYPE ||
    detail.EventID !== DB_INSTANCE_CREATED_EVENT_ID
  ) {
    return undefined;
  }
  const instanceId = instanceIdOf(detail);
  if (!instanceId?.startsWith(INSTANCE_ID_PREFIX)) return undefined;
  const tenantId = instanceId.slice(INSTANCE_ID_PREFIX.length);
  if (tenantIdViolations(tenantId).length > 0) return undefined;
  return { tenantId, instanceId, at: detail.Date ?? event.time ?? receivedAt };
}
