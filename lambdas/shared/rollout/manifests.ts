/**
 * Wave manifests in S3: each wave's tenant list as a JSON array of `{"tenantId": ...}`, the input a Distributed
 * Map's ItemReader (`InputType: JSON`) reads. The plan in the workflow state keeps only the key, so a wave of
 * 10,000 tenants never comes near the 256 KiB state limit.
 *
 * @module
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** Where the Map Runs write their results (ResultWriter prefix). */
export const RESULTS_PREFIX = 'results';

/** The object key of wave `index` of `rolloutId`. */
export function waveKey(rolloutId: string, index: number): string {
  return `rollouts/${rolloutId}/wave-${index}.json`;
}

/** One item of a wave manifest. */
interface WaveItem {
  tenantId: string;
}

/** The manifest body of `tenantIds`. */
function waveManifest(tenantIds: readonly string[]): string {
  return JSON.stringify(tenantIds.map((tenantId): WaveItem => ({ tenantId })));
}

/** Writes a wave's manifest; a re-run of the plan overwrites it with the same content. */
export async function writeWaveManifest(s3: S3Client, bucket: string, key: string, tenantIds: readonly string[]) {
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: waveManifest(tenantIds), ContentType: 'application/json' }),
  );
}
