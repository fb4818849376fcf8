/**
 * What `tenantctl migrations` decides and prints: the fleet's schema versions, the waves a rollout would take, and a
 * rollout's progress. Pure, so each is unit-tested; the command module only reads AWS and calls these.
 *
 * @module
 */

import type { TenantRecord } from '../../lambdas/shared/contracts';
import { ValidationError } from '../../lambdas/shared/errors';
import type {
  RolloutCandidate,
  RolloutOptions,
  RolloutRecord,
  RolloutRequest,
  WaveStrategy,
} from '../../lambdas/shared/rollout/contracts';
import { rolloutOptions } from '../../lambdas/shared/rollout/options';
import { formatTolerance, parseTolerance } from '../../lambdas/shared/rollout/tolerance';
import { behindTarget, planWaves } from '../../lambdas/shared/rollout/waves';

/** The fleet's schema versions (ACTIVE tenants), as `migrations status` reports them. */
export interface VersionReport {
  target?: string;
  tenants: number;
  byVersion: { version: string; tenants: number }[];
  /** ACTIVE tenants before the target (all of them when no target is known). */
  behind: string[];
  /** Tenants whose last rollout failed, drift included (`SchemaDriftError`). */
  failures: { tenantId: string; rolloutId: string; wave: number; error: string; reason: string }[];
}

const UNRECORDED = '(not recorded)';

/** The report of `active` (the registry's ACTIVE records) against `target`. */
export function versionReport(active: readonly TenantRecord[], target: string | undefined): VersionReport {
  const counts = new Map<string, number>();
  for (const record of active) {
    const version = record.schemaVersion ?? UNRECORDED;
    counts.set(version, (counts.get(version) ?? 0) + 1);
  }
  return {
    ...(target ? { target } : {}),
    tenants: active.length,
    byVersion: [...counts.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([version, tenants]) => ({ version, tenants })),
    behind: (target ? behindTarget(active, target) : [...active]).map((r) => r.tenantId).sort(),
    failures: active
      .flatMap((r) => (r.rolloutFailure ? [{ tenantId: r.tenantId, ...r.rolloutFailure }] : []))
      .map(({ tenantId, rolloutId, wave, error, reason }) => ({ tenantId, rolloutId, wave, error, reason }))
      .sort((a, b) => (a.tenantId < b.tenantId ? -1 : 1)),
  };
}

/** The report as text: versions, who is behind (the first 20), failures and drift, and the last rollout. */
export function renderVersionReport(report: VersionReport, rollout?: RolloutRecord): string {
  const lines = [
    `ACTIVE tenants: ${report.tenants}${report.target ? `; target ${report.target}` : ''}`,
    ...report.byVersion.map((v) => `  ${v.version.padEnd(48)} ${v.tenants}`),
    `behind the target: ${report.behind.length}${report.behind.length > 0 ? ` (${report.behind.slice(0, 20).join(', ')}${report.behind.length > 20 ? ', …' : ''})` : ''}`,
  ];
  const drift = report.failures.filter((f) => f.error === 'SchemaDriftError');
  if (drift.length > 0) lines.push(`drift: ${drift.length}`, ...drift.map((f) => `  ${f.tenantId}: ${f.reason}`));
  const failed = report.failures.filter((f) => f.error !== 'SchemaDriftError');
  if (failed.length > 0) {
    lines.push(
      `failed in their last rollout: ${failed.length}`,
      ...failed.map((f) => `  ${f.tenantId} (${f.error}): ${f.reason}`),
    );
  }
  if (rollout) lines.push(renderRollout(rollout));
  return lines.join('\n');
}

/** A rollout record as text: status, target and each wave done so far. */
export function renderRollout(rollout: RolloutRecord): string {
  const waves = Object.values(rollout.waves).sort((a, b) => a.index - b.index);
  return [
    `rollout ${rollout.rolloutId}: ${rollout.status} (target ${rollout.target}, started ${rollout.startedAt})`,
    ...waves.map((w) => `  wave ${w.index} ${w.name}: ${w.size - w.failed}/${w.size} migrated, ${w.failed} failed`),
    ...(rollout.haltReason ? [`  halted: ${rollout.haltReason}`] : []),
  ].join('\n');
}

/**
 * A tenant list for an offline plan: a JSON array of `{ "tenantId", "tier", "schemaVersion"? }` objects (what
 * `tenantctl list --json` prints qualifies; records not ACTIVE are left out, as the workflow leaves them out).
 *
 * @throws {ValidationError} naming the file and the entry
 */
