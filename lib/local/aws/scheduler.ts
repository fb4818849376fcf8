/**
 * EventBridge Scheduler: one-time schedules in schedule groups, with the API's own errors (Scheduler API reference):
 * CreateSchedule of an existing name is a ConflictException, UpdateSchedule/GetSchedule/DeleteSchedule of a missing
 * one a ResourceNotFoundException, a schedule in a group that does not exist a ResourceNotFoundException, and broken
 * parameter rules a ValidationException (name 1-64 of `[0-9a-zA-Z-_.]`, FlexibleTimeWindow required, retry policy
 * 0-185 attempts and 60-86400 s of event age). Only `at(...)` expressions are modeled.
 *
 * Tests fire due schedules with {@link SchedulerDouble.fireDue}: each due schedule's target input is recorded (and
 * handed to `onFire`, which can start an execution), and schedules with `ActionAfterCompletion: DELETE` disappear,
 * as Scheduler deletes them after invoking their target.
 *
 * @module
 */
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  type CreateScheduleCommandOutput,
  DeleteScheduleCommand,
  type DeleteScheduleCommandInput,
  GetScheduleCommand,
  type GetScheduleCommandInput,
  type GetScheduleCommandOutput,
  ResourceNotFoundException,
  UpdateScheduleCommand,
  type UpdateScheduleCommandInput,
  type UpdateScheduleCommandOutput,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { type DoubleEnvironment, type Out, type Route, route } from './environment';
import { errorMetadata } from './errors';

const NAME = /^[0-9a-zA-Z_.-]{1,64}$/;
const AT = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/;

const invalid = (message: string) =>
  new ValidationException({ message, Message: message, $metadata: errorMetadata(400) });
const notFound = (message: string) =>
  new ResourceNotFoundException({ message, Message: message, $metadata: errorMetadata(404) });

/** One schedule as the double keeps it. */
interface ScheduleState {
  readonly groupName: string;
  readonly name: string;
  readonly arn: string;
  readonly input: CreateScheduleCommandInput;
  /** Epoch ms of the `at(...)` time, read in the schedule's time zone (UTC only). */
  readonly dueAt: number;
}

/** Schedule groups and schedules as a saved state keeps them. */
export interface PersistedScheduler {
  groups: string[];
  schedules: ScheduleState[];
}

/** A schedule's target invocation, as {@link SchedulerDouble.fireDue} made it. */
export interface FiredSchedule {
  readonly name: string;
  readonly groupName: string;
  readonly at: number;
  readonly targetArn: string;
  readonly roleArn: string;
  /** The target input as sent (JSON text). */
  readonly input: string;
}

export class SchedulerDouble {
  private readonly groups = new Set<string>(['default']);
  private readonly schedules = new Map<string, ScheduleState>();
  /** Every target invocation, in order. */
  readonly fired: FiredSchedule[] = [];

  readonly routes: readonly Route[] = [
    route(CreateScheduleCommand, (input, ctx) => this.createSchedule(input, ctx.region)),
    route(UpdateScheduleCommand, (input, ctx) => this.updateSchedule(input, ctx.region)),
    route(GetScheduleCommand, (input) => this.getSchedule(input)),
    route(DeleteScheduleCommand, (input) => this.deleteSchedule(input)),
  ];

  constructor(private readonly env: DoubleEnvironment) {}

  /** Makes schedule group `name` exist (as the stack would). */
  createGroup(name: string): void {
    this.groups.add(name);
  }

  /** Names of the schedules in `groupName`. */
  list(groupName = 'default'): string[] {
    return [...this.schedules.values()].filter((s) => s.groupName === groupName).map((s) => s.name);
  }

  /**
   * Invokes the target of every schedule due at the clock's time: records it, hands it to `onFire`, and deletes the
   * schedule when its `ActionAfterCompletion` is DELETE. Returns what fired.
   */
  async fireDue(onFire?: (fired: FiredSchedule) => Promise<void> | void): Promise<FiredSchedule[]> {
    const now = this.env.clock.now();
    const due = [...this.schedules.entries()].filter(([, s]) => s.dueAt <= now && s.input.State !== 'DISABLED');
    const fired: FiredSchedule[] = [];
    for (const [key, schedule] of due) {
      const invocation: FiredSchedule = {
        name: schedule.name,
        groupName: schedule.groupName,
        at: now,
        targetArn: schedule.input.Target?.Arn ?? '',
        roleArn: schedule.input.Target?.RoleArn ?? '',
        input: schedule.input.Target?.Input ?? '{}',
      };
      this.fired.push(invocation);
      fired.push(invocation);
      if (schedule.input.ActionAfterCompletion === 'DELETE') this.schedules.delete(key);
      await onFire?.(invocation);
    }
    return fired;
  }

