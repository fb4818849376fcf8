/**
 * The fields in which two tier definitions differ, as RDS would see them: storage performance is compared as the
 * volume delivers it (a gp3 volume that reaches 400 GiB gets 12000 IOPS without asking), log exports as sets.
 *
 * @module
 */
import { storagePerformance, type TierDefinition } from '../tiers';
import { FIELD_RULES } from './disruption';

/** One differing field with its value before and after. */
export interface FieldDifference {
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
}

/** The value of dotted `field` in `tier`, with storage performance as delivered. */
function fieldValue(tier: TierDefinition, field: string): unknown {
  if (field === 'storage.iops') return storagePerformance(tier.storage).iops;
  if (field === 'storage.throughputMiBps') return storagePerformance(tier.storage).throughputMiBps;
  return field
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], tier as unknown);
}

const comparable = (value: unknown): string =>
  Array.isArray(value) ? JSON.stringify([...value].sort()) : JSON.stringify(value ?? null);

/** Every field of {@link FIELD_RULES} whose value differs between `from` and `to`, in the table's order. */
export function diffTiers(from: TierDefinition, to: TierDefinition): FieldDifference[] {
  return Object.keys(FIELD_RULES).flatMap((field) => {
    const before = fieldValue(from, field);
    const after = fieldValue(to, field);
    return comparable(before) === comparable(after) ? [] : [{ field, from: before, to: after }];
  });
}
