/**
 * CloudWatch Logs log groups: CreateLogGroup with the documented name, key and tag rules, PutRetentionPolicy with
 * the accepted retention periods, and DescribeLogGroups by name prefix. Enough for the log groups CreateInstance
 * prepares for the exported PostgreSQL logs; log events are not modeled.
 *
 * @module
 */
import {
  CreateLogGroupCommand,
  type CreateLogGroupCommandInput,
  DescribeLogGroupsCommand,
  type DescribeLogGroupsCommandInput,
  type DescribeLogGroupsCommandOutput,
  InvalidParameterException,
  type LogGroup,
  PutRetentionPolicyCommand,
  type PutRetentionPolicyCommandInput,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import type { CallContext, DoubleEnvironment, Out, Route } from './environment';
import { route } from './environment';
import { errorMetadata } from './errors';
import { isIntIn, requireString, validateTags } from './validate';

const invalid = (message: string) => new InvalidParameterException({ message, $metadata: errorMetadata(400) });

/** The retention periods PutRetentionPolicy accepts, from the API reference. */
const RETENTION_DAYS = new Set([
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
]);
const NAME = /^[.\-_/#A-Za-z0-9]+$/;
/** CloudWatch Logs takes a key ARN only, not a key id or alias. */
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

interface LogGroupState {
  group: LogGroup;
  region: string;
  tags: Record<string, string>;
}

/** The log groups as a saved state keeps them. */
export interface PersistedLogs {
  groups: LogGroupState[];
}

/** A log group as the inventory lists it. */
export interface LogGroupSummary {
  name: string;
  region: string;
  kmsKeyId?: string;
  retentionInDays?: number;
  tags: Record<string, string>;
}

function validateName(name: string): void {
  if (name.length > 512 || !NAME.test(name)) {
    throw invalid(`Log group name "${name}" must be 1-512 characters of a-z, A-Z, 0-9, '_', '-', '/', '.' and '#'.`);
  }
  if (name.startsWith('aws/')) throw invalid(`Log group name "${name}" cannot start with "aws/".`);
}

export class LogsDouble {
  private readonly groups: LogGroupState[] = [];

  readonly routes: readonly Route[] = [
    route(CreateLogGroupCommand, (input, ctx) => this.createLogGroup(input, ctx)),
    route(PutRetentionPolicyCommand, (input, ctx) => this.putRetentionPolicy(input, ctx)),
    route(DescribeLogGroupsCommand, (input, ctx) => this.describeLogGroups(input, ctx)),
  ];

  constructor(private readonly env: DoubleEnvironment) {}

  createLogGroup(input: CreateLogGroupCommandInput, ctx: CallContext): Record<string, never> {
    const name = requireString(input.logGroupName, 'logGroupName', invalid);
    validateName(name);
    if (input.kmsKeyId !== undefined && !KMS_KEY_ARN.test(input.kmsKeyId)) {
      throw invalid(`kmsKeyId must be the ARN of a KMS key (got ${input.kmsKeyId}).`);
    }
    const tags = input.tags ?? {};
    validateTags(
      Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      invalid,
    );
    if (this.find(ctx.region, name)) {
      throw new ResourceAlreadyExistsException({
        message: 'The specified log group already exists',
        $metadata: errorMetadata(400),
      });
    }
    const arn = `arn:aws:logs:${ctx.region}:${this.env.account}:log-group:${name}`;
    this.groups.push({
      group: {
        logGroupName: name,
        creationTime: this.env.clock.now(),
        arn: `${arn}:*`,
        logGroupArn: arn,
        storedBytes: 0,
        logGroupClass: 'STANDARD',
        ...(input.kmsKeyId === undefined ? {} : { kmsKeyId: input.kmsKeyId }),
      },
      region: ctx.region,
      tags: { ...tags },
    });
    return {};
  }

  putRetentionPolicy(input: PutRetentionPolicyCommandInput, ctx: CallContext): Record<string, never> {
    const name = requireString(input.logGroupName, 'logGroupName', invalid);
    if (!RETENTION_DAYS.has(input.retentionInDays as number)) {
      throw invalid(`Invalid retentionInDays: ${input.retentionInDays}.`);
    }
    const found = this.find(ctx.region, name);
    if (!found) {
      throw new ResourceNotFoundException({
        message: 'The specified log group does not exist.',
        $metadata: errorMetadata(400),
      });
    }
    found.group.retentionInDays = input.retentionInDays;
    return {};
  }

  describeLogGroups(input: DescribeLogGroupsCommandInput, ctx: CallContext): Out<DescribeLogGroupsCommandOutput> {
    if (input.logGroupNamePattern !== undefined || input.logGroupIdentifiers !== undefined) {
      throw invalid('the double models DescribeLogGroups by logGroupNamePrefix only.');
    }
    const limit = input.limit ?? 50;
    if (!isIntIn(limit, 1, 50)) throw invalid('limit must be between 1 and 50.');
    const selected = this.groups
      .filter((g) => g.region === ctx.region)
      .map((g) => g.group)
      .filter((g) => input.logGroupNamePrefix === undefined || g.logGroupName?.startsWith(input.logGroupNamePrefix))
      .sort((a, b) => (a.logGroupName as string).localeCompare(b.logGroupName as string));
    const start = input.nextToken ? Number(input.nextToken) : 0;
    const next = start + limit < selected.length ? String(start + limit) : undefined;
    return { logGroups: structuredClone(selected.slice(start, start + limit)), nextToken: next };
  }

  /** Every log group that exists. */
  list(): LogGroupSummary[] {
    return this.groups.map((g) => ({
      name: g.group.logGroupName as string,
      region: g.region,
      ...(g.group.kmsKeyId === undefined ? {} : { kmsKeyId: g.group.kmsKeyId }),
      ...(g.group.retentionInDays === undefined ? {} : { retentionInDays: g.group.retentionInDays }),
      tags: { ...g.tags },
    }));
  }

  private find(region: string, name: string): LogGroupState | undefined {
    return this.groups.find((g) => g.region === region && g.group.logGroupName === name);
  }

  /** The log groups, as a saved state keeps them. */
  exportState(): PersistedLogs {
    return { groups: structuredClone(this.groups) };
  }

  /** Loads saved log groups into this (fresh) double. */
  importState(state: PersistedLogs): void {
    if (this.groups.length > 0) throw new Error('CloudWatch Logs double: a saved state loads into a fresh double only');
    this.groups.push(...structuredClone(state.groups));
  }
}
