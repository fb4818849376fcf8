/**
 * The subset of the Amazon States Language (JSONPath) the platform's workflows use, typed so that a misspelt field
 * or a state of the wrong shape fails to compile. Every synthesized definition is additionally checked by
 * `asl-validator` in the tests.
 *
 * The definitions stay JSONPath rather than JSONata: the local executor that runs them in the tests and on the local
 * platform (aws-local-stepfunctions) evaluates JSONPath only.
 *
 * Hand-written rather than taken from `asl-types`: that package types every state's `Type` as `string` with `any`
 * index signatures (so it catches nothing here), and installs a JSON-schema code generator with a postinstall script.
 *
 * @module
 */

/** A Retry rule (States Language "Retrying after error"). */
export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly BackoffRate?: number;
  readonly MaxAttempts?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: 'FULL' | 'NONE';
}

/** A Catch rule: where an error that exhausted its retries goes. */
export interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  readonly ResultPath?: string;
}

/** `Next` or `End`: every non-terminal state has exactly one. */
type Transition = { readonly Next: string; readonly End?: never } | { readonly End: true; readonly Next?: never };

interface StateBase {
  readonly Comment?: string;
}

export type TaskState = StateBase &
  Transition & {
    readonly Type: 'Task';
    readonly Resource: string;
    readonly Parameters?: Readonly<Record<string, unknown>>;
    readonly ResultPath?: string;
    readonly TimeoutSeconds?: number;
    readonly Retry?: readonly Retrier[];
    readonly Catch?: readonly Catcher[];
  };

/** A Choice rule: a comparison (`Variable` with one operator) or a Boolean combination of rules. */
interface ChoiceRule {
  readonly Variable?: string;
  readonly StringEquals?: string;
  readonly BooleanEquals?: boolean;
  readonly NumericEquals?: number;
  readonly NumericEqualsPath?: string;
  readonly NumericGreaterThan?: number;
  readonly IsPresent?: boolean;
  readonly And?: readonly ChoiceRule[];
  readonly Or?: readonly ChoiceRule[];
  readonly Not?: ChoiceRule;
  /** Only on top-level rules. */
  readonly Next?: string;
}

interface ChoiceState extends StateBase {
  readonly Type: 'Choice';
  readonly Choices: readonly (ChoiceRule & { readonly Next: string })[];
  readonly Default?: string;
}

type WaitState = StateBase &
  Transition & {
    readonly Type: 'Wait';
  } & ({ readonly Seconds: number } | { readonly SecondsPath: string });

interface SucceedState extends StateBase {
  readonly Type: 'Succeed';
}

interface FailState extends StateBase {
  readonly Type: 'Fail';
  readonly Error?: string;
  readonly Cause?: string;
  readonly ErrorPath?: string;
  readonly CausePath?: string;
}

/** A Pass state: shapes the state with `Parameters` (intrinsic functions included) and moves on. */
type PassState = StateBase &
  Transition & {
    readonly Type: 'Pass';
    readonly Parameters?: Readonly<Record<string, unknown>>;
    readonly ResultPath?: string;
  };

/** An S3 object a Distributed Map reads its items from (`InputType: JSON`: a JSON array). */
interface ItemReader {
  readonly Resource: 'arn:aws:states:::s3:getObject';
  readonly ReaderConfig: { readonly InputType: 'JSON'; readonly MaxItems?: number };
  /** `Bucket` and `Key`, either of them as a `.$` path. */
  readonly Parameters: Readonly<Record<string, string>>;
}

/** Where a Distributed Map writes its child executions' results (a manifest and result files). */
interface ResultWriter {
  readonly Resource: 'arn:aws:states:::s3:putObject';
  readonly Parameters: { readonly Bucket: string; readonly Prefix: string };
}

/** The sub-workflow each item runs: in DISTRIBUTED mode, one child execution per item. */
interface ItemProcessor {
  readonly ProcessorConfig: { readonly Mode: 'DISTRIBUTED'; readonly ExecutionType: 'STANDARD' | 'EXPRESS' };
  readonly StartAt: string;
  readonly States: Readonly<Record<string, State>>;
}

/**
 * A Distributed Map state: items from an ItemReader, a child execution per item, results to S3, and a failure
 * tolerance beyond which the Map Run fails with `States.ExceedToleratedFailureThreshold`. The `...Path` variants read
 * the limit from the state input at run time.
 */
type DistributedMapState = StateBase &
  Transition & {
    readonly Type: 'Map';
    readonly Label?: string;
    readonly ItemReader: ItemReader;
    readonly ItemSelector?: Readonly<Record<string, unknown>>;
    readonly ItemProcessor: ItemProcessor;
    readonly MaxConcurrency?: number;
    readonly MaxConcurrencyPath?: string;
    readonly ToleratedFailureCount?: number;
    readonly ToleratedFailureCountPath?: string;
    readonly ToleratedFailurePercentage?: number;
    readonly ToleratedFailurePercentagePath?: string;
    readonly ResultWriter?: ResultWriter;
    readonly ResultPath?: string;
    readonly Catch?: readonly Catcher[];
  };

export type State = TaskState | ChoiceState | WaitState | SucceedState | FailState | PassState | DistributedMapState;

/** A whole state machine definition. */
export interface StateMachineDefinition {
  readonly Comment?: string;
  readonly StartAt: string;
  readonly TimeoutSeconds?: number;
  readonly States: Readonly<Record<string, State>>;
}
