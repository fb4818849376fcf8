import type { TenantRecord } from '../../lambdas/shared/contracts';
import { DATABASE_NAME } from '../../lambdas/shared/naming';
import {
  TenantLookupError,
  TenantNotActiveError,
  TenantOffboardedError,
  TenantSuspendedError,
  type TenantUnavailableError,
} from './errors';

/**
 * Where a tenant's database lives, as the registry records it. Nothing here is derived from the tenant id: a
 * tenant's database may be renamed, restored elsewhere or share an instance, and only the registry knows.
 */
export interface TenantLocation {
  readonly tenantId: string;
  readonly tier: string;
  readonly status: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  /** ARN of the application secret (`{ username, password, ... }`). */
  readonly secretArn: string;
  /** Region of the database and its secret. */
  readonly region: string;
}

/** What the registry says about a tenant: a usable location, a refusal, or nothing at all. */
export type RegistryAnswer =
  | { readonly kind: 'located'; readonly location: TenantLocation }
  | { readonly kind: 'refused'; readonly error: TenantUnavailableError }
  | { readonly kind: 'unknown' };

/** Statuses whose database serves the application by default: ACTIVE, and MODIFYING (a tier change in progress). */
export const DEFAULT_SERVED_STATUSES: readonly string[] = ['ACTIVE', 'MODIFYING'];

const OFFBOARDED_STATUSES = new Set(['OFFBOARDING', 'OFFBOARDED', 'OFFBOARD_FAILED', 'PURGED']);
const ARN_REGION = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):/;

/** The Region in a Secrets Manager ARN, or undefined. */
function regionOfSecretArn(arn: string): string | undefined {
  return ARN_REGION.exec(arn)?.[1];
}

/** The refusal a tenant in `status` gets. */
export function refusalFor(tenantId: string, status: string): TenantUnavailableError {
  if (status === 'SUSPENDED') return new TenantSuspendedError(tenantId, status);
  if (OFFBOARDED_STATUSES.has(status)) return new TenantOffboardedError(tenantId, status);
  return new TenantNotActiveError(tenantId, status);
}

/** The registry item's fields the client reads (later records may carry `databaseName` and `region`). */
export type RegistryItem = Omit<Partial<TenantRecord>, 'status'> & {
  databaseName?: string;
  region?: string;
  status?: string;
};

/**
 * Reads a registry item. Records written before `databaseName` and `region` were recorded fall back to the
 * platform's database name and to the Region in the secret's ARN (both data, never the tenant id).
 *
 * @throws {TenantLookupError} when a served tenant's record lacks where its database is
 */
export function answerFor(
  tenantId: string,
  item: RegistryItem | undefined,
  servedStatuses: readonly string[] = DEFAULT_SERVED_STATUSES,
): RegistryAnswer {
  if (!item) return { kind: 'unknown' };
  const status = String(item.status ?? 'UNKNOWN');
  if (!servedStatuses.includes(status)) return { kind: 'refused', error: refusalFor(tenantId, status) };
  const { endpointAddress: host, endpointPort: port, secretArn } = item;
  const region = item.region ?? (secretArn ? regionOfSecretArn(secretArn) : undefined);
  const missing = Object.entries({ endpointAddress: host, endpointPort: port, secretArn, region })
    .filter(([, value]) => value === undefined || value === '')
    .map(([key]) => key);
  if (missing.length > 0) {
    throw new TenantLookupError(
      `the registry record of tenant ${tenantId} (${status}) does not say where its database is (missing ${missing.join(', ')})`,
    );
  }
  return {
    kind: 'located',
    location: {
      tenantId,
      tier: String(item.tier ?? ''),
      status,
      host: host as string,
      port: Number(port),
      database: item.databaseName ?? DATABASE_NAME,
      secretArn: secretArn as string,
      region: region as string,
    },
  };
}

/** True when two locations reach the same database with the same secret. */
export function sameDatabase(a: TenantLocation, b: TenantLocation): boolean {
  return (
    a.host === b.host &&
    a.port === b.port &&
    a.database === b.database &&
    a.secretArn === b.secretArn &&
    a.region === b.region
  );
}
