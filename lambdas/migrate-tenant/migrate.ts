import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MigrationsResult, TenantRecord } from '../shared/contracts';
import type { TlsSetting } from '../shared/database/tls';
import { ConfigurationError, PlatformError } from '../shared/errors';
import { DATABASE_NAME } from '../shared/naming';
import { getTenant, recordRolloutFailure, recordSchemaVersion } from '../shared/registry';
import type { MigrateTenantEvent, TenantMigrationResult } from '../shared/rollout/contracts';
import type { RunMigrationsOptions } from '../shared/schema/runner';

/** What migrating one tenant needs: the registry, the master login, and the runner. */
export interface MigrateDeps {
  doc: DynamoDBDocumentClient;
  registryTable: string;
  tls: TlsSetting;
  /** The master secret's ARN of a tenant whose record has none (recorded before versions were): from RDS. */
  masterSecretArnOf(record: TenantRecord): Promise<string>;
  masterLogin(secretArn: string): Promise<{ username: string; password: string }>;
  migrate(options: RunMigrationsOptions): Promise<MigrationsResult>;
  nowIso(): string;
}

/** What to do with a tenant, from its record alone. Pure. */
type TenantDecision =
  | { action: 'skip'; reason: string }
  | { action: 'at-target' }
  | { action: 'migrate'; record: TenantRecord };

export function decideTenant(record: TenantRecord | undefined, target: string): TenantDecision {
  if (!record) return { action: 'skip', reason: 'no registry record' };
  // Only ACTIVE tenants are migrated: a tenant suspended, offboarded or busy with another operation since the plan
  // was made is left alone and caught up by the next rollout.
  if (record.status !== 'ACTIVE') return { action: 'skip', reason: `status ${record.status}` };
  if (record.schemaVersion !== undefined && record.schemaVersion >= target) return { action: 'at-target' };
  return { action: 'migrate', record };
}

/** Where the tenant's database is, from its record (never derived from the tenant id). */
function locationOf(record: TenantRecord): { host: string; port: number; database: string } {
  if (!record.endpointAddress || !record.endpointPort) {
    throw new ConfigurationError(`the registry record of ${record.tenantId} has no endpoint`);
  }
  return { host: record.endpointAddress, port: record.endpointPort, database: record.databaseName ?? DATABASE_NAME };
}

/**
 * Brings one tenant to `event.target` with the migration runner (same lock, timeouts and single transaction as at
 * onboarding; the drift check first), then records the version. A failure is recorded on the tenant with its reason
 * before it is thrown, so the Distributed Map counts it and the halt report can name it.
 */
export async function migrateTenant(deps: MigrateDeps, event: MigrateTenantEvent): Promise<TenantMigrationResult> {
  const decision = decideTenant(await getTenant(deps.doc, deps.registryTable, event.tenantId), event.target);
  if (decision.action === 'skip') return { tenantId: event.tenantId, outcome: 'skipped', reason: decision.reason };
  if (decision.action === 'at-target') return { tenantId: event.tenantId, outcome: 'at-target' };
  const { record } = decision;
  try {
    const secretArn = record.masterSecretArn ?? (await deps.masterSecretArnOf(record));
    const login = await deps.masterLogin(secretArn);
    const result = await deps.migrate({
      target: { ...locationOf(record), user: login.username, password: login.password, tls: deps.tls },
      driftCheck: { recorded: record.schemaVersion },
    });
    if (result.version) {
      await recordSchemaVersion(deps.doc, deps.registryTable, {
        tenantId: record.tenantId,
        version: result.version,
        at: deps.nowIso(),
        from: ['ACTIVE'],
        masterSecretArn: secretArn,
        clearRolloutFailure: true,
      });
    }
    return {
      tenantId: record.tenantId,
      outcome: result.applied.length > 0 ? 'migrated' : 'at-target',
      applied: result.applied,
      ...(result.version ? { version: result.version } : {}),
      durationMs: result.durationMs,
    };
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    await recordRolloutFailure(deps.doc, deps.registryTable, record.tenantId, {
      rolloutId: event.rolloutId,
      wave: event.wave,
      error: failure.name,
      reason: failure instanceof PlatformError ? failure.reason : failure.message,
      at: deps.nowIso(),
    });
    throw error;
  }
}
