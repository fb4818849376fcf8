/**
 * The CreateDBInstance / ModifyDBInstance constraints of the RDS API reference that matter for RDS for
 * PostgreSQL, as pure checks. Each throws the error RDS answers with: `InvalidParameterValue` for a value out of
 * its range, `InvalidParameterCombination` for values that exclude each other.
 *
 * @module
 */
import { type CreateDBInstanceCommandInput, RDSServiceException } from '@aws-sdk/client-rds';
import { CREATABLE_POSTGRES_VERSIONS, parseDailyWindow, parseWeeklyWindow } from '../../../lambdas/shared/tiers';
import { NotModeledError, serviceError } from './errors';
import { isIntIn, validateTags } from './validate';

export const invalidValue = (message: string) => serviceError(RDSServiceException, 'InvalidParameterValue', message);
export const invalidCombination = (message: string) =>
  serviceError(RDSServiceException, 'InvalidParameterCombination', message);
export const missingParameter = (message: string) => serviceError(RDSServiceException, 'MissingParameter', message);

/** Why `id` is not a valid DB instance identifier, or undefined. */
export function identifierProblem(id: string): string | undefined {
  const valid =
    id.length >= 1 && id.length <= 63 && /^[A-Za-z][A-Za-z0-9-]*$/.test(id) && !id.endsWith('-') && !id.includes('--');
  return valid
    ? undefined
    : `The parameter DBInstanceIdentifier is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens. (got "${id}")`;
}

