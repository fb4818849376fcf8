/**
 * Splitting a fleet into waves: a canary (named tenants, or the first N in tenant-id order), then waves by tier or
 * by cumulative percentage of the rest. Pure and deterministic, so tenantctl's offline `plan` shows exactly what the
 * workflow will do with the same tenant list.
 *
 * @module
 */
import type { RolloutCandidate, RolloutOptions, WaveDraft } from './contracts';

/** Tenants that need the target: everyone whose recorded version is before it (or unrecorded). */
export function behindTarget<T extends RolloutCandidate>(tenants: readonly T[], target: string): T[] {
  return tenants.filter((t) => t.schemaVersion === undefined || t.schemaVersion < target);
}

/** The plan: the waves, and the named canary tenants that are not among `tenants` (not ACTIVE, or already done). */
export interface WavePlanDraft {
  waves: WaveDraft[];
  missingCanary: string[];
}

/**
 * Plans the waves of `tenants` (the ACTIVE tenants behind the target). Every tenant is in exactly one wave; empty
 * waves are left out, so a rollout of a handful of tenants may have only the canary.
 */
export function planWaves(
  tenants: readonly RolloutCandidate[],
  options: Pick<RolloutOptions, 'canary' | 'waves'>,
): WavePlanDraft {
  const sorted = [...tenants].sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0));
  const byId = new Map(sorted.map((t) => [t.tenantId, t]));
  let canary: RolloutCandidate[];
  let missingCanary: string[] = [];
  if ('tenants' in options.canary) {
    const named = [...new Set(options.canary.tenants)];
    canary = named.flatMap((id) => byId.get(id) ?? []);
    missingCanary = named.filter((id) => !byId.has(id));
  } else {
    canary = sorted.slice(0, options.canary.size);
  }
  const inCanary = new Set(canary.map((t) => t.tenantId));
  const rest = sorted.filter((t) => !inCanary.has(t.tenantId));
  const waves: WaveDraft[] = [{ name: 'canary', tenantIds: canary.map((t) => t.tenantId) }];
  if (options.waves.by === 'tier') {
    const listed = new Set(options.waves.order);
    for (const tier of options.waves.order) {
      waves.push({ name: `tier ${tier}`, tenantIds: rest.filter((t) => t.tier === tier).map((t) => t.tenantId) });
    }
    waves.push({ name: 'other tiers', tenantIds: rest.filter((t) => !listed.has(t.tier)).map((t) => t.tenantId) });
  } else {
    let taken = 0;
    for (const step of options.waves.steps) {
      const upTo = Math.ceil((rest.length * step) / 100);
      waves.push({ name: `${step}%`, tenantIds: rest.slice(taken, upTo).map((t) => t.tenantId) });
      taken = Math.max(taken, upTo);
    }
  }
  return { waves: waves.filter((w) => w.tenantIds.length > 0), missingCanary };
}
