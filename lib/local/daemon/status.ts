/** What `tenantctl local status` shows: the daemon, its tenants as the registry has them, and their servers. */
export interface LocalStatus {
  readonly stateDir: string;
  readonly pid: number;
  readonly port: number;
  readonly startedAt: string;
  /** Registry records, one per tenant. */
  readonly tenants: readonly LocalTenantStatus[];
  /** PostgreSQL servers standing in for DB instances. */
  readonly instances: readonly LocalInstanceStatus[];
  /** Workflow executions running now. */
  readonly executionsRunning: number;
}

export interface LocalTenantStatus {
  readonly tenantId: string;
  readonly tier: string;
  readonly status: string;
  /** `127.0.0.1:<port>` once the tenant has a database. */
  readonly endpoint?: string;
}

export interface LocalInstanceStatus {
  readonly instanceId: string;
  /** `running` or `stopped` (the server), whatever the RDS status. */
  readonly server: string;
  readonly port: number;
  readonly sizeBytes: number;
}
