/**
 * A long poll of one instance's status until it reaches the target: WaitForStopped and WaitForStarted (a stop or
 * start that takes ten minutes costs a couple of state transitions, not one per describe) and the listener that
 * stops a suspended instance RDS started by itself. Bounded in total: an instance that has not got there after
 * {@link MAX_POLLS} describes fails.
 *
 * @module
 */
import type { RDSClient } from '@aws-sdk/client-rds';
import { clock } from '../clock';
import { InstanceFailedError } from '../errors';
import { isBrokenStatus } from './instance';
import { instanceStatus } from './power';
import type { PowerWaitResult } from './suspension';

/** Seconds between two describes: RDS takes minutes to stop or start, and its API budget is shared. */
export const POLL_INTERVAL_SECONDS = 30;

/** Describes across all invocations of one wait: 240 × 30 s is two hours, far beyond a normal stop or start. */
export const MAX_POLLS = 240;

/** What one invocation needs. */
export interface WaitOptions {
  target: 'stopped' | 'available';
  /** Describes made by earlier invocations of this wait. */
  pollsSoFar: number;
  /** Polling time this invocation may spend, ms. */
  budgetMs: number;
}

/** Polls until the instance is in `options.target`, the invocation's budget is spent, or the wait is hopeless. */
export async function waitForPower(rds: RDSClient, instanceId: string, options: WaitOptions): Promise<PowerWaitResult> {
  const startedAt = clock.now();
  let polls = options.pollsSoFar;
  for (;;) {
    const status = await instanceStatus(rds, instanceId);
    polls += 1;
    if (status === options.target) return { status: 'REACHED', instanceStatus: status, polls };
    if (isBrokenStatus(status)) {
      throw new InstanceFailedError(`instance ${instanceId} is ${status} while waiting for it to be ${options.target}`);
    }
    if (polls >= MAX_POLLS) {
      throw new InstanceFailedError(
        `instance ${instanceId} is still ${status} after ${polls} describes ${POLL_INTERVAL_SECONDS} s apart; expected ${options.target}`,
      );
    }
    if (clock.now() - startedAt + POLL_INTERVAL_SECONDS * 1000 > options.budgetMs) {
      return { status: 'PENDING', instanceStatus: status, polls };
    }
    await clock.sleep(POLL_INTERVAL_SECONDS * 1000);
  }
}
