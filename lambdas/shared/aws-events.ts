/**
 * The events of AWS services the platform listens to, as their handlers recognise them. The rules' patterns built
 * from these values are in `lib/triggers/event-patterns.ts`; a handler checks the same values again, because a rule
 * may deliver more than its pattern says (a test event, a rule edited by hand).
 *
 * @module
 */

/**
 * RDS-EVENT-0005, "DB instance created" (category `creation`, source type DB instance) in the RDS User Guide, "Amazon
 * RDS event categories and event messages". RDS sends it to the default event bus as source `aws.rds`, detail-type
 * `RDS DB Instance Event` (EventBridge events reference, "Amazon Relational Database Service events"), on a
 * best-effort basis. It hints a tenant instance is ready.
 */
export const RDS_EVENT_SOURCE = 'aws.rds';
export const RDS_INSTANCE_EVENT_DETAIL_TYPE = 'RDS DB Instance Event';
export const DB_INSTANCE_CREATED_EVENT_ID = 'RDS-EVENT-0005';

/**
 * "Step Functions Execution Status Change", which Step Functions sends to the default event bus as source
 * `aws.states` for Standard workflows (EventBridge events reference, "AWS Step Functions events"; Step Functions
 * Developer Guide, "Automating Step Functions event delivery with EventBridge"), on a best-effort basis. It tells
 * that a provisioning execution ended.
 */
export const STEP_FUNCTIONS_EVENT_SOURCE = 'aws.states';
export const EXECUTION_STATUS_CHANGE_DETAIL_TYPE = 'Step Functions Execution Status Change';

/**
 * Execution statuses after which the workflow may not have recorded its outcome. TIMED_OUT and ABORTED stop the
 * execution wherever it was, RecordFailure included; FAILED covers a RecordFailure step that itself failed. A FAILED
 * execution whose RecordFailure did run left no PROVISIONING record behind, so the reaper finds nothing to do.
 */
export const EXECUTION_ENDED_DETAIL_STATUSES = ['TIMED_OUT', 'ABORTED', 'FAILED'] as const;
export type ExecutionEndedStatus = (typeof EXECUTION_ENDED_DETAIL_STATUSES)[number];

/**
 * RDS-EVENT-0154, "DB instance is being started due to it exceeding the maximum allowed time being stopped", and
 * RDS-EVENT-0088, "DB instance started" (category `notification`, RDS User Guide, "Amazon RDS event categories and
 * event messages"): RDS starts an instance stopped for 7 days by itself, and says so, then says when it is up. A
 * suspended tenant's instance is stopped again.
 */
export const DB_INSTANCE_AUTO_STARTED_EVENT_ID = 'RDS-EVENT-0154';
export const DB_INSTANCE_STARTED_EVENT_ID = 'RDS-EVENT-0088';
