/**
 * The AWS double: see double.ts for the overview, install.ts for wiring it to the SDK clients.
 */
export type { AlarmSummary } from './cloudwatch';
export {
  AwsDouble,
  type AwsDoubleOptions,
  type CallOutcome,
  type CallRecord,
  type Inventory,
} from './double';
export { registryTable, type TableDefinition } from './dynamodb';
export type { ServiceName } from './environment';
export { crashError, NotModeledError, PlatformExpectationError, throttlingError } from './errors';
export type { EntryFailure, PublishedEvent } from './eventbridge';
export type { ChaosSpec, Fault, FaultKind, FaultSpec } from './faults';
export { installAwsDouble } from './install';
export type { LogGroupSummary } from './logs';
export {
  type BackingServer,
  DEFAULT_RDS_TIMINGS,
  type FinalInstanceStatus,
  instanceCreatedEvent,
  type RdsEventBridgeEvent,
  type RdsTimings,
} from './rds';
export { REDACTED } from './redact';
export type { SecretSummary } from './secrets-manager';
export type { PublishedMessage } from './sns';
