/**
 * `tenantctl plan <tenant> --tier <to> --from <from>`: what moving a live tenant to another tier changes, what the
 * application notices, what RDS cannot do in place and what it costs, from the tier catalog alone. The plan is the
 * one the change's ModifyDBInstance request is built from (`lambdas/shared/tier-change`).
 *
 * @module
 */
import { ValidationError } from '../../lambdas/shared/errors';
import { instanceIdentifier } from '../../lambdas/shared/naming';
import { assertTenantId } from '../../lambdas/shared/tenant-id';
import {
  type BlockedChange,
  type ChangeTiming,
  planTierChange,
  type TierChange,
} from '../../lambdas/shared/tier-change';
import { type TierCatalog, type TierDefinition, tierFromCatalog } from '../../lambdas/shared/tiers';
import { type CostDelta, costDelta } from '../pricing/delta';
import { estimateMonthlyCost } from '../pricing/estimate';
import type { DeploymentSettings } from './deployment';

const TIMINGS: readonly ChangeTiming[] = ['now', 'maintenance-window'];

/** A blocked change with what keeping the instance's value costs per month over the tier as defined. */
interface PricedBlockedChange extends BlockedChange {
  /** Present when the Region is priced. */
  readonly monthlyCostUsd?: number;
}

/** The plan of a tier change as tenantctl prints it. */
export interface TierChangePlanView {
  readonly tenantId: string;
  readonly instanceIdentifier: string;
  readonly from: string;
  readonly to: string;
  readonly when: ChangeTiming;
  readonly catalogSource: string;
  readonly changes: readonly TierChange[];
  readonly blocked: readonly PricedBlockedChange[];
  /** True when storage changes: RDS then refuses further storage changes for at least 6 hours. */
  readonly storageCooldown: boolean;
  readonly cost: CostDelta;
}

/** `value` as a change timing, or a ValidationError on `--when`. */
function assertChangeTiming(value: unknown): ChangeTiming {
  if (!TIMINGS.includes(value as ChangeTiming)) {
    throw new ValidationError('--when', `must be one of ${TIMINGS.join(', ')}`, value);
  }
  return value as ChangeTiming;
}

function fromTier(catalog: TierCatalog, name: unknown): TierDefinition {
  try {
    return tierFromCatalog(catalog, name);
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError('--from', error.rule, name);
    throw error;
  }
}

/** `tier` with dotted `field` set to `value`. */
function withField(tier: TierDefinition, field: string, value: unknown): TierDefinition {
  const [head, key] = field.split('.') as [string, string | undefined];
  if (key === undefined) return { ...tier, [head]: value };
  return { ...tier, [head]: { ...(tier as unknown as Record<string, object>)[head], [key]: value } };
}

/** What keeping `blocked.applied` instead of what `requested` asks for costs per month. */
function priceBlocked(
  blocked: BlockedChange,
  requested: TierDefinition,
  region: string,
  now: Date,
): PricedBlockedChange {
  const asDefined = estimateMonthlyCost(requested, region, now);
  if (!asDefined.regionPriced) return blocked;
  const kept = estimateMonthlyCost(withField(requested, blocked.field, blocked.applied), region, now);
  return { ...blocked, monthlyCostUsd: Math.round((kept.totalMonthlyUsd - asDefined.totalMonthlyUsd) * 100) / 100 };
}

/**
 * The plan of moving `tenantId` from tier `fromName` to tier `toName`.
 *
 * @throws ValidationError naming `tenantId`, `tier`, `--from` or `--when` and the rule broken.
 */
export function buildTierChangePlan(
  tenantId: unknown,
  fromName: unknown,
  toName: unknown,
  when: unknown,
  region: string,
  settings: DeploymentSettings,
  now: Date = new Date(),
): TierChangePlanView {
  const id = assertTenantId(tenantId);
  const to = tierFromCatalog(settings.catalog, toName);
  const from = fromTier(settings.catalog, fromName);
  const timing = assertChangeTiming(when ?? 'now');
  const plan = planTierChange(from, to, { when: timing });
  return {
    tenantId: id,
    instanceIdentifier: instanceIdentifier(id),
    from: fromName as string,
    to: toName as string,
    when: timing,
    catalogSource: settings.source,
    changes: plan.changes,
    blocked: plan.blocked.map((b) => priceBlocked(b, to, region, now)),
    storageCooldown: plan.storageCooldown,
    cost: costDelta(plan.from, plan.target, region, now),
  };
}

