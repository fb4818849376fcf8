/**
 * The IOPS and throughput an RDS for PostgreSQL volume delivers, from its storage spec: what `tenantctl plan` shows,
 * what the estimate bills, and what a tier change compares (a gp3 volume that grows past 400 GiB gets a higher
 * baseline without asking for it).
 *
 * @module
 */
import type { StorageSpec } from './types';

/** IOPS and throughput an RDS volume delivers, and how much of it is billed on top of the GB-month price. */
export interface StoragePerformance {
  readonly iops: number;
  readonly throughputMiBps?: number;
  readonly billedIops: number;
  readonly billedThroughputMiBps: number;
  /** True when the figures are the gp3 baseline rather than provisioned values. */
  readonly baseline: boolean;
}

/** RDS for PostgreSQL gp3 gives 3000 IOPS / 125 MiB/s below 400 GiB and 12000 IOPS / 500 MiB/s from 400 GiB. */
export const GP3_LARGE_VOLUME_GIB = 400;

/** The performance of a volume as RDS provisions it, and the part billed per IOPS and per MiB/s. */
export function storagePerformance(storage: StorageSpec): StoragePerformance {
  if (storage.type === 'gp3') {
    const large = storage.allocatedGiB >= GP3_LARGE_VOLUME_GIB;
    const baselineIops = large ? 12000 : 3000;
    const baselineThroughput = large ? 500 : 125;
    const iops = storage.iops ?? baselineIops;
    const throughputMiBps = storage.throughputMiBps ?? baselineThroughput;
    return {
      iops,
      throughputMiBps,
      billedIops: Math.max(0, iops - baselineIops),
      billedThroughputMiBps: Math.max(0, throughputMiBps - baselineThroughput),
      baseline: storage.iops === undefined && storage.throughputMiBps === undefined,
    };
  }
  if (storage.type === 'gp2') {
    // gp2 delivers 3 IOPS per GiB (at least 100, at most 16000) at no extra charge.
    return {
      iops: Math.min(16000, Math.max(100, 3 * storage.allocatedGiB)),
      billedIops: 0,
      billedThroughputMiBps: 0,
      baseline: true,
    };
  }
  return { iops: storage.iops ?? 0, billedIops: storage.iops ?? 0, billedThroughputMiBps: 0, baseline: false };
}
