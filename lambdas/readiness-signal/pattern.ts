/**
 * The RDS event that hints a tenant instance is ready: RDS-EVENT-0005, "DB instance created" (category `creation`,
 * source type DB instance) in the RDS User Guide, "Amazon RDS event categories and event messages". RDS sends it to
 * the default event bus as source `aws.rds`, detail-type `RDS DB Instance Event` (EventBridge events reference,
 * "Amazon Relational Database Service events"), on a best-effort basis.
 */
export const RDS_EVENT_SOURCE = 'aws.rds';
export const RDS_INSTANCE_EVENT_DETAIL_TYPE = 'RDS DB Instance Event';
export const DB_INSTANCE_CREATED_EVENT_ID = 'RDS-EVENT-0005';

/**
 * The EventBridge rule pattern for the readiness-signal function, shaped like aws-cdk-lib's `events.EventPattern`
 * (`detailType` is `detail-type` on the wire). It does not filter on the instance identifier: RDS documents its
 * SourceIdentifier format only by example, so the handler, not the rule, decides which instances are tenant ones.
 *
 * @example
 * ```ts
 * new events.Rule(this, 'InstanceCreated', { eventPattern: RDS_CREATED_EVENT_PATTERN, targets: [target] });
 * ```
 */
export const RDS_CREATED_EVENT_PATTERN: { source: string[]; detailType: string[]; detail: { EventID: string[] } } = {
  source: [RDS_EVENT_SOURCE],
  detailType: [RDS_INSTANCE_EVENT_DETAIL_TYPE],
  detail: { EventID: [DB_INSTANCE_CREATED_EVENT_ID] },
};
