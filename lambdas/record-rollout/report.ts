import type { TenantRecord } from '../shared/contracts';
import type { PlannedWave, RolloutPlan, WaveSummary } from '../shared/rollout/contracts';
import { formatTolerance } from '../shared/rollout/tolerance';

/** Failures listed in a summary and an alert; the registry holds every one. */
const LISTED_FAILURES = 25;

/** A wave's summary from the records of its failed tenants. Pure. */
export function waveSummary(wave: PlannedWave, failed: readonly TenantRecord[]): WaveSummary {
  const failures = [...failed]
    .sort((a, b) => (a.tenantId < b.tenantId ? -1 : 1))
    .slice(0, LISTED_FAILURES)
    .map((record) => ({
      tenantId: record.tenantId,
      error: record.rolloutFailure?.error ?? 'unknown',
      reason: record.rolloutFailure?.reason ?? 'unknown',
    }));
  return { index: wave.index, name: wave.name, size: wave.size, failed: failed.length, failures };
}

/** Why the rollout halted, in one sentence. */
export function haltReason(plan: RolloutPlan, summary: WaveSummary, cause?: string): string {
  const untouched = plan.waves.filter((w) => w.index > summary.index).reduce((sum, w) => sum + w.size, 0);
  const tolerance = summary.index === 0 ? 'no failure' : toleranceText(plan.waves[summary.index]);
  return `wave ${summary.index} (${summary.name}): ${summary.failed} of ${summary.size} tenants failed, more than the tolerance (${tolerance}); ${untouched} tenants in later waves were not touched${cause ? ` [${cause}]` : ''}`;
}

function toleranceText(wave: PlannedWave | undefined): string {
  if (!wave) return 'unknown';
  return wave.toleratedFailurePercentage < 100
    ? formatTolerance({ kind: 'percent', value: wave.toleratedFailurePercentage })
    : formatTolerance({ kind: 'count', value: wave.toleratedFailureCount });
}

/** The alert: a subject within SNS's 100 characters, and a JSON body with the reason and the listed failures. */
export function haltAlert(plan: RolloutPlan, summary: WaveSummary, reason: string) {
  return {
    subject: `Schema rollout halted at wave ${summary.index} (${summary.name})`.slice(0, 100),
    message: JSON.stringify({ rolloutId: plan.rolloutId, target: plan.target, reason, wave: summary }, null, 2),
  };
}