export function parseTenantList(text: string, source: string): RolloutCandidate[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ValidationError('--tenants', `${source} must hold a JSON array of tenants`);
  }
  if (!Array.isArray(parsed)) throw new ValidationError('--tenants', `${source} must hold a JSON array of tenants`);
  return parsed.flatMap((entry, i) => {
    const t = entry as { tenantId?: unknown; tier?: unknown; schemaVersion?: unknown; status?: unknown };
    if (typeof t?.tenantId !== 'string' || typeof t.tier !== 'string') {
      throw new ValidationError('--tenants', `${source}[${i}] must have a string tenantId and tier`);
    }
    if (t.schemaVersion !== undefined && typeof t.schemaVersion !== 'string') {
      throw new ValidationError('--tenants', `${source}[${i}].schemaVersion must be a string`);
    }
    if (t.status !== undefined && t.status !== 'ACTIVE') return [];
    return [{ tenantId: t.tenantId, tier: t.tier, ...(t.schemaVersion ? { schemaVersion: t.schemaVersion } : {}) }];
  });
}

/** The rollout options given on the command line. */
export interface RolloutFlags {
  readonly canary?: string;
  readonly waves?: string;
  readonly maxConcurrency?: string;
  readonly tolerate?: string;
}

function wavesOf(text: string): WaveStrategy {
  const [kind, list = ''] = text.split(':');
  const items = list.split(',').filter((item) => item !== '');
  if (kind === 'percent') return { by: 'percent', steps: items.map(Number) };
  if (kind === 'tier') return { by: 'tier', order: items };
  throw new ValidationError('--waves', 'must be percent:<p1>,<p2>,…,100 or tier:<tier>,<tier>,…', text);
}

/**
 * The rollout request of `flags`, checked with the workflow's own rules before anything is sent (the workflow checks
 * again): `--canary 5` or `--canary acme,globex`, `--waves percent:10,50,100` or `--waves tier:pro,starter`.
 *
 * @throws {ValidationError} naming the flag
 */
export function rolloutRequestOf(flags: RolloutFlags, requestedBy: string): RolloutRequest {
  const request: RolloutRequest = {
    ...(flags.canary === undefined
      ? {}
      : { canary: /^[0-9]+$/.test(flags.canary) ? Number(flags.canary) : flags.canary.split(',') }),
    ...(flags.waves === undefined ? {} : { waves: wavesOf(flags.waves) }),
    ...(flags.maxConcurrency === undefined ? {} : { maxConcurrency: Number(flags.maxConcurrency) }),
    ...(flags.tolerate === undefined ? {} : { tolerate: flags.tolerate }),
    requestedBy,
  };
  try {
    rolloutOptions(request, { maxConcurrency: 1, tolerance: parseTolerance('0'), canarySize: 0 });
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(flagOf(error.field), error.rule);
    throw error;
  }
  return request;
}

const FLAGS: Record<string, string> = {
  canary: '--canary',
  maxConcurrency: '--max-concurrency',
  tolerate: '--tolerate',
};
function flagOf(field: string): string {
  const root = field.split(/[.[]/)[0] ?? field;
  return FLAGS[root] ?? (root === 'waves' ? '--waves' : field);
}

/** An offline plan: the waves `options` would take of `tenants` for `target`. */
export function offlinePlan(tenants: readonly RolloutCandidate[], target: string, options: RolloutOptions) {
  const behind = behindTarget(tenants, target);
  const draft = planWaves(behind, options);
  return {
    target,
    atTarget: tenants.length - behind.length,
    tolerance: formatTolerance(options.tolerance),
    maxConcurrency: options.maxConcurrency,
    waves: draft.waves.map((w, index) => ({ index, name: w.name, size: w.tenantIds.length, tenants: w.tenantIds })),
    missingCanary: draft.missingCanary,
  };
}

/** An offline plan as text. */
export function renderPlan(plan: ReturnType<typeof offlinePlan>): string {
  return [
    `target ${plan.target}: ${plan.waves.reduce((n, w) => n + w.size, 0)} tenants behind, ${plan.atTarget} at the target`,
    `max concurrency ${plan.maxConcurrency}; tolerance ${plan.tolerance} per wave after the canary (the canary tolerates none)`,
    ...plan.waves.map(
      (w) => `  wave ${w.index} ${w.name} (${w.size}): ${w.tenants.slice(0, 10).join(', ')}${w.size > 10 ? ', …' : ''}`,
    ),
    ...(plan.missingCanary.length > 0
      ? [`canary tenants not ACTIVE or not behind: ${plan.missingCanary.join(', ')}`]
      : []),
  ].join('\n');
}