  private key(groupName: string | undefined, name: string | undefined): string {
    return `${groupName ?? 'default'}/${name ?? ''}`;
  }

  private validate(input: CreateScheduleCommandInput, region: string): ScheduleState {
    const groupName = input.GroupName ?? 'default';
    if (!input.Name || !NAME.test(input.Name)) {
      throw invalid(`1 validation error detected: Value '${input.Name}' at 'name' failed to satisfy constraint`);
    }
    if (!input.FlexibleTimeWindow?.Mode) throw invalid('FlexibleTimeWindow is required');
    if (input.FlexibleTimeWindow.Mode === 'FLEXIBLE' && !input.FlexibleTimeWindow.MaximumWindowInMinutes) {
      throw invalid('MaximumWindowInMinutes is required when the flexible time window mode is FLEXIBLE');
    }
    if (!input.Target?.Arn || !input.Target.RoleArn) throw invalid('Target Arn and RoleArn are required');
    const retry = input.Target.RetryPolicy;
    if (
      retry &&
      ((retry.MaximumRetryAttempts !== undefined &&
        (retry.MaximumRetryAttempts < 0 || retry.MaximumRetryAttempts > 185)) ||
        (retry.MaximumEventAgeInSeconds !== undefined &&
          (retry.MaximumEventAgeInSeconds < 60 || retry.MaximumEventAgeInSeconds > 86_400)))
    ) {
      throw invalid('RetryPolicy: MaximumRetryAttempts must be 0-185 and MaximumEventAgeInSeconds 60-86400');
    }
    const at = AT.exec(input.ScheduleExpression ?? '');
    if (!at) throw invalid(`Invalid Schedule Expression ${input.ScheduleExpression}.`);
    if ((input.ScheduleExpressionTimezone ?? 'UTC') !== 'UTC') throw invalid('the double models UTC schedules only');
    if (!this.groups.has(groupName)) throw notFound(`Schedule group ${groupName} does not exist.`);
    return {
      groupName,
      name: input.Name,
      arn: `arn:aws:scheduler:${region}:${this.env.account}:schedule/${groupName}/${input.Name}`,
      input,
      dueAt: Date.parse(`${at[1]}Z`),
    };
  }

  createSchedule(input: CreateScheduleCommandInput, region: string): Out<CreateScheduleCommandOutput> {
    const state = this.validate(input, region);
    const key = this.key(state.groupName, state.name);
    if (this.schedules.has(key)) {
      const message = `Schedule ${state.name} already exists.`;
      throw new ConflictException({ message, Message: message, $metadata: errorMetadata(409) });
    }
    this.schedules.set(key, state);
    return { ScheduleArn: state.arn };
  }

  updateSchedule(input: UpdateScheduleCommandInput, region: string): Out<UpdateScheduleCommandOutput> {
    const state = this.validate(input, region);
    const key = this.key(state.groupName, state.name);
    if (!this.schedules.has(key)) throw notFound(`Schedule ${state.name} does not exist.`);
    // UpdateSchedule replaces every parameter: what the request omits takes its default.
    this.schedules.set(key, state);
    return { ScheduleArn: state.arn };
  }

  getSchedule(input: GetScheduleCommandInput): Out<GetScheduleCommandOutput> {
    const state = this.schedules.get(this.key(input.GroupName, input.Name));
    if (!state) throw notFound(`Schedule ${input.Name} does not exist.`);
    return {
      Name: state.name,
      GroupName: state.groupName,
      Arn: state.arn,
      ScheduleExpression: state.input.ScheduleExpression,
      ScheduleExpressionTimezone: state.input.ScheduleExpressionTimezone,
      FlexibleTimeWindow: state.input.FlexibleTimeWindow,
      Target: state.input.Target,
      ActionAfterCompletion: state.input.ActionAfterCompletion,
      State: state.input.State ?? 'ENABLED',
    };
  }

  deleteSchedule(input: DeleteScheduleCommandInput): Record<string, never> {
    const key = this.key(input.GroupName, input.Name);
    if (!this.schedules.has(key)) throw notFound(`Schedule ${input.Name} does not exist.`);
    this.schedules.delete(key);
    return {};
  }

  /** Schedule groups and schedules, as a saved state keeps them (what fired is not kept). */
  exportState(): PersistedScheduler {
    return { groups: [...this.groups], schedules: structuredClone([...this.schedules.values()]) };
  }

  /** Loads saved groups and schedules into this (fresh) double. */
  importState(state: PersistedScheduler): void {
    if (this.schedules.size > 0) throw new Error('Scheduler double: a saved state loads into a fresh double only');
    for (const group of state.groups) this.groups.add(group);
    for (const schedule of structuredClone(state.schedules)) {
      this.schedules.set(this.key(schedule.groupName, schedule.name), schedule);
    }
  }
}
