/**
 * `tenantctl offboard <tenant> --at <date> | --in <duration> | --cancel`: schedule a tenant's offboarding for later,
 * or cancel a pending one. tenantctl invokes the platform's scheduling function, the same code billing's offboarding
 * events reach, so an operator and billing are checked and recorded alike, and the operator needs
 * `lambda:InvokeFunction` on one function instead of Scheduler and `iam:PassRole` rights. The time is checked here
 * first (bad input exits 2 before any AWS call) and again by the function.
 *
 * The `offboard` command registers these options (lib/cli/offboard-options.ts) and hands `--at`, `--in` and `--cancel`
 * to {@link offboardScheduleAction} (after the typed confirmation for `--at` and `--in`).
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { SchedulingResult } from '../../../lambdas/schedule-offboarding/schedule';
import { ERROR_NAMES } from '../../../lambdas/shared/error-names';
import {
  AwsRequestError,
  ConfigurationError,
  RetryableError,
  TenantConflictError,
  ValidationError,
} from '../../../lambdas/shared/errors';
import { scheduledTimeOf, timeAfter } from '../../../lambdas/shared/lifecycle/offboarding-schedule';
import { assertTenantId } from '../../../lambdas/shared/tenant-id';
import { clientConfig, describeStackOutputs, trackCalls } from '../aws';
import { type AwsOptions, awsClients, type CliContext, writeJson } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { requestedByOf } from '../lifecycle-run';
import { resolveTargets, TARGETS } from '../targets';

/** Options of the scheduling part of `offboard`. */
export interface OffboardScheduleOptions extends AwsOptions {
  readonly at?: string;
  readonly in?: string;
  readonly cancel?: boolean;
  readonly requestedBy?: string;
  readonly offboardingScheduleFunction?: string;
}

/** Sends one payload to the scheduling function and returns its answer (the SDK's Invoke, injectable for tests). */
export type InvokeFunction = (
  functionName: string,
  payload: unknown,
  settings: { region?: string; profile?: string },
) => Promise<{ functionError?: string; payload: unknown }>;

/** A request id for one tenantctl request: unique, within the workflow's request id alphabet and length. */
function newRequestId(now: Date): string {
  return `tenantctl-${now.toISOString().replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}`;
}

/** The payload for the function, checked locally first. */
function payloadOf(tenantId: string, options: OffboardScheduleOptions, requestedBy: string, now: Date) {
  const given = [options.at !== undefined, options.in !== undefined, options.cancel === true].filter(Boolean);
  if (given.length !== 1) throw new ValidationError('--at/--in/--cancel', 'give exactly one of them');
  if (options.cancel) return { action: 'cancel', tenantId, requestedBy };
  const at = options.at !== undefined ? scheduledTimeOf(options.at, now, '--at') : timeAfter(options.in, now, '--in');
  return { action: 'schedule', tenantId, at: at.toISOString(), requestedBy, requestId: newRequestId(now) };
}

/** The function's error, as the platform error class tenantctl explains (exit codes 2, 4, 3). */
function functionErrorOf(payload: unknown): Error {
  const { errorType, errorMessage } = (payload ?? {}) as { errorType?: string; errorMessage?: string };
  const message = `the scheduling function refused: ${errorMessage ?? errorType ?? 'unknown error'}`;
  switch (errorType) {
    case ERROR_NAMES.validation:
      return new ValidationError('scheduling function', errorMessage ?? message);
    case ERROR_NAMES.tenantConflict:
      return new TenantConflictError(errorMessage ?? message);
    case ERROR_NAMES.retryable:
      return new RetryableError(`${message}; run the command again`);
    case ERROR_NAMES.configuration:
      return new ConfigurationError(message);
    default:
      return new AwsRequestError(message);
  }
}

/** The Invoke of the AWS SDK's Lambda client. */
const sdkInvoke: InvokeFunction = async (functionName, payload, settings) => {
  const client = new LambdaClient(clientConfig(settings));
  trackCalls(client, 'lambda', settings);
  const answer = await client.send(
    new InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode(JSON.stringify(payload)) }),
  );
  const text = answer.Payload ? new TextDecoder().decode(answer.Payload) : 'null';
  return { functionError: answer.FunctionError, payload: JSON.parse(text) as unknown };
};

/** What the result says, for people. */
function describe(result: SchedulingResult): string {
  const pending = result.scheduledOffboarding;
  switch (result.outcome) {
    case 'scheduled':
    case 'rescheduled':
      return `${result.outcome === 'scheduled' ? 'Scheduled' : 'Re-scheduled'} the offboarding of ${result.tenantId} at ${pending?.at} (schedule ${pending?.scheduleName}). Cancel it with: tenantctl offboard ${result.tenantId} --cancel\n`;
    case 'unchanged':
      return `The offboarding of ${result.tenantId} is already scheduled at ${pending?.at}.\n`;
    case 'already-started':
      return `The offboarding of ${result.tenantId} has already started: ${result.reason}\n`;
    case 'cancelled':
      return `Cancelled the scheduled offboarding of ${result.tenantId}.\n`;
    case 'nothing-pending':
      return `No offboarding of ${result.tenantId} was pending; nothing to cancel.\n`;
  }
}

/** Schedules (`--at`, `--in`) or cancels (`--cancel`) the offboarding of `tenant`. */
export async function offboardScheduleAction(
  tenant: string,
  options: OffboardScheduleOptions,
  ctx: CliContext,
  invoke: InvokeFunction = sdkInvoke,
): Promise<ExitCode> {
  const tenantId = assertTenantId(tenant, 'tenant');
  const requestedBy = requestedByOf(options.requestedBy, ctx);
  const payload = payloadOf(tenantId, options, requestedBy, ctx.now?.() ?? new Date());
  const flag = options.offboardingScheduleFunction ?? ctx.env[TARGETS.offboardingScheduleFunction.env];
  const { offboardingScheduleFunction } = flag
    ? { offboardingScheduleFunction: flag }
    : await resolveTargets(['offboardingScheduleFunction'], {
        flags: {},
        env: ctx.env,
        stackName: options.stack,
        describeStack: async (name) => describeStackOutputs((await awsClients(options, ctx)).cloudFormation, name),
      });
  const answer = await invoke(offboardingScheduleFunction, payload, {
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
  });
  ctx.restartDeadline?.();
  if (answer.functionError) throw functionErrorOf(answer.payload);
  const result = answer.payload as SchedulingResult;
  if (options.json) writeJson(ctx, result);
  else ctx.out(describe(result));
  return EXIT.ok;
}
