import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ALARM_NAME_PREFIX, INSTANCE_ID_PREFIX, MANAGED_BY, TAG_KEYS } from '../../lambdas/shared/naming';

/**
 * ARNs and conditions that scope the handlers' permissions to tenant resources: instance identifiers, alarm names
 * and secret names carry fixed prefixes, and destructive actions additionally require the platform's
 * `managed-by` tag on the resource.
 */
export class TenantResourceArns {
  private readonly stack: Stack;

  constructor(
    scope: Construct,
    private readonly secretNamePattern: string,
  ) {
    this.stack = Stack.of(scope);
  }

  private rds(resource: string, name: string, region?: string): string {
    return this.stack.formatArn({
      service: 'rds',
      resource,
      resourceName: name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      ...(region ? { region } : {}),
    });
  }

  /** Every tenant DB instance. */
  get instances(): string {
    return this.rds('db', `${INSTANCE_ID_PREFIX}*`);
  }

  /** Subnet groups, parameter groups and option groups a CreateDBInstance request names. */
  get instanceDependencies(): string[] {
    return [this.rds('subgrp', '*'), this.rds('pg', '*'), this.rds('og', '*')];
  }

  /** Automated-backup replicas in `region`. */
  autoBackups(region: string): string {
    return this.rds('auto-backup', '*', region);
  }

  /** Manual snapshots of tenant instances (final snapshots are named `tenant-<id>-final-...`) in `region`. */
  snapshots(region?: string): string {
    return this.rds('snapshot', `${INSTANCE_ID_PREFIX}*`, region);
  }

  /** The log groups RDS exports a tenant instance's logs to. */
  get instanceLogGroups(): string {
    return this.stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `/aws/rds/instance/${INSTANCE_ID_PREFIX}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** Every per-tenant alarm. */
  get alarms(): string {
    return this.stack.formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: `${ALARM_NAME_PREFIX}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** Every tenant application secret (Secrets Manager appends `-` and six characters to secret ARNs). */
  get appSecrets(): string {
    return `${this.appSecretsByName}-??????`;
  }

  /**
   * The same secrets as named before they exist: Secrets Manager authorizes a request for a secret that does not
   * exist (yet, or any more) against the ARN without the random suffix, and answers AccessDenied rather than
   * ResourceNotFound when only the suffixed form is allowed.
   */
  get appSecretsByName(): string {
    return this.stack.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: this.secretNamePattern.replaceAll('{tenantId}', '*'),
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /**
   * Manual DB snapshots: the final snapshots an undelete restores. Their identifiers are chosen by offboarding, so the
   * grant is scoped by the platform's `managed-by` tag on the snapshot rather than by name.
   */
  get dbSnapshots(): string {
    return this.rds('snapshot', '*');
  }

  /** RDS-managed master user secrets. */
  get rdsManagedSecrets(): string {
    return this.stack.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: 'rds!db-*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }
}

/** Condition: the resource carries the platform's `managed-by` tag. */
export const MANAGED_RESOURCE_CONDITION = { StringEquals: { [`aws:ResourceTag/${TAG_KEYS.managedBy}`]: MANAGED_BY } };

/** Condition: the request tags the new resource with the platform's `managed-by` tag. */
export const MANAGED_REQUEST_CONDITION = { StringEquals: { [`aws:RequestTag/${TAG_KEYS.managedBy}`]: MANAGED_BY } };

/**
 * Condition: a KMS grant may be created only for an AWS service acting on a resource (RDS for the instance's storage
 * and backups), never for an arbitrary grantee (AWS KMS developer guide, kms:GrantIsForAWSResource).
 */
export const GRANT_FOR_AWS_RESOURCE = { Bool: { 'kms:GrantIsForAWSResource': 'true' } };

/**
 * The tag RDS puts on each master user secret it manages, naming the DB instance's ARN (RDS user guide, "Password
 * management with Amazon RDS and AWS Secrets Manager").
 */
export const RDS_SECRET_INSTANCE_TAG = 'aws:rds:primaryDBInstanceArn';

/** Shorthand for an Allow statement. */
export function allow(
  actions: string[],
  resources: string[],
  conditions?: Record<string, unknown>,
): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions, resources, ...(conditions ? { conditions } : {}) });
}

/**
 * The cdk-nag finding id of a wildcard resource as cdk-nag renders it (pseudo parameters as `<AWS::...>`), so an
 * acknowledgement names exactly the scoped wildcard it accepts and a new wildcard still fails synth.
 *
 * @example
 * ```ts
 * wildcardFinding('rds', 'db:tenant-*'); // 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:rds:<AWS::Region>:<AWS::AccountId>:db:tenant-*]'
 * ```
 */
export function wildcardFinding(service: string, resource: string, region = '<AWS::Region>'): string {
  return `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:${service}:${region}:<AWS::AccountId>:${resource}]`;
}
