import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LRUCache } from 'lru-cache';
import { TenantLookupError } from './errors';
import type { TenantLocation } from './location';

/** A login read from the tenant's application secret. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
  /** Secrets Manager's version id: tells a re-read that found nothing new from one that did. */
  readonly versionId: string;
}

/** Why the secret was read. */
export type SecretReadReason = 'first-use' | 'expired' | 'auth-failure';

export interface CredentialStoreOptions {
  /** How long a secret value is reused before it is read again. */
  ttlMillis: number;
  /** The Secrets Manager client of a Region. */
  clientFor: (region: string) => SecretsManagerClient;
  onRead?: (location: TenantLocation, reason: SecretReadReason, stage: string) => void;
}

/**
 * The application secrets, cached per ARN. A database that refuses the cached password gets one re-read
 * ({@link refreshAfterFailure}): rotation changes the secret and the role's password close together, so the new value
 * is either already in AWSCURRENT or, while a single-user rotation is between its setSecret and finishSecret steps,
 * in AWSPENDING. Values live only in this cache and in pg's connection settings: never logged, never in an error.
 */
export class CredentialStore {
  private readonly cache: LRUCache<string, Credentials>;
  private readonly refreshes = new Map<string, Promise<Credentials>>();
  private readonly pendingFirstReads = new Map<string, Promise<Credentials>>();
  private readonly seen = new Set<string>();

  constructor(private readonly options: CredentialStoreOptions) {
    this.cache = new LRUCache<string, Credentials>({ max: 10_000, ttl: options.ttlMillis });
  }

  /** The cached login of `location`'s secret, read once when absent or expired (concurrent callers share the read). */
  async get(location: TenantLocation): Promise<Credentials> {
    const cached = this.cache.get(location.secretArn);
    if (cached) return cached;
    const inFlight = this.pendingFirstReads.get(location.secretArn) ?? this.refreshes.get(location.secretArn);
    if (inFlight) return inFlight;
    const reason: SecretReadReason = this.seen.has(location.secretArn) ? 'expired' : 'first-use';
    this.seen.add(location.secretArn);
    const read = this.read(location, 'AWSCURRENT', reason)
      .then((credentials) => {
        this.cache.set(location.secretArn, credentials);
        return credentials;
      })
      .finally(() => this.pendingFirstReads.delete(location.secretArn));
    this.pendingFirstReads.set(location.secretArn, read);
    return read;
  }

  /** The cached login without reading (undefined when not cached). */
  peek(location: TenantLocation): Credentials | undefined {
    return this.cache.get(location.secretArn);
  }

  /**
   * After the database refused the login of version `failedVersionId`: reads the secret again, once for all the
   * connections that failed with that version. When AWSCURRENT still holds the refused version, a rotation is
   * half-way and AWSPENDING holds the password the database already has.
   */
  async refreshAfterFailure(location: TenantLocation, failedVersionId: string): Promise<Credentials> {
    const current = this.cache.get(location.secretArn);
    if (current && current.versionId !== failedVersionId) return current;
    const inFlight = this.refreshes.get(location.secretArn);
    if (inFlight) return inFlight;
    const refresh = (async () => {
      let fresh = await this.read(location, 'AWSCURRENT', 'auth-failure');
      if (fresh.versionId === failedVersionId) {
        fresh = (await this.read(location, 'AWSPENDING', 'auth-failure', true)) ?? fresh;
      }
      this.cache.set(location.secretArn, fresh);
      return fresh;
    })().finally(() => this.refreshes.delete(location.secretArn));
    this.refreshes.set(location.secretArn, refresh);
    return refresh;
  }

  /** Forgets every cached value. */
  clear(): void {
    this.cache.clear();
  }

  private read(location: TenantLocation, stage: string, reason: SecretReadReason): Promise<Credentials>;
  private read(
    location: TenantLocation,
    stage: string,
    reason: SecretReadReason,
    optional: true,
  ): Promise<Credentials | undefined>;
  private async read(
    location: TenantLocation,
    stage: string,
    reason: SecretReadReason,
    optional = false,
  ): Promise<Credentials | undefined> {
    const { secretArn, tenantId } = location;
    let output: { SecretString?: string; VersionId?: string };
    try {
      output = await this.options
        .clientFor(location.region)
        .send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: stage }));
    } catch (error) {
      const name = (error as { name?: string }).name ?? 'Error';
      if (optional && name === 'ResourceNotFoundException') return undefined;
      // The SDK's message names the secret and the refusal, never a value.
      throw new TenantLookupError(
        `cannot read the application secret ${secretArn} of tenant ${tenantId} (${name}: ${(error as Error).message})`,
      );
    }
    this.options.onRead?.(location, reason, stage);
    return parseCredentials(output.SecretString, output.VersionId ?? stage, location);
  }
}

/** The login in a secret string; the error names the secret, never its content. */
function parseCredentials(
  secretString: string | undefined,
  versionId: string,
  location: Pick<TenantLocation, 'secretArn' | 'tenantId'>,
): Credentials {
  let parsed: unknown;
  try {
    parsed = secretString === undefined ? undefined : JSON.parse(secretString);
  } catch {
    parsed = undefined;
  }
  const { username, password } = (parsed ?? {}) as { username?: unknown; password?: unknown };
  if (typeof username !== 'string' || username === '' || typeof password !== 'string' || password === '') {
    throw new TenantLookupError(
      `the application secret ${location.secretArn} of tenant ${location.tenantId} is not a JSON object with a username and a password`,
    );
  }
  return { username, password, versionId };
}

/** A Secrets Manager client per Region, created on first use. */
export function secretsClientsByRegion(): (region: string) => SecretsManagerClient {
  const clients = new Map<string, SecretsManagerClient>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = new SecretsManagerClient({ region });
      clients.set(region, client);
    }
    return client;
  };
}