/** A tier field value as an operator reads it. */
function shown(value: unknown): string {
  if (value === undefined || value === null) return '(none)';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.join(', ');
  return String(value);
}

const usd = (value: number): string => `${value < 0 ? '-' : ''}$${Math.abs(value).toFixed(2)}`;
const signedUsd = (value: number): string => (value > 0 ? `+${usd(value)}` : usd(value));

function renderImpact(plan: TierChangePlanView): string[] {
  const disruptive = plan.changes.filter((c) => c.disruption !== 'none');
  if (disruptive.length === 0) return ['The application will not notice the change: no outage, reboot or failover.'];
  return disruptive.map((c) => `The application will notice: ${c.disruption} (${c.field}): ${c.reason}.`);
}

function renderChanges(changes: readonly TierChange[]): string[] {
  if (changes.length === 0) return ['Nothing changes: the two tiers are the same.'];
  const rows = changes.map((c) => [c.field, `${shown(c.from)} → ${shown(c.to)}`, c.disruption, c.takesEffect]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  const pad = (row: string[]) =>
    `  ${row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] as number) : cell)).join('  ')}`.trimEnd();
  return [
    'Changes',
    pad(['field', 'from → to', 'disruption', 'takes effect'].map((h, i) => h.padEnd(widths[i] ?? 0))),
    ...rows.map(pad),
  ];
}

function renderBlocked(blocked: readonly PricedBlockedChange[]): string[] {
  if (blocked.length === 0) return [];
  return [
    '',
    'Not applied as the tier defines it (RDS cannot do it in place)',
    ...blocked.map(
      (b) =>
        `  ${b.field}: the tier asks for ${shown(b.requested)}, the instance gets ${shown(b.applied)}${
          b.monthlyCostUsd ? ` (${signedUsd(b.monthlyCostUsd)}/month over the tier)` : ''
        }: ${b.reason}`,
    ),
  ];
}

function renderCost(cost: CostDelta, from: string, to: string): string[] {
  if (!cost.regionPriced) return [`Monthly cost in ${cost.region}: unpriced`, `  ${cost.unpricedReason}`];
  return [
    `Monthly cost in ${cost.region} (on-demand, ${cost.currency}, prices as of ${cost.pricesAsOf})`,
    `  ${usd(cost.fromMonthlyUsd).padStart(10)}  now, on ${from}`,
    `  ${usd(cost.toMonthlyUsd).padStart(10)}  after the change, on ${to} with what the instance keeps`,
    `  ${signedUsd(cost.deltaMonthlyUsd).padStart(10)}  difference per month`,
    ...cost.lines.map((l) => `  ${signedUsd(l.deltaMonthlyUsd).padStart(10)}    ${l.description}`),
    ...cost.unpriced.map((item) => `  ${'?'.padStart(10)}  ${item}: not in the price table`),
    ...cost.notes.map((n) => `  ${n}`),
  ];
}

/** The plan as text for a terminal. */
export function renderTierChangePlan(plan: TierChangePlanView): string {
  const timing = plan.when === 'now' ? 'applied now' : 'deferred to the maintenance window where RDS allows it';
  const lines = [
    `Plan: change tenant "${plan.tenantId}" (${plan.instanceIdentifier}) from tier "${plan.from}" to tier "${plan.to}", ${timing}`,
    `Tier catalog: ${plan.catalogSource}`,
    '',
    ...renderImpact(plan),
    '',
    ...renderChanges(plan.changes),
    ...renderBlocked(plan.blocked),
    ...(plan.storageCooldown
      ? [
          '',
          'Storage changes: RDS refuses another storage change of this instance for at least 6 hours, or until storage optimization ends if that is later.',
        ]
      : []),
    '',
    ...renderCost(plan.cost, plan.from, plan.to),
  ];
  return `${lines.join('\n')}\n`;
}
