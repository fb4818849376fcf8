import type { TenantStatus } from '../shared/contracts';

/** Metric with one datapoint per registry status (dimension `status`): how many tenants are in it. */
export const REGISTRY_STATUS_METRIC = 'TenantsByStatus';

/** Every status the dashboard shows, including the empty ones (a zero is information). */
export const COUNTED_STATUSES: readonly TenantStatus[] = ['PROVISIONING', 'ACTIVE', 'FAILED', 'ROLLBACK_FAILED'];
