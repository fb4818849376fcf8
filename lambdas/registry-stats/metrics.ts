/** Metric with one datapoint per registry status (dimension `status`): how many tenants are in it. */
export const REGISTRY_STATUS_METRIC = 'TenantsByStatus';
