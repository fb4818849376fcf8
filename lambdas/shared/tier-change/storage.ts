/**
 * The storage a tenant's instance ends up with when it moves to another tier, within what RDS for PostgreSQL allows
 * in place (ModifyDBInstance API reference and the RDS User Guide, "Working with storage"):
 * - allocated storage never shrinks, and grows by at least 10% (a smaller increase is rounded up by RDS);
 * - the autoscaling ceiling (`MaxAllocatedStorage`) must stay at least 10% above the allocation;
 * - gp3 IOPS and throughput exist only from 400 GiB (below, a fixed baseline); io1/io2 IOPS stay within 0.5–50
 *   (io1) or 0.5–1000 (io2) per GiB of the allocation actually kept, from 1000 to 256000;
 * - an io1/io2 volume cannot become gp3 below 400 GiB: RDS needs IOPS with any storage change of a volume that has
 *   them ("You must specify both the storage size and iops...") and refuses IOPS for gp3 under 400 GiB ("You can't
 *   specify IOPS or storage throughput for engine postgres and a storage size less than 400").
 * Whatever differs from the new tier's definition is returned as a {@link BlockedChange}.
 *
 * @module
 */
import { GP3_LARGE_VOLUME_GIB, type StorageSpec } from '../tiers';
import { blocked as block } from './blocked';
import type { BlockedChange } from './types';

/** The storage after the change and what could not be applied as the tier defines it. */
export interface StorageTarget {
  readonly storage: StorageSpec;
  readonly blocked: readonly BlockedChange[];
}

const isProvisionedIops = (type: StorageSpec['type']): boolean => type === 'io1' || type === 'io2';

/** Smallest increase RDS accepts for `AllocatedStorage`, and for the gap between it and `MaxAllocatedStorage`. */
// In integers: 1.1 × 100 is 110.00000000000001 in floating point.
const atLeastTenPercentAbove = (gib: number): number => Math.ceil((gib * 11) / 10);

function allocation(current: number, requested: number, blocked: BlockedChange[]): number {
  if (requested < current) {
    blocked.push(
      block(
        'storage.allocatedGiB',
        requested,
        current,
        `RDS never shrinks allocated storage: the instance keeps ${current} GiB (moving to ${requested} GiB would need a new instance and a data copy)`,
      ),
    );
    return current;
  }
  const minimumIncrease = atLeastTenPercentAbove(current);
  if (requested > current && requested < minimumIncrease) {
    blocked.push(
      block(
        'storage.allocatedGiB',
        requested,
        minimumIncrease,
        `RDS grows allocated storage by at least 10%: ${requested} GiB is rounded up to ${minimumIncrease} GiB`,
      ),
    );
    return minimumIncrease;
  }
  return requested;
}

function storageType(current: StorageSpec, requested: StorageSpec, allocatedGiB: number, blocked: BlockedChange[]) {
  if (isProvisionedIops(current.type) && requested.type === 'gp3' && allocatedGiB < GP3_LARGE_VOLUME_GIB) {
    blocked.push(
      block(
        'storage.type',
        requested.type,
        current.type,
        `RDS cannot move an ${current.type} volume to gp3 below ${GP3_LARGE_VOLUME_GIB} GiB in place (it needs IOPS with the change and refuses them for gp3 under ${GP3_LARGE_VOLUME_GIB} GiB on PostgreSQL): the instance stays on ${current.type}`,
      ),
    );
    return current.type;
  }
  return requested.type;
}

/** IOPS of an io1/io2 volume of `allocatedGiB`, moved into the range RDS accepts for that size. */
function provisionedIops(type: 'io1' | 'io2', wanted: number, allocatedGiB: number, blocked: BlockedChange[]): number {
  const perGiBCeiling = type === 'io1' ? 50 : 1000;
  const minimum = Math.max(1000, Math.ceil(0.5 * allocatedGiB));
  const maximum = Math.min(256000, perGiBCeiling * allocatedGiB);
  const iops = Math.min(maximum, Math.max(minimum, wanted));
  if (iops !== wanted) {
    blocked.push(
      block(
        'storage.iops',
        wanted,
        iops,
        `${type} on ${allocatedGiB} GiB needs from ${minimum} to ${maximum} IOPS (0.5 to ${perGiBCeiling} per GiB, 1000 to 256000): ${wanted} becomes ${iops}`,
      ),
    );
  }
  return iops;
}

function autoscalingCeiling(allocatedGiB: number, requested: number, blocked: BlockedChange[]): number {
  const minimum = atLeastTenPercentAbove(allocatedGiB);
  if (requested >= minimum) return requested;
  blocked.push(
    block(
      'storage.maxAllocatedGiB',
      requested,
      minimum,
      `the autoscaling ceiling must be at least 10% above the ${allocatedGiB} GiB the instance keeps: ${requested} GiB becomes ${minimum} GiB`,
    ),
  );
  return minimum;
}

/**
 * The storage of an instance that has `current` and moves to a tier whose storage is `requested`.
 *
 * @param current - the storage the instance has: its tier's spec, with the allocation it really has when known
 *   (autoscaling may have grown it)
 * @example
 * ```ts
 * targetStorage(DEFAULT_TIERS.enterprise.storage, DEFAULT_TIERS.pro.storage).storage.allocatedGiB; // 500: kept
 * ```
 */
export function targetStorage(current: StorageSpec, requested: StorageSpec): StorageTarget {
  const blocked: BlockedChange[] = [];
  const allocatedGiB = allocation(current.allocatedGiB, requested.allocatedGiB, blocked);
  const type = storageType(current, requested, allocatedGiB, blocked);
  const maxAllocatedGiB = autoscalingCeiling(allocatedGiB, requested.maxAllocatedGiB, blocked);
  if (type === 'io1' || type === 'io2') {
    const wanted = type === requested.type ? (requested.iops as number) : (current.iops as number);
    const iops = provisionedIops(type, wanted, allocatedGiB, blocked);
    return { storage: { type, allocatedGiB, maxAllocatedGiB, iops }, blocked };
  }
  // gp3 from 400 GiB takes the tier's IOPS/throughput (unset means the 12000 / 500 baseline); below 400 GiB and on
  // gp2 there is nothing to provision, and the tier rules guarantee the tier sets nothing there.
  const provisioned =
    type === 'gp3' && allocatedGiB >= GP3_LARGE_VOLUME_GIB
      ? {
          ...(requested.iops === undefined ? {} : { iops: requested.iops }),
          ...(requested.throughputMiBps === undefined ? {} : { throughputMiBps: requested.throughputMiBps }),
        }
      : {};
  return { storage: { type, allocatedGiB, maxAllocatedGiB, ...provisioned }, blocked };
}
