/**
 * Secrets Manager as the workflow uses it: the application secret (create, describe, read, update, delete with or
 * without a recovery window, rotation turned on and off) and the random password generator, plus the RDS-managed
 * master secrets the RDS double creates. Secrets are regional; a name is blocked while its secret is scheduled for
 * deletion.
 *
 * Rotation runs Lambda functions the double knows by ARN ({@link SecretsManagerDouble.registerRotationFunction}):
 * one Secrets Manager could not invoke is refused as AWS refuses it when the function's policy does not admit
 * `secretsmanager.amazonaws.com`.
 *
 * @module
 */
import {
  CancelRotateSecretCommand,
  type CancelRotateSecretCommandOutput,
  CreateSecretCommand,
  type CreateSecretCommandOutput,
  DeleteSecretCommand,
  type DeleteSecretCommandOutput,
  DescribeSecretCommand,
  type DescribeSecretCommandOutput,
  type Filter,
  GetRandomPasswordCommand,
  type GetRandomPasswordCommandInput,
  type GetRandomPasswordCommandOutput,
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  InvalidParameterException,
  InvalidRequestException,
  ListSecretsCommand,
  type ListSecretsCommandOutput,
  PutSecretValueCommand,
  type PutSecretValueCommandOutput,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  type RestoreSecretCommandOutput,
  RotateSecretCommand,
  type RotateSecretCommandOutput,
  type SecretListEntry,
  SecretsManagerServiceException,
  type Tag,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { type CallContext, type DoubleEnvironment, type Out, type Route, route } from './environment';
import { errorMetadata, NotModeledError, serviceError } from './errors';
import { MIXED_ALNUM } from './ids';
import { isIntIn, mergeTags, requireString, validateTags } from './validate';
import type { TimerHandle } from './virtual-clock';

const DAY_MS = 24 * 3600_000;
const NAME_CHARS = /^[A-Za-z0-9/_+=.@-]+$/;
const MAX_SECRET_BYTES = 65_536;
const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';
const PENDING = 'AWSPENDING';
/** RotationRulesType.AutomaticallyAfterDays: "Valid Range: Minimum value of 1. Maximum value of 1000." */
const ROTATION_DAYS = { min: 1, max: 1000 };
/** RotationLambdaARN: at most 2048 characters, a Lambda function ARN (optionally with a version or alias). */
const MAX_LAMBDA_ARN_LENGTH = 2048;
const LAMBDA_FUNCTION_ARN =
  /^arn:aws[a-z-]*:lambda:[a-z]{2}(-[a-z]+)+-\d:\d{12}:function:[A-Za-z0-9_-]{1,64}(:(\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
/** The punctuation GetRandomPassword draws from, as documented. */
const PASSWORD_PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

interface SecretValue {
  string?: string;
  binary?: Uint8Array;
}

interface SecretVersion {
  id: string;
  value: SecretValue;
  stages: string[];
  createdAt: number;
}

/** One step of a rotation, as Secrets Manager invokes the rotation function with it. */
export interface RotationInvocation {
  SecretId: string;
  ClientRequestToken: string;
  Step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
}

/** A rotation function: resolves when the step succeeded, rejects when it failed. */
export type RotationFunction = (event: RotationInvocation) => Promise<unknown>;

/** A rotation step that failed, as the rotation function's logs and CloudTrail would show it. */
export interface RotationFailure {
  secretArn: string;
  functionArn: string;
  step: RotationInvocation['Step'];
  error: string;
}

interface RotationConfig {
  enabled: boolean;
  lambdaArn?: string;
  automaticallyAfterDays?: number;
}

interface SecretState {
  arn: string;
  name: string;
  region: string;
  description?: string;
  kmsKeyId?: string;
  tags: Tag[];
  versions: SecretVersion[];
  createdAt: number;
  lastChangedAt: number;
  /** Set while the secret is scheduled for deletion. */
  deletedAt?: number;
  deletionAt?: number;
  deletionTimer?: TimerHandle;
  owningService?: string;
  rotation: RotationConfig;
}

/** The secrets as a saved state keeps them (values included). */
export interface PersistedSecrets {
  secrets: Omit<SecretState, 'deletionTimer'>[];
  blockedNames: { region: string; name: string; until: number }[];
}

/** A secret as the inventory lists it. */
export interface SecretSummary {
  arn: string;
  name: string;
  region: string;
  /** `rds` for the RDS-managed master secrets. */
  owningService?: string;
  tags: Tag[];
  /** When it will be gone, if it is scheduled for deletion. */
  scheduledDeletion?: Date;
}

export interface SecretsManagerSettings {
  /**
   * How long a name stays blocked after ForceDeleteWithoutRecovery. AWS deletes asynchronously, so an immediate
   * CreateSecret of the same name can still fail; 0 (default) models the usual case where it succeeds.
   */
  forceDeleteLagMs: number;
}

const invalidParameter = (message: string) => new InvalidParameterException({ message, $metadata: errorMetadata(400) });
const invalidRequest = (message: string) => new InvalidRequestException({ message, $metadata: errorMetadata(400) });
const accessDenied = (message: string) =>
  serviceError(SecretsManagerServiceException, 'AccessDeniedException', message);
const notFound = (message = "Secrets Manager can't find the specified secret.") =>
  new ResourceNotFoundException({ message, $metadata: errorMetadata(400) });
const exists = (message: string) => new ResourceExistsException({ message, $metadata: errorMetadata(400) });

const MARKED_FOR_DELETION = "You can't perform this operation on the secret because it was marked for deletion.";

export class SecretsManagerDouble {
  readonly settings: SecretsManagerSettings = { forceDeleteLagMs: 0 };
  private readonly secrets: SecretState[] = [];
  private readonly blockedNames: { region: string; name: string; until: number }[] = [];
  private readonly rotationFunctions = new Map<string, RotationFunction>();
  /** Rotation steps that failed; RotateSecret reports none of them (rotation is asynchronous in AWS). */
  readonly rotationFailures: RotationFailure[] = [];

  readonly routes: readonly Route[] = [
    route(GetRandomPasswordCommand, (input) => this.getRandomPassword(input)),
    route(CreateSecretCommand, (input, ctx) => this.createSecret(input, ctx)),
    route(DescribeSecretCommand, (input, ctx) => this.describeSecret(input, ctx)),
    route(GetSecretValueCommand, (input, ctx) => this.getSecretValue(input, ctx)),
    route(PutSecretValueCommand, (input, ctx) => this.putSecretValue(input, ctx)),
    route(DeleteSecretCommand, (input, ctx) => this.deleteSecret(input, ctx)),
    route(RestoreSecretCommand, (input, ctx) => this.restoreSecret(input, ctx)),
    route(RotateSecretCommand, (input, ctx) => this.rotateSecret(input, ctx)),
    route(CancelRotateSecretCommand, (input, ctx) => this.cancelRotateSecret(input, ctx)),
    route(ListSecretsCommand, (input, ctx) => this.listSecrets(input, ctx)),
    route(TagResourceCommand, (input, ctx) => this.tagResource(input, ctx)),
    route(UntagResourceCommand, (input, ctx) => this.untagResource(input, ctx)),
  ];

  constructor(private readonly env: DoubleEnvironment) {}

  getRandomPassword(input: GetRandomPasswordCommandInput): Out<GetRandomPasswordCommandOutput> {
    const length = input.PasswordLength ?? 32;
    if (!isIntIn(length, 4, 4096)) throw invalidParameter('PasswordLength must be between 4 and 4096.');
    const excluded = new Set(input.ExcludeCharacters ?? '');
    const keep = (chars: string) => [...chars].filter((c) => !excluded.has(c)).join('');
    const types = [
      input.ExcludeLowercase ? '' : keep(LOWER),
      input.ExcludeUppercase ? '' : keep(UPPER),
      input.ExcludeNumbers ? '' : keep(DIGITS),
      input.ExcludePunctuation ? '' : keep(PASSWORD_PUNCTUATION),
    ].filter((chars) => chars.length > 0);
    const pool = types.join('') + (input.IncludeSpace && !excluded.has(' ') ? ' ' : '');
    if (pool.length === 0) throw invalidParameter('The request excludes every character; nothing is left to choose.');
    const requireEach = input.RequireEachIncludedType ?? true;
    if (requireEach && length < types.length) {
      throw invalidParameter(
        `PasswordLength ${length} is too short to include each of ${types.length} character types.`,
      );
    }
    const chars = requireEach ? types.map((t) => this.env.ids.chars(1, t)) : [];
    while (chars.length < length) chars.push(this.env.ids.chars(1, pool));
    for (let i = chars.length - 1; i > 0; i -= 1) {
      const j = this.env.ids.int(i + 1);
      [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
    }
    const password = chars.join('');
    this.env.secretValues.add(password);
    return { RandomPassword: password };
  }

  createSecret(input: CreateSecretCommand['input'], ctx: CallContext): Out<CreateSecretCommandOutput> {
    const name = requireString(input.Name, 'Name', invalidParameter);
    if (name.length > 512 || !NAME_CHARS.test(name)) {
      throw invalidParameter(
        'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@',
      );
    }
    const value = this.valueOf(input);
    const token = this.token(input.ClientRequestToken);
    validateTags(input.Tags, invalidParameter);
    const existing = this.byName(ctx.region, name);
    if (existing?.deletedAt !== undefined || this.isBlocked(ctx.region, name)) {
      throw invalidRequest(
        "You can't create this secret because a secret with this name is already scheduled for deletion.",
      );
    }
    if (existing) {
      // Idempotency as documented: the same token with the same value is the same request.
      const version = existing.versions.find((v) => v.id === token);
      if (version && value && sameValue(version.value, value)) {
        return { ARN: existing.arn, Name: existing.name, VersionId: version.id };
      }
      throw exists(`The operation failed because the secret ${name} already exists.`);
    }
    const secret = this.add({
      region: ctx.region,
      name,
      description: input.Description,
      kmsKeyId: input.KmsKeyId,
      tags: input.Tags ?? [],
    });
    if (value) this.addVersion(secret, token, value, [CURRENT]);
    return { ARN: secret.arn, Name: secret.name, VersionId: value ? token : undefined };
  }

  describeSecret(input: DescribeSecretCommand['input'], ctx: CallContext): Out<DescribeSecretCommandOutput> {
    const secret = this.find(ctx.region, input.SecretId);
    return {
      ARN: secret.arn,
      Name: secret.name,
      Description: secret.description,
      KmsKeyId: secret.kmsKeyId,
      RotationEnabled: secret.rotation.enabled,
      RotationLambdaARN: secret.rotation.lambdaArn,
      RotationRules:
        secret.rotation.automaticallyAfterDays === undefined
          ? undefined
          : { AutomaticallyAfterDays: secret.rotation.automaticallyAfterDays },
      Tags: structuredClone(secret.tags),
      CreatedDate: new Date(secret.createdAt),
      LastChangedDate: new Date(secret.lastChangedAt),
      DeletedDate: secret.deletedAt === undefined ? undefined : new Date(secret.deletedAt),
      OwningService: secret.owningService,
      PrimaryRegion: secret.region,
      VersionIdsToStages: Object.fromEntries(
        secret.versions.filter((v) => v.stages.length > 0).map((v) => [v.id, [...v.stages]]),
      ),
    };
  }

  getSecretValue(input: GetSecretValueCommand['input'], ctx: CallContext): Out<GetSecretValueCommandOutput> {
    const secret = this.find(ctx.region, input.SecretId);
    if (secret.deletedAt !== undefined) throw invalidRequest(MARKED_FOR_DELETION);
    const stage = input.VersionStage ?? (input.VersionId ? undefined : CURRENT);
    const version = secret.versions.find(
      (v) => (!input.VersionId || v.id === input.VersionId) && (!stage || v.stages.includes(stage)),
    );
    // A version with no value (the placeholder of a rotation's configuration test) has nothing to return.
    if (!version || (version.value.string === undefined && version.value.binary === undefined)) {
      throw notFound(
        input.VersionId
          ? `Secrets Manager can't find the specified secret value for VersionId: ${input.VersionId}`
          : `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
      );
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.id,
      SecretString: version.value.string,
      SecretBinary: version.value.binary ? new Uint8Array(version.value.binary) : undefined,
      VersionStages: [...version.stages],
      CreatedDate: new Date(version.createdAt),
    };
  }

  putSecretValue(input: PutSecretValueCommand['input'], ctx: CallContext): Out<PutSecretValueCommandOutput> {
    const secret = this.find(ctx.region, input.SecretId);
    if (secret.deletedAt !== undefined) throw invalidRequest(MARKED_FOR_DELETION);
    this.refuseManaged(secret);
    const value = this.valueOf(input);
    if (!value) throw invalidParameter('You must provide either SecretString or SecretBinary.');
    const token = this.token(input.ClientRequestToken);
    const existing = secret.versions.find((v) => v.id === token);
    if (existing) {
      if (!sameValue(existing.value, value)) {
        throw exists("You can't modify an existing version, you can only create new versions.");
      }
      return { ARN: secret.arn, Name: secret.name, VersionId: existing.id, VersionStages: [...existing.stages] };
    }
    const version = this.addVersion(secret, token, value, input.VersionStages ?? [CURRENT]);
    return { ARN: secret.arn, Name: secret.name, VersionId: version.id, VersionStages: [...version.stages] };
  }

  deleteSecret(input: DeleteSecretCommand['input'], ctx: CallContext): Out<DeleteSecretCommandOutput> {
    const force = input.ForceDeleteWithoutRecovery === true;
    if (force && input.RecoveryWindowInDays !== undefined) {
      throw invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
    }
    const windowDays = input.RecoveryWindowInDays ?? 30;
    if (!isIntIn(windowDays, 7, 30)) throw invalidParameter('RecoveryWindowInDays must be between 7 and 30 days.');
    const secret = this.find(ctx.region, input.SecretId);
    this.refuseManaged(secret);
    const now = this.env.clock.now();
    if (force) {
      this.remove(secret);
      if (this.settings.forceDeleteLagMs > 0) {
        this.blockedNames.push({
          region: secret.region,
          name: secret.name,
          until: now + this.settings.forceDeleteLagMs,
        });
      }
      return { ARN: secret.arn, Name: secret.name, DeletionDate: new Date(now) };
    }
    if (secret.deletedAt !== undefined) throw invalidRequest(MARKED_FOR_DELETION);
    secret.deletedAt = now;
    secret.deletionAt = now + windowDays * DAY_MS;
    secret.deletionTimer = this.env.clock.scheduleAt(secret.deletionAt, () => this.remove(secret));
    return { ARN: secret.arn, Name: secret.name, DeletionDate: new Date(secret.deletionAt) };
  }

  restoreSecret(input: RestoreSecretCommand['input'], ctx: CallContext): Out<RestoreSecretCommandOutput> {
    const secret = this.find(ctx.region, input.SecretId);
    secret.deletionTimer?.cancel();
    secret.deletedAt = undefined;
    secret.deletionAt = undefined;
    secret.deletionTimer = undefined;
    return { ARN: secret.arn, Name: secret.name };
  }

  /**
   * RotateSecret with a Lambda rotation function, validated as the API reference states: RotationLambdaARN a
   * function ARN of at most 2048 characters, `AutomaticallyAfterDays` 1–1000 and not together with a
   * `ScheduleExpression`, a function Secrets Manager may invoke, no earlier rotation still pending (AWSPENDING on a
   * version that is not AWSCURRENT), and neither a secret scheduled for deletion nor one another service manages.
   * With `RotateImmediately: false` it stores the configuration and runs the function's testSecret step on an
   * AWSPENDING version it then removes, as AWS documents; a failed test is recorded in {@link rotationFailures}.
   * Immediate rotation and schedule expressions are not modeled: the platform never sends them.
   */
  async rotateSecret(input: RotateSecretCommand['input'], ctx: CallContext): Promise<Out<RotateSecretCommandOutput>> {
    const secret = this.find(ctx.region, input.SecretId);
    if (secret.deletedAt !== undefined) throw invalidRequest(MARKED_FOR_DELETION);
    if (secret.owningService) {
      throw invalidRequest(
        `You can't rotate secret ${secret.name} with a Lambda function because it's managed by ${secret.owningService}.`,
      );
    }
    const token = this.token(input.ClientRequestToken);
    const lambdaArn = input.RotationLambdaARN;
    if (lambdaArn !== undefined && (lambdaArn.length > MAX_LAMBDA_ARN_LENGTH || !LAMBDA_FUNCTION_ARN.test(lambdaArn))) {
      throw invalidParameter(`RotationLambdaARN must be the ARN of a Lambda function (got ${lambdaArn}).`);
    }
    const rules = input.RotationRules;
    if (rules?.ScheduleExpression !== undefined && rules.AutomaticallyAfterDays !== undefined) {
      throw invalidParameter("You can't specify both AutomaticallyAfterDays and ScheduleExpression.");
    }
    if (rules?.ScheduleExpression !== undefined || rules?.Duration !== undefined) {
      throw new NotModeledError('RotateSecret with a ScheduleExpression or Duration');
    }
    const days = rules?.AutomaticallyAfterDays;
    if (days !== undefined && !isIntIn(days, ROTATION_DAYS.min, ROTATION_DAYS.max)) {
      throw invalidParameter(
        `AutomaticallyAfterDays must be between ${ROTATION_DAYS.min} and ${ROTATION_DAYS.max} (got ${days}).`,
      );
    }
    if (input.RotateImmediately !== false) throw new NotModeledError('RotateSecret that rotates immediately');
    const functionArn = lambdaArn ?? secret.rotation.lambdaArn;
    if (functionArn === undefined)
      throw invalidRequest('No Lambda rotation function ARN is associated with this secret.');
    const automaticallyAfterDays = days ?? secret.rotation.automaticallyAfterDays;
    if (automaticallyAfterDays === undefined) throw new NotModeledError('RotateSecret without a rotation schedule');
    if (secret.versions.some((v) => v.stages.includes(PENDING) && !v.stages.includes(CURRENT))) {
      throw invalidRequest("A previous rotation isn't complete. That rotation will be continued.");
    }
    const rotate = this.rotationFunctions.get(functionArn);
    if (!rotate) {
      throw accessDenied(
        'Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.',
      );
    }
    secret.rotation = { enabled: true, lambdaArn: functionArn, automaticallyAfterDays };
    // The configuration test: an AWSPENDING version for the testSecret step, removed afterwards whatever happened.
    const placeholder: SecretVersion = { id: token, value: {}, stages: [PENDING], createdAt: this.env.clock.now() };
    secret.versions.push(placeholder);
    try {
      await rotate({ SecretId: secret.arn, ClientRequestToken: token, Step: 'testSecret' });
    } catch (error) {
      this.rotationFailures.push({
        secretArn: secret.arn,
        functionArn,
        step: 'testSecret',
        error: `${(error as Error).name}: ${(error as Error).message}`,
      });
    } finally {
      secret.versions = secret.versions.filter((v) => v !== placeholder);
    }
    return { ARN: secret.arn, Name: secret.name, VersionId: token };
  }

  /**
   * CancelRotateSecret: turns automatic rotation off, keeping the function and schedule for a later RotateSecret,
   * and names the version a rotation in progress left AWSPENDING (which the caller must clean up).
   */
  cancelRotateSecret(
    input: CancelRotateSecretCommand['input'],
    ctx: CallContext,
  ): Out<CancelRotateSecretCommandOutput> {
    const secret = this.find(ctx.region, input.SecretId);
    if (secret.deletedAt !== undefined) throw invalidRequest(MARKED_FOR_DELETION);
    this.refuseManaged(secret);
    secret.rotation = { ...secret.rotation, enabled: false };
    const pending = secret.versions.find((v) => v.stages.includes(PENDING) && !v.stages.includes(CURRENT));
    return { ARN: secret.arn, Name: secret.name, VersionId: pending?.id };
  }

  /** Makes `arn` a rotation function Secrets Manager may invoke (its policy admits the service). */
  registerRotationFunction(arn: string, rotate: RotationFunction): void {
    this.rotationFunctions.set(arn, rotate);
  }

  listSecrets(input: ListSecretsCommand['input'], ctx: CallContext): Out<ListSecretsCommandOutput> {
    const entries: SecretListEntry[] = this.secrets
      .filter((s) => s.region === ctx.region)
      .filter((s) => input.IncludePlannedDeletion === true || s.deletedAt === undefined)
      .filter((s) => (input.Filters ?? []).every((f) => matchesFilter(s, f)))
      .map((s) => ({
        ARN: s.arn,
        Name: s.name,
        Description: s.description,
        KmsKeyId: s.kmsKeyId,
        Tags: structuredClone(s.tags),
        OwningService: s.owningService,
        CreatedDate: new Date(s.createdAt),
        LastChangedDate: new Date(s.lastChangedAt),
        DeletedDate: s.deletedAt === undefined ? undefined : new Date(s.deletedAt),
      }));
    return { SecretList: entries };
  }

  tagResource(input: TagResourceCommand['input'], ctx: CallContext): Record<string, never> {
    const secret = this.find(ctx.region, input.SecretId);
    const tags = mergeTags(secret.tags, input.Tags ?? []);
    validateTags(tags, invalidParameter);
    secret.tags = tags;
    return {};
  }

  untagResource(input: UntagResourceCommand['input'], ctx: CallContext): Record<string, never> {
    const secret = this.find(ctx.region, input.SecretId);
    secret.tags = secret.tags.filter((t) => !(input.TagKeys ?? []).includes(t.Key ?? ''));
    return {};
  }

  /**
   * Creates a secret owned by another service (RDS's `rds!db-...` master secrets). Customers cannot create such
   * names, and cannot change or delete the secret: only the owner can, through {@link removeManaged}.
   */
  createManaged(spec: {
    region: string;
    name: string;
    owningService: string;
    kmsKeyId: string;
    tags: Tag[];
    value: string;
  }): string {
    const secret = this.add({ ...spec });
    // RDS turns on managed rotation of the master user secret (every 7 days by default).
    secret.rotation = { enabled: true, automaticallyAfterDays: 7 };
    this.addVersion(secret, this.env.ids.uuid(), { string: spec.value }, [CURRENT]);
    return secret.arn;
  }

  /** Deletes a managed secret at once, as its owning service does when the resource goes away. */
  removeManaged(arn: string): void {
    const secret = this.secrets.find((s) => s.arn === arn);
    if (secret) this.remove(secret);
  }

  /** Every secret that exists, including those scheduled for deletion. */
  list(): SecretSummary[] {
    return this.secrets.map((s) => ({
      arn: s.arn,
      name: s.name,
      region: s.region,
      owningService: s.owningService,
      tags: structuredClone(s.tags),
      scheduledDeletion: s.deletionAt === undefined ? undefined : new Date(s.deletionAt),
    }));
  }

  /** The current string value of a secret (for tests that check what a handler stored). */
  currentValue(secretId: string, region: string): string | undefined {
    const secret = this.lookup(region, secretId);
    return secret?.versions.find((v) => v.stages.includes(CURRENT))?.value.string;
  }

  private add(spec: {
    region: string;
    name: string;
    description?: string;
    kmsKeyId?: string;
    tags: Tag[];
    owningService?: string;
  }): SecretState {
    const now = this.env.clock.now();
    const secret: SecretState = {
      ...spec,
      tags: structuredClone(spec.tags),
      arn: `arn:aws:secretsmanager:${spec.region}:${this.env.account}:secret:${spec.name}-${this.env.ids.chars(6, MIXED_ALNUM)}`,
      versions: [],
      createdAt: now,
      lastChangedAt: now,
      rotation: { enabled: false },
    };
    this.secrets.push(secret);
    return secret;
  }

  private addVersion(secret: SecretState, id: string, value: SecretValue, stages: string[]): SecretVersion {
    const now = this.env.clock.now();
    // Moving AWSCURRENT demotes the old current version to AWSPREVIOUS; a label lives on one version only.
    const current = secret.versions.find((v) => v.stages.includes(CURRENT));
    if (current && stages.includes(CURRENT)) {
      for (const v of secret.versions) v.stages = v.stages.filter((s) => s !== PREVIOUS);
      current.stages.push(PREVIOUS);
    }
    for (const v of secret.versions) v.stages = v.stages.filter((s) => !stages.includes(s));
    const version: SecretVersion = { id, value, stages: [...stages], createdAt: now };
    secret.versions.push(version);
    secret.lastChangedAt = now;
    this.remember(value);
    return version;
  }

  /** Records a stored value, and the password fields of a JSON value, as secrets for the secret scan. */
  private remember(value: SecretValue): void {
    if (value.string === undefined) return;
    this.env.secretValues.add(value.string);
    try {
      const parsed: unknown = JSON.parse(value.string);
      if (parsed && typeof parsed === 'object') {
        for (const [key, field] of Object.entries(parsed)) {
          if (/password/i.test(key) && typeof field === 'string') this.env.secretValues.add(field);
        }
      }
    } catch {
      // Not JSON: the whole string is the secret, already recorded.
    }
  }

  private valueOf(input: { SecretString?: string; SecretBinary?: Uint8Array }): SecretValue | undefined {
    if (input.SecretString !== undefined && input.SecretBinary !== undefined) {
      throw invalidParameter(
        "You can't specify both a binary secret value and a string secret value in the same secret.",
      );
    }
    if (input.SecretString !== undefined) {
      if (Buffer.byteLength(input.SecretString, 'utf8') > MAX_SECRET_BYTES) {
        throw invalidParameter(`SecretString must be at most ${MAX_SECRET_BYTES} bytes.`);
      }
      return { string: input.SecretString };
    }
    if (input.SecretBinary !== undefined) return { binary: new Uint8Array(input.SecretBinary) };
    return undefined;
  }

  /** The SDK fills in a token when the caller sends none; the service requires 32–64 characters. */
  private token(token: string | undefined): string {
    if (token === undefined) return this.env.ids.uuid();
    if (token.length < 32 || token.length > 64) throw invalidParameter('ClientRequestToken must be 32-64 characters.');
    return token;
  }

  private refuseManaged(secret: SecretState): void {
    if (secret.owningService) {
      throw invalidRequest(
        `You can't modify or delete secret ${secret.name} because it's managed by ${secret.owningService}; use the managing service instead.`,
      );
    }
  }

  private isBlocked(region: string, name: string): boolean {
    const now = this.env.clock.now();
    return this.blockedNames.some((b) => b.region === region && b.name === name && b.until > now);
  }

  private byName(region: string, name: string): SecretState | undefined {
    return this.secrets.find((s) => s.region === region && s.name === name);
  }

  private lookup(region: string, secretId: string | undefined): SecretState | undefined {
    if (!secretId) return undefined;
    return this.secrets.find(
      (s) => s.region === region && (s.name === secretId || s.arn === secretId || s.arn.slice(0, -7) === secretId),
    );
  }

  private find(region: string, secretId: string | undefined): SecretState {
    requireString(secretId, 'SecretId', invalidParameter);
    const secret = this.lookup(region, secretId);
    if (!secret) throw notFound();
    return secret;
  }

  private remove(secret: SecretState): void {
    secret.deletionTimer?.cancel();
    const index = this.secrets.indexOf(secret);
    if (index >= 0) this.secrets.splice(index, 1);
  }

  // State that survives a restart of the local platform (persisted.ts).

  /** Secrets (values, versions and stages, rotation settings, deletion schedules) and blocked names. */
  exportState(): PersistedSecrets {
    return {
      secrets: this.secrets.map(({ deletionTimer: _timer, ...fields }) => structuredClone(fields)),
      blockedNames: structuredClone(this.blockedNames),
    };
  }

  /** Loads saved secrets into this (fresh) double; a secret scheduled for deletion is deleted when due. */
  importState(state: PersistedSecrets): void {
    if (this.secrets.length > 0)
      throw new Error('Secrets Manager double: a saved state loads into a fresh double only');
    for (const fields of state.secrets) {
      const secret: SecretState = structuredClone(fields);
      this.secrets.push(secret);
      if (secret.deletionAt !== undefined) {
        secret.deletionTimer = this.env.clock.scheduleAt(secret.deletionAt, () => this.remove(secret));
      }
    }
    this.blockedNames.push(...structuredClone(state.blockedNames));
  }
}

function sameValue(a: SecretValue, b: SecretValue): boolean {
  if (a.string !== undefined || b.string !== undefined) return a.string === b.string;
  return Buffer.from(a.binary ?? []).equals(Buffer.from(b.binary ?? []));
}

/** ListSecrets filters: values match as prefixes, `!` negates. */
function matchesFilter(secret: SecretState, filter: Filter): boolean {
  const fields: Record<string, string[]> = {
    name: [secret.name],
    description: [secret.description ?? ''],
    'tag-key': secret.tags.map((t) => t.Key ?? ''),
    'tag-value': secret.tags.map((t) => t.Value ?? ''),
    'owning-service': [secret.owningService ?? ''],
    'primary-region': [secret.region],
  };
  const candidates = filter.Key === 'all' ? Object.values(fields).flat() : (fields[filter.Key ?? ''] ?? []);
  return (filter.Values ?? []).some((value) =>
    value.startsWith('!')
      ? !candidates.some((c) => c.startsWith(value.slice(1)))
      : candidates.some((c) => c.startsWith(value)),
  );
}
