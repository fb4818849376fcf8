/**
 * S3 objects: PutObject on buckets a test created (`createBucket`), checked as S3 checks it (an existing bucket, a
 * key of 1 to 1,024 UTF-8 bytes, a body) and kept in memory; the workflow harness reads them as Step Functions'
 * ItemReader would and writes Map Run results as its ResultWriter would. No versions, ACLs or multipart uploads.
 *
 * @module
 */
import {
  NoSuchBucket,
  PutObjectCommand,
  type PutObjectCommandInput,
  type PutObjectCommandOutput,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { DoubleEnvironment, Out, Route } from './environment';
import { route } from './environment';
import { errorMetadata } from './errors';

/** One stored object. */
interface StoredObject {
  bucket: string;
  key: string;
  body: string;
  contentType?: string;
  lastModified: Date;
}

/** Buckets and objects as a saved state keeps them. */
export interface PersistedS3 {
  buckets: { name: string; objects: StoredObject[] }[];
}

export class S3Double {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();

  readonly routes: readonly Route[] = [route(PutObjectCommand, (input) => this.putObject(input))];

  constructor(private readonly env: DoubleEnvironment) {}

  /** Makes `bucket` exist (as the workflow stack would). */
  createBucket(bucket: string): void {
    if (!this.buckets.has(bucket)) this.buckets.set(bucket, new Map());
  }

  /** Objects of `bucket` whose key starts with `prefix`, by key. */
  list(bucket: string, prefix = ''): StoredObject[] {
    return [...(this.buckets.get(bucket)?.values() ?? [])]
      .filter((o) => o.key.startsWith(prefix))
      .sort((a, b) => (a.key < b.key ? -1 : 1))
      .map((o) => ({ ...o }));
  }

  /** The body of an object, or undefined (for the harness's ItemReader and tests). */
  read(bucket: string, key: string): string | undefined {
    return this.buckets.get(bucket)?.get(key)?.body;
  }

  /** Stores an object as a Step Functions ResultWriter would (not through the SDK). */
  write(bucket: string, key: string, body: string): void {
    this.objects(bucket).set(key, {
      bucket,
      key,
      body,
      contentType: 'application/json',
      lastModified: new Date(this.env.clock.now()),
    });
  }

  putObject(input: PutObjectCommandInput): Out<PutObjectCommandOutput> {
    const bucket = this.objects(input.Bucket ?? '');
    const key = checkedKey(input.Key);
    if (typeof input.Body !== 'string' && !(input.Body instanceof Uint8Array)) {
      throw invalidRequest('the double stores string or byte bodies only');
    }
    const body = typeof input.Body === 'string' ? input.Body : Buffer.from(input.Body).toString('utf8');
    bucket.set(key, {
      bucket: input.Bucket as string,
      key,
      body,
      contentType: input.ContentType,
      lastModified: new Date(this.env.clock.now()),
    });
    return { ETag: `"${this.env.ids.uuid().replaceAll('-', '')}"` };
  }

  private objects(bucket: string): Map<string, StoredObject> {
    const objects = this.buckets.get(bucket);
    if (!objects)
      throw new NoSuchBucket({ message: 'The specified bucket does not exist', $metadata: errorMetadata(404) });
    return objects;
  }

  /** Buckets and their objects, as a saved state keeps them. */
  exportState(): PersistedS3 {
    return {
      buckets: [...this.buckets].map(([name, objects]) => ({ name, objects: structuredClone([...objects.values()]) })),
    };
  }

  /** Loads saved buckets and objects (buckets the stack defines may exist already). */
  importState(state: PersistedS3): void {
    for (const { name, objects } of state.buckets) {
      this.createBucket(name);
      for (const object of structuredClone(objects)) this.objects(name).set(object.key, object);
    }
  }
}

function checkedKey(key: string | undefined): string {
  if (!key || Buffer.byteLength(key, 'utf8') > 1024) throw invalidRequest('object keys are 1 to 1,024 bytes of UTF-8');
  return key;
}

function invalidRequest(message: string): S3ServiceException {
  return new S3ServiceException({ name: 'InvalidRequest', $fault: 'client', message, $metadata: errorMetadata(400) });
}
