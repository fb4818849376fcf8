/**
 * CloudWatch metric alarms: PutMetricAlarm with the documented constraints (name, period, evaluation range,
 * statistic, actions, tags), DescribeAlarms by names or prefix, DeleteAlarms, and alarm tags by ARN. As in AWS,
 * tags given to PutMetricAlarm are applied only when the alarm is created; an update ignores them.
 *
 * @module
 */
import {
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandOutput,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  ListTagsForResourceCommand,
  type ListTagsForResourceCommandOutput,
  type MetricAlarm,
  MissingRequiredParameterException,
  PutMetricAlarmCommand,
  type PutMetricAlarmCommandInput,
  ResourceNotFoundException,
  type Tag,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch';
import type { CallContext, DoubleEnvironment, Out, Route } from './environment';
import { route } from './environment';
import { errorMetadata, NotModeledError } from './errors';
import { isIntIn, mergeTags, validateTags } from './validate';

const invalidValue = (message: string) =>
  new InvalidParameterValueException({ message, $metadata: errorMetadata(400) });
const invalidCombination = (message: string) =>
  new InvalidParameterCombinationException({ message, $metadata: errorMetadata(400) });
const missing = (parameter: string) =>
  new MissingRequiredParameterException({
    message: `The parameter ${parameter} is required.`,
    $metadata: errorMetadata(400),
  });

const COMPARISON_OPERATORS = new Set([
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
  'LessThanLowerOrGreaterThanUpperThreshold',
  'LessThanLowerThreshold',
  'GreaterThanUpperThreshold',
]);
const ANOMALY_OPERATORS = new Set([
  'LessThanLowerOrGreaterThanUpperThreshold',
  'LessThanLowerThreshold',
  'GreaterThanUpperThreshold',
]);
const STATISTICS = new Set(['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum']);
const TREAT_MISSING_DATA = new Set(['breaching', 'notBreaching', 'ignore', 'missing']);
const ONE_DAY_S = 86_400;
const SEVEN_DAYS_S = 7 * ONE_DAY_S;

interface AlarmState {
  alarm: MetricAlarm;
  region: string;
  tags: Tag[];
}

/** The alarms as a saved state keeps them. */
export interface PersistedCloudWatch {
  alarms: AlarmState[];
}

/** An alarm as the inventory lists it. */
export interface AlarmSummary {
  name: string;
  arn: string;
  region: string;
  tags: Tag[];
}

function validateActions(input: PutMetricAlarmCommandInput): void {
  for (const field of ['AlarmActions', 'OKActions', 'InsufficientDataActions'] as const) {
    const actions = input[field] ?? [];
    if (actions.length > 5) throw invalidValue(`${field} can contain at most 5 actions.`);
    const bad = actions.find((a) => !/^arn:aws[a-z-]*:[a-z0-9-]+:/.test(a));
    if (bad !== undefined) throw invalidValue(`Invalid arn syntax: ${bad}`);
  }
}

function validateMetric(input: PutMetricAlarmCommandInput): void {
  if (input.MetricName !== undefined && input.Metrics !== undefined) {
    throw invalidCombination('MetricName and Metrics are mutually exclusive.');
  }
  if (input.Metrics !== undefined) throw new NotModeledError('PutMetricAlarm with metric math (Metrics)');
  if (input.MetricName === undefined) throw missing('MetricName');
  if (!input.Namespace) throw missing('Namespace');
  if ((input.Statistic === undefined) === (input.ExtendedStatistic === undefined)) {
    throw invalidCombination('Exactly one of Statistic and ExtendedStatistic must be specified.');
  }
  if (input.Statistic !== undefined && !STATISTICS.has(input.Statistic)) {
    throw invalidValue(`Invalid Statistic: ${input.Statistic}`);
  }
  const period = input.Period;
  if (period === undefined) throw missing('Period');
  if (!(period === 10 || period === 20 || period === 30 || (isIntIn(period, 60, SEVEN_DAYS_S) && period % 60 === 0))) {
    throw invalidValue(`Period must be 10, 20, 30 or a multiple of 60 (got ${period}).`);
  }
  const range = period * (input.EvaluationPeriods ?? 1);
  const limit = period < 3600 ? ONE_DAY_S : SEVEN_DAYS_S;
  if (range > limit) {
    throw invalidValue(
      `The evaluation range (Period × EvaluationPeriods = ${range} s) must be at most ${limit} s for a period of ${period} s.`,
    );
  }
  const dimensions = input.Dimensions ?? [];
  if (dimensions.length > 30) throw invalidValue('At most 30 dimensions are allowed.');
  for (const d of dimensions) {
    if (!d.Name || d.Name.length > 255) throw invalidValue('Dimension names must be 1-255 characters.');
    if (!d.Value || d.Value.length > 1024)
      throw invalidValue(`Dimension ${d.Name} needs a value of 1-1024 characters.`);
  }
}

/** The documented PutMetricAlarm constraints for a static-threshold alarm on one metric. */
function validatePutMetricAlarm(input: PutMetricAlarmCommandInput): void {
  const name = input.AlarmName;
  if (!name) throw missing('AlarmName');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what CloudWatch refuses.
  if (name.length > 255 || /[\u0000-\u001f\u007f]/.test(name)) {
    throw invalidValue('AlarmName must be 1-255 characters without ASCII control characters.');
  }
  if ((input.AlarmDescription ?? '').length > 1024)
    throw invalidValue('AlarmDescription must be at most 1024 characters.');
  if (input.EvaluationPeriods === undefined) throw missing('EvaluationPeriods');
  if (!isIntIn(input.EvaluationPeriods, 1, 100_000)) throw invalidValue('EvaluationPeriods must be at least 1.');
  if (input.DatapointsToAlarm !== undefined && !isIntIn(input.DatapointsToAlarm, 1, input.EvaluationPeriods)) {
    throw invalidValue('DatapointsToAlarm must be between 1 and EvaluationPeriods.');
  }
  if (!input.ComparisonOperator) throw missing('ComparisonOperator');
  if (!COMPARISON_OPERATORS.has(input.ComparisonOperator)) {
    throw invalidValue(`Invalid ComparisonOperator: ${input.ComparisonOperator}`);
  }
  if (ANOMALY_OPERATORS.has(input.ComparisonOperator) || input.ThresholdMetricId !== undefined) {
    throw new NotModeledError('PutMetricAlarm with anomaly detection thresholds');
  }
  if (input.Threshold === undefined) throw missing('Threshold');
  if (input.TreatMissingData !== undefined && !TREAT_MISSING_DATA.has(input.TreatMissingData)) {
    throw invalidValue(`Invalid TreatMissingData: ${input.TreatMissingData}`);
  }
  validateActions(input);
  validateMetric(input);
  validateTags(input.Tags, invalidValue);
}

export class CloudWatchDouble {
  private readonly alarms: AlarmState[] = [];

  readonly routes: readonly Route[] = [
    route(PutMetricAlarmCommand, (input, ctx) => this.putMetricAlarm(input, ctx)),
    route(DescribeAlarmsCommand, (input, ctx) => this.describeAlarms(input, ctx)),
    route(DeleteAlarmsCommand, (input, ctx) => this.deleteAlarms(input, ctx)),
    route(ListTagsForResourceCommand, (input) => this.listTags(input)),
    route(TagResourceCommand, (input) => this.tagResource(input)),
    route(UntagResourceCommand, (input) => this.untagResource(input)),
  ];

  constructor(private readonly env: DoubleEnvironment) {}

  putMetricAlarm(input: PutMetricAlarmCommandInput, ctx: CallContext): Record<string, never> {
    validatePutMetricAlarm(input);
    const now = new Date(this.env.clock.now());
    const { Tags: tags, ...config } = structuredClone(input);
    const existing = this.find(ctx.region, input.AlarmName as string);
    const alarm: MetricAlarm = {
      ...config,
      AlarmArn: this.arn(ctx.region, input.AlarmName as string),
      ActionsEnabled: input.ActionsEnabled ?? true,
      AlarmConfigurationUpdatedTimestamp: now,
      StateValue: existing?.alarm.StateValue ?? 'INSUFFICIENT_DATA',
      StateReason: existing?.alarm.StateReason ?? 'Unchecked: Initial alarm creation',
      StateUpdatedTimestamp: existing?.alarm.StateUpdatedTimestamp ?? now,
    };
    if (existing) existing.alarm = alarm;
    else this.alarms.push({ alarm, region: ctx.region, tags: tags ?? [] });
    return {};
  }

  describeAlarms(input: DescribeAlarmsCommand['input'], ctx: CallContext): Out<DescribeAlarmsCommandOutput> {
    if (input.AlarmNames?.length && input.AlarmNamePrefix !== undefined) {
      throw invalidCombination('AlarmNames and AlarmNamePrefix are mutually exclusive.');
    }
    if ((input.AlarmNames?.length ?? 0) > 100) throw invalidValue('At most 100 alarm names are allowed.');
    const maxRecords = input.MaxRecords ?? 50;
    if (!isIntIn(maxRecords, 1, 100)) throw invalidValue('MaxRecords must be between 1 and 100.');
    if (input.AlarmTypes && !input.AlarmTypes.includes('MetricAlarm')) return { MetricAlarms: [], CompositeAlarms: [] };
    const selected = this.alarms
      .filter((a) => a.region === ctx.region)
      .map((a) => a.alarm)
      .filter((a) => !input.AlarmNames?.length || input.AlarmNames.includes(a.AlarmName as string))
      .filter((a) => input.AlarmNamePrefix === undefined || (a.AlarmName as string).startsWith(input.AlarmNamePrefix))
      .filter((a) => input.StateValue === undefined || a.StateValue === input.StateValue)
      .filter(
        (a) =>
          input.ActionPrefix === undefined ||
          (a.AlarmActions ?? []).some((x) => x.startsWith(input.ActionPrefix as string)),
      )
      .sort((a, b) => (a.AlarmName as string).localeCompare(b.AlarmName as string));
    const start = input.NextToken ? Number(input.NextToken) : 0;
    const page = selected.slice(start, start + maxRecords);
    const next = start + maxRecords < selected.length ? String(start + maxRecords) : undefined;
    return { MetricAlarms: structuredClone(page), CompositeAlarms: [], NextToken: next };
  }

  /** As documented: names that do not exist are ignored; the others are deleted. */
  deleteAlarms(input: DeleteAlarmsCommand['input'], ctx: CallContext): Record<string, never> {
    const names = input.AlarmNames ?? [];
    if (names.length === 0) throw missing('AlarmNames');
    if (names.length > 100) throw invalidValue('At most 100 alarms can be deleted in one operation.');
    for (const name of names) {
      const alarm = this.find(ctx.region, name);
      if (alarm) this.alarms.splice(this.alarms.indexOf(alarm), 1);
    }
    return {};
  }

  listTags(input: ListTagsForResourceCommand['input']): Out<ListTagsForResourceCommandOutput> {
    return { Tags: structuredClone(this.byArn(input.ResourceARN).tags) };
  }

  tagResource(input: TagResourceCommand['input']): Record<string, never> {
    const alarm = this.byArn(input.ResourceARN);
    const tags = mergeTags(alarm.tags, input.Tags ?? []);
    validateTags(tags, invalidValue);
    alarm.tags = tags;
    return {};
  }

  untagResource(input: UntagResourceCommand['input']): Record<string, never> {
    const alarm = this.byArn(input.ResourceARN);
    alarm.tags = alarm.tags.filter((t) => !(input.TagKeys ?? []).includes(t.Key ?? ''));
    return {};
  }

  /** Every alarm that exists. */
  list(): AlarmSummary[] {
    return this.alarms.map((a) => ({
      name: a.alarm.AlarmName as string,
      arn: a.alarm.AlarmArn as string,
      region: a.region,
      tags: structuredClone(a.tags),
    }));
  }

  /** One alarm's configuration, or undefined. */
  alarm(name: string, region: string): MetricAlarm | undefined {
    const found = this.find(region, name);
    return found && structuredClone(found.alarm);
  }

  private arn(region: string, name: string): string {
    return `arn:aws:cloudwatch:${region}:${this.env.account}:alarm:${name}`;
  }

  private find(region: string, name: string): AlarmState | undefined {
    return this.alarms.find((a) => a.region === region && a.alarm.AlarmName === name);
  }

  private byArn(arn: string | undefined): AlarmState {
    if (!arn) throw missing('ResourceARN');
    const alarm = this.alarms.find((a) => a.alarm.AlarmArn === arn);
    if (!alarm) {
      throw new ResourceNotFoundException({
        message: `The specified resource ${arn} does not exist.`,
        $metadata: errorMetadata(404),
      });
    }
    return alarm;
  }

  /** The alarms, as a saved state keeps them. */
  exportState(): PersistedCloudWatch {
    return { alarms: structuredClone(this.alarms) };
  }

  /** Loads saved alarms into this (fresh) double. */
  importState(state: PersistedCloudWatch): void {
    if (this.alarms.length > 0) throw new Error('CloudWatch double: a saved state loads into a fresh double only');
    this.alarms.push(...structuredClone(state.alarms));
  }
}