const STORAGE_RANGES: Record<string, [number, number]> = {
  gp2: [20, 65536],
  gp3: [20, 65536],
  io1: [100, 65536],
  io2: [100, 65536],
  standard: [5, 3072],
};
const GP3_PROVISIONING_THRESHOLD_GIB = 400;
const KNOWN_ENGINES = /^(postgres|mysql|mariadb|oracle-.+|sqlserver-.+|aurora.*|db2-.+|custom-.+)$/;
const LOG_TYPES = new Set(['postgresql', 'upgrade', 'iam-db-auth-error']);
const MONITORING_INTERVALS = new Set([0, 1, 5, 10, 15, 30, 60]);
/** Roles RDS and PostgreSQL reserve; RDS refuses them as master user name. */
const RESERVED_USERNAMES = /^(rdsadmin|rdsrepladmin|rds_.*|pg_.*|public|none)$/i;
const FORBIDDEN_PASSWORD_CHARS = /[/'"@ ]/;

export function validateStorage(input: CreateDBInstanceCommandInput): void {
  const type = input.StorageType ?? (input.Iops !== undefined ? 'io1' : 'gp2');
  const range = STORAGE_RANGES[type];
  if (!range) throw invalidValue(`Invalid storage type: ${type}`);
  const size = input.AllocatedStorage;
  if (!isIntIn(size, range[0], range[1])) {
    throw invalidValue(`Invalid storage size for engine name postgres and storage type ${type}: ${size}`);
  }
  const { Iops: iops, StorageThroughput: throughput } = input;
  if ((type === 'gp2' || type === 'standard') && (iops !== undefined || throughput !== undefined)) {
    throw invalidCombination(`You can't specify IOPS or storage throughput for storage type ${type}.`);
  }
  if (type === 'gp3') {
    if (size < GP3_PROVISIONING_THRESHOLD_GIB && (iops !== undefined || throughput !== undefined)) {
      throw invalidCombination(
        `You can't specify IOPS or storage throughput for engine postgres and a storage size less than ${GP3_PROVISIONING_THRESHOLD_GIB}.`,
      );
    }
    if (iops !== undefined && !isIntIn(iops, 12000, 64000)) {
      throw invalidValue(`Invalid IOPS ${iops} for gp3: must be 12000-64000.`);
    }
    if (throughput !== undefined && !isIntIn(throughput, 500, 4000)) {
      throw invalidValue(`Invalid storage throughput ${throughput} for gp3: must be 500-4000 MiBps.`);
    }
    if (throughput !== undefined && throughput > (iops ?? 12000) / 4) {
      throw invalidCombination('The storage throughput to IOPS ratio must be at most 0.25.');
    }
  }
  if (type === 'io1' || type === 'io2') {
    if (!isIntIn(iops, 1000, 256000)) throw invalidValue(`Invalid IOPS ${iops} for ${type}: must be 1000-256000.`);
    const maxRatio = type === 'io1' ? 50 : 1000;
    if (iops < size || iops > maxRatio * size) {
      throw invalidCombination(`The IOPS to storage ratio for ${type} must be between 1 and ${maxRatio}.`);
    }
    if (throughput !== undefined) throw invalidCombination(`You can't specify storage throughput for ${type}.`);
  }
  if (input.MaxAllocatedStorage !== undefined) {
    if (!isIntIn(input.MaxAllocatedStorage, 1, 65536)) {
      throw invalidValue(`Invalid max storage size ${input.MaxAllocatedStorage}.`);
    }
    if (input.MaxAllocatedStorage <= size) {
      throw invalidCombination('Max storage size must be greater than storage size.');
    }
  }
}

function validateCredentials(input: CreateDBInstanceCommandInput): void {
  const username = input.MasterUsername;
  if (username === undefined) throw missingParameter('The parameter MasterUsername must be provided.');
  if (!/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(username)) {
    throw invalidValue(`The parameter MasterUsername is not a valid identifier (got "${username}").`);
  }
  if (RESERVED_USERNAMES.test(username)) {
    throw invalidValue(`MasterUsername ${username} cannot be used as it is a reserved word used by the engine`);
  }
  const managed = input.ManageMasterUserPassword === true;
  if (managed && input.MasterUserPassword !== undefined) {
    throw invalidCombination("You can't specify MasterUserPassword and ManageMasterUserPassword at the same time.");
  }
  if (!managed && input.MasterUserSecretKmsKeyId !== undefined) {
    throw invalidCombination('MasterUserSecretKmsKeyId can be specified only when ManageMasterUserPassword is true.');
  }
  if (!managed) {
    const password = input.MasterUserPassword;
    if (password === undefined || password === '') {
      throw invalidValue('The parameter MasterUserPassword must be provided and must not be blank.');
    }
    if (password.length < 8 || password.length > 128 || FORBIDDEN_PASSWORD_CHARS.test(password)) {
      throw invalidValue(
        "The parameter MasterUserPassword is not a valid password. Only printable ASCII characters besides '/', '@', '\"', ' ' may be used.",
      );
    }
  }
}

function validateMonitoring(input: CreateDBInstanceCommandInput): void {
  const interval = input.MonitoringInterval ?? 0;
  if (!MONITORING_INTERVALS.has(interval)) {
    throw invalidValue(`Invalid MonitoringInterval ${interval}: must be 0, 1, 5, 10, 15, 30 or 60.`);
  }
  if (interval > 0 && !input.MonitoringRoleArn) {
    throw invalidCombination(
      'A MonitoringRoleArn value is required if you specify a MonitoringInterval value other than 0.',
    );
  }
  const retention = input.PerformanceInsightsRetentionPeriod;
  if (retention !== undefined) {
    if (input.EnablePerformanceInsights !== true) {
      throw invalidCombination('PerformanceInsightsRetentionPeriod requires EnablePerformanceInsights.');
    }
    const valid = retention === 7 || retention === 731 || (retention % 31 === 0 && retention >= 31 && retention <= 713);
    if (!valid) throw invalidValue(`Invalid PerformanceInsightsRetentionPeriod ${retention}.`);
  }
  if (
    input.DatabaseInsightsMode === 'advanced' &&
    (input.EnablePerformanceInsights !== true || (retention ?? 7) < 465)
  ) {
    throw invalidCombination(
      'Database Insights advanced mode requires Performance Insights with a retention period of at least 465 days.',
    );
  }
  const unknownLogs = (input.EnableCloudwatchLogsExports ?? []).filter((l) => !LOG_TYPES.has(l));
  if (unknownLogs.length > 0) {
    throw invalidCombination(`You cannot use the log types '${unknownLogs.join("', '")}' with engine postgres.`);
  }
}

/** The backup settings CreateDBInstance and ModifyDBInstance share. */
export function validateBackupSettings(settings: {
  BackupRetentionPeriod?: number;
  PreferredBackupWindow?: string;
  PreferredMaintenanceWindow?: string;
}): void {
  const retention = settings.BackupRetentionPeriod;
  if (retention !== undefined && !isIntIn(retention, 0, 35)) {
    throw invalidValue(`Invalid backup retention period ${retention}: must be between 0 and 35 days.`);
  }
  const backup = settings.PreferredBackupWindow;
  const daily = backup === undefined ? undefined : parseDailyWindow(backup);
  if (backup !== undefined && (!daily || daily[1] - daily[0] < 30)) {
    throw invalidValue(
      `The parameter PreferredBackupWindow must be in the format hh24:mi-hh24:mi and at least 30 minutes (got "${backup}").`,
    );
  }
  const maintenance = settings.PreferredMaintenanceWindow;
  const weekly = maintenance === undefined ? undefined : parseWeeklyWindow(maintenance);
  if (maintenance !== undefined && (!weekly || weekly[1] - weekly[0] < 30)) {
    throw invalidValue(
      `The parameter PreferredMaintenanceWindow must be in the format ddd:hh24:mi-ddd:hh24:mi and at least 30 minutes (got "${maintenance}").`,
    );
  }
  if (daily && weekly && windowsOverlap(daily, weekly)) {
    throw invalidCombination('The backup window and maintenance window must not overlap.');
  }
}

const DAY = 24 * 60;
const WEEK = 7 * DAY;

/** Whether a daily window (minutes of the day) meets a weekly one (minutes of the week) on any day. */
function windowsOverlap(daily: [number, number], weekly: [number, number]): boolean {
  for (let day = -1; day <= 7; day += 1) {
    const start = daily[0] + day * DAY;
    const end = daily[1] + day * DAY;
    for (const shift of [0, WEEK]) {
      if (start < weekly[1] + shift && weekly[0] + shift < end) return true;
    }
  }
  return false;
}

/** Every documented CreateDBInstance constraint the platform's requests could break. */
export function validateCreateDBInstance(input: CreateDBInstanceCommandInput): void {
  if (!input.DBInstanceIdentifier) throw missingParameter('The parameter DBInstanceIdentifier must be provided.');
  const problem = identifierProblem(input.DBInstanceIdentifier);
  if (problem) throw invalidValue(problem);
  if (!input.Engine) throw missingParameter('The parameter Engine must be provided.');
  if (!KNOWN_ENGINES.test(input.Engine)) throw invalidValue(`Invalid DB engine: ${input.Engine}`);
  if (input.Engine !== 'postgres') throw new NotModeledError(`the RDS double models engine postgres only`);
  if (!input.DBInstanceClass) throw missingParameter('The parameter DBInstanceClass must be provided.');
  if (!/^db\.[a-z0-9]+\.[a-z0-9-]+$/.test(input.DBInstanceClass)) {
    throw invalidValue(`Invalid DB instance class: ${input.DBInstanceClass}`);
  }
  if (input.EngineVersion !== undefined) {
    const [major, minor] = input.EngineVersion.split('.').map(Number);
    const oldestMinor = CREATABLE_POSTGRES_VERSIONS[major ?? Number.NaN];
    if (oldestMinor === undefined || (minor !== undefined && !(minor >= oldestMinor))) {
      throw invalidCombination(`Cannot find version ${input.EngineVersion} for postgres`);
    }
  }
  validateStorage(input);
  validateCredentials(input);
  if (input.KmsKeyId !== undefined && input.StorageEncrypted !== true) {
    throw invalidCombination('KmsKeyId can be specified only when StorageEncrypted is true.');
  }
  if (input.DBName !== undefined && !/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(input.DBName)) {
    throw invalidValue(`The parameter DBName is not a valid identifier (got "${input.DBName}").`);
  }
  if (input.Port !== undefined && !isIntIn(input.Port, 1150, 65535)) {
    throw invalidValue(`Invalid port ${input.Port}: must be 1150-65535.`);
  }
  validateBackupSettings(input);
  validateMonitoring(input);
  validateTags(input.Tags, invalidValue);
}
