/**
 * Following an operation to its end, shared by `tenantctl watch` and `onboard --wait`: poll the execution, show
 * each step, the RDS status and the elapsed time while waiting, and read the registry once it has ended. Read-only:
 * it reads the execution history, the DB instance and the registry, and never starts or changes anything.
 *
 * @module
 */
import { STEPS } from '../../lambdas/shared/contracts';
import { getTenant } from '../../lambdas/shared/registry';
import type { AwsClients } from './aws';
import type { CliContext } from './context';
import { type OnboardingResult, onboardingResult } from './outcome';
import type { ExecutionProgress } from './progress';
import { instanceStatus } from './rds-status';
import { colorsEnabled, lineView, spinnerView, type WaitView } from './wait-view';
import { followExecution } from './watch';

export interface FollowRequest {
  readonly clients: AwsClients;
  readonly registryTable: string;
  readonly tenantId: string;
  readonly tier: string;
  readonly executionArn: string;
  /** The DB instance to show the status of: the registry's, else the one the provisioning workflow creates. */
  readonly instanceId: string;
  readonly pollIntervalMs: number;
  /** No progress output (the result is printed as JSON). */
  readonly quiet: boolean;
  /** `--no-color` leaves this false. */
  readonly color: boolean;
  /** The terminal to draw a spinner on, when standard output is one. */
  readonly terminal?: NodeJS.WriteStream;
}

/** Steps from which the DB instance may exist, so its status is worth showing. */
const INSTANCE_STEPS = new Set<string>(Object.values(STEPS).filter((s) => s !== STEPS.validate && s !== STEPS.claim));

const NO_VIEW: WaitView = { step: () => {}, state: () => {}, stop: () => {} };

/** The note Ctrl-C prints: the operation goes on, and how to follow it again. */
function interruptNote(tenantId: string, executionArn: string): string {
  const name = executionArn.slice(executionArn.lastIndexOf(':') + 1);
  return `Stopped watching. The operation on ${tenantId} goes on in AWS (execution ${name}).\nWatch it again with: tenantctl watch ${tenantId}`;
}

function viewFor(request: FollowRequest, ctx: CliContext): WaitView {
  if (request.quiet) return NO_VIEW;
  // A terminal that reports no width (a pseudo-terminal nobody sized) cannot redraw a line in place.
  if (ctx.isTTY && request.terminal && (request.terminal.columns ?? 0) > 0) {
    return spinnerView(request.terminal, colorsEnabled(true, ctx.env, request.color));
  }
  return lineView(ctx.out);
}

/** Follows the execution to its end and returns the result, from the execution's end and the registry record. */
export async function followToEnd(request: FollowRequest, ctx: CliContext): Promise<OnboardingResult> {
  const now = () => ctx.now?.() ?? new Date();
  const view = viewFor(request, ctx);
  const interrupt = ctx.interrupt;
  if (interrupt) {
    interrupt.note = interruptNote(request.tenantId, request.executionArn);
    interrupt.cleanup = () => view.stop();
  }
  let state: { step?: string; rdsStatus?: string; startedAt?: Date } = {};
  const elapsed = () =>
    state.startedAt ? Math.max(0, Math.round((now().getTime() - state.startedAt.getTime()) / 1000)) : 0;
  // On a terminal the clock moves every second, between polls too.
  const ticker =
    ctx.isTTY && (request.terminal?.columns ?? 0) > 0 && !request.quiet
      ? setInterval(() => view.state({ ...state, elapsedSeconds: elapsed() }), 1000)
      : undefined;
  try {
    const followed = await followExecution({
      sfn: request.clients.sfn,
      executionArn: request.executionArn,
      pollIntervalMs: request.pollIntervalMs,
      sleep: ctx.sleep,
      onStep: (outcome) => view.step(outcome),
      onProgress: async (progress: ExecutionProgress) => {
        ctx.restartDeadline?.();
        const instanceMayExist =
          (progress.current !== undefined && INSTANCE_STEPS.has(progress.current)) ||
          progress.completed.some((s) => s.step === STEPS.createInstance);
        state = {
          step: progress.current,
          startedAt: progress.startedAt,
          rdsStatus: instanceMayExist ? await instanceStatus(request.clients.rds, request.instanceId) : undefined,
        };
        ctx.restartDeadline?.();
        view.state({ ...state, elapsedSeconds: elapsed() });
      },
    });
    view.stop();
    return onboardingResult({
      tenantId: request.tenantId,
      tier: request.tier,
      executionArn: request.executionArn,
      end: followed.end,
      steps: followed.steps,
      record: await getTenant(request.clients.registry, request.registryTable, request.tenantId),
    });
  } finally {
    clearInterval(ticker);
    view.stop();
    if (interrupt) interrupt.cleanup = undefined;
  }
}
