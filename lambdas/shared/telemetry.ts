/**
 * The names the handlers' telemetry is published under, shared by the handlers (which publish) and the CDK app
 * (which configures Powertools through the environment and builds the dashboard and alarms on these names).
 *
 * Constants only, and nothing imported: `cdk synth` loads this module, and it must not construct the Powertools
 * logger, metrics or tracer the handlers get from `runtime.ts`.
 *
 * @module
 */

/** `POWERTOOLS_SERVICE_NAME` of every function: the `service` key of each log line and the metrics' dimension. */
export const SERVICE_NAME = 'tenant-db-provisioning';

/** `POWERTOOLS_METRICS_NAMESPACE` of every function: the CloudWatch namespace of the platform's metrics. */
export const METRICS_NAMESPACE = 'TenantDbPlatform';

/** Metric names the handlers publish and the dashboard and alarms read. */
export const METRIC_NAMES = {
  provisioned: 'TenantProvisioned',
  failed: 'ProvisioningFailed',
  duration: 'ProvisioningDuration',
  rollbackFailed: 'RollbackFailed',
  rejected: 'RequestRejected',
  /** One datapoint per registry status (dimension `status`): how many tenants are in it. */
  tenantsByStatus: 'TenantsByStatus',
  /** Readiness signals written to the registry; compare with provisionings to see how often RDS events help. */
  readySignalRecorded: 'ReadySignalRecorded',
} as const;
