/**
 * The scheduling options of `tenantctl offboard`, apart from their action (commands/offboard-schedule.ts) so that
 * building the program for `--help` loads no AWS SDK.
 *
 * @module
 */
import type { Command } from 'commander';
import { MAX_SCHEDULE_HORIZON_DAYS } from '../../lambdas/shared/lifecycle/offboarding-schedule';
import { TARGETS } from './targets';

/** Adds `--at`, `--in`, `--cancel` and where the scheduling function is to `command` (the `offboard` command). */
export function addOffboardScheduleOptions(command: Command): Command {
  return command
    .option(
      '--at <date>',
      `start the offboarding at this ISO 8601 date and time with a time zone (at least a minute, at most ${MAX_SCHEDULE_HORIZON_DAYS} days ahead), e.g. 2027-01-31T18:00:00Z`,
    )
    .option('--in <duration>', 'start the offboarding after this long: 90m, 12h, 30d')
    .option('--cancel', 'cancel the pending scheduled offboarding (nothing pending is not an error)')
    .option(
      `${TARGETS.offboardingScheduleFunction.flag} <name>`,
      `offboarding scheduling function (env ${TARGETS.offboardingScheduleFunction.env})`,
    );
}
