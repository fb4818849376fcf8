/**
 * The AWS double: see double.ts for the overview, install.ts for wiring it to the SDK clients.
 *
 * @module
 */

export {
  AwsDouble,
  type AwsDoubleOptions,
  type CallRecord,
} from './double';
export { registryTable } from './dynamodb';
export type { ServiceName } from './environment';
export { PlatformExpectationError } from './errors';
export type { PublishedEvent } from './eventbridge';

export { hostBackend } from './host-backend';
export { installAwsDouble } from './install';

export {
  type BackingServer,
  DEFAULT_RDS_TIMINGS,
  type FinalInstanceStatus,
  type InstanceSummary,
  instanceCreatedEvent,
  type RdsEventBridgeEvent,
  type RdsTimings,
} from './rds';
export type { BackendEndpoint, InstanceBackend } from './rds-backend';
export { REDACTED } from './redact';

export type { PublishedMessage } from './sns';
