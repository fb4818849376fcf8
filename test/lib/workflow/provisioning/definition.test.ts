import { STEPS } from '../../../../lambdas/shared/contracts';
import { ERROR_NAMES, INVOCATION_FAULT_NAMES } from '../../../../lambdas/shared/error-names';
import { buildProvisioningDefinition, STATE_NAMES, TASK_STEPS } from '../../../../lib/workflow/provisioning/definition';
import { PROVISIONING_STEPS } from '../../../../lib/workflow/provisioning/steps';
import { aslErrors } from '../../../support/asl';

type State = {
  Type: string;
  Next?: string;
  Default?: string;
  Retry?: { ErrorEquals: string[]; JitterStrategy?: string; MaxDelaySeconds?: number }[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath: string }[];
  Choices?: { Next: string }[];
};

describe('provisioning definition', () => {
  // Prepare
  const definition = buildProvisioningDefinition({ timeoutSeconds: 18_000, steps: PROVISIONING_STEPS }) as {
    StartAt: string;
    TimeoutSeconds: number;
    States: Record<string, State>;
  };
  const states = definition.States;

  it('has an overall execution timeout', () => {
    expect(definition.TimeoutSeconds).toBe(18_000);
  });

  it('is valid Amazon States Language: every transition reaches an existing state, every state is reachable', () => {
    expect(aslErrors(definition)).toBe('');
    expect(states[definition.StartAt]).toBeDefined();
  });

  it('would be caught by the validator with a transition to a missing state', () => {
    // Prepare
    const broken = { ...definition, States: { ...states, [STEPS.claim]: { ...states[STEPS.claim], Next: 'Nowhere' } } };
    // Act / Assess
    expect(aslErrors(broken)).toContain("Missing 'StartAt'|'Next'|'Default' target: Nowhere");
  });

  it.each(TASK_STEPS)('%s retries transient faults with capped, jittered backoff', (step) => {
    // Act
    const retry = states[step]?.Retry?.[0];
    // Assess
    expect(retry?.ErrorEquals).toEqual(expect.arrayContaining([ERROR_NAMES.retryable, ...INVOCATION_FAULT_NAMES]));
    expect(retry?.JitterStrategy).toBe('FULL');
    expect(retry?.MaxDelaySeconds).toBe(60);
    expect(retry?.ErrorEquals).not.toContain('States.ALL');
  });

  it.each([
    [STEPS.validate, STEPS.recordFailure],
    [STEPS.claim, STEPS.recordFailure],
    [STEPS.createInstance, STEPS.rollback],
    [STEPS.waitForInstance, STEPS.rollback],
    [STEPS.storeCredentials, STEPS.rollback],
    [STEPS.runMigrations, STEPS.rollback],
    [STEPS.configureBackups, STEPS.rollback],
    [STEPS.configureAlarms, STEPS.rollback],
    [STEPS.markActive, STEPS.rollback],
    [STEPS.rollback, STEPS.recordFailure],
  ])('a permanent failure in %s goes to %s', (step, next) => {
    expect(states[step]?.Catch?.at(-1)).toMatchObject({ ErrorEquals: ['States.ALL'], Next: next });
  });

  it('past the point of no return, MarkActive catches an undeliverable outcome before anything can roll back', () => {
    expect(states[STEPS.markActive]?.Catch?.[0]).toMatchObject({
      ErrorEquals: ['OutcomePendingError'],
      Next: 'ProvisionedOutcomePending',
    });
    expect(states.ProvisionedOutcomePending).toMatchObject({ Type: 'Succeed' });
  });

  it('records failures without a catch of its own and then fails the execution', () => {
    expect(states[STEPS.recordFailure]?.Catch).toBeUndefined();
    expect(states[STEPS.recordFailure]?.Next).toBe(STATE_NAMES.failed);
    expect(states[STATE_NAMES.failed]).toMatchObject({
      Type: 'Fail',
      ErrorPath: '$.failure.error',
      CausePath: '$.failure.reason',
    });
  });

  it('loops on the long poll until the instance is available', () => {
    expect(states[STEPS.waitForInstance]?.Next).toBe(STATE_NAMES.isAvailable);
    expect(states[STATE_NAMES.isAvailable]?.Default).toBe(STEPS.waitForInstance);
    expect(states[STATE_NAMES.isAvailable]?.Choices?.[0]?.Next).toBe(STEPS.storeCredentials);
  });

  it('adds step-specific retryable errors only where asked', () => {
    // Act
    const withExtra = buildProvisioningDefinition({
      timeoutSeconds: 60,
      steps: {
        ...PROVISIONING_STEPS,
        [STEPS.runMigrations]: { timeoutSeconds: 300, slowRetryErrors: ['DatabaseUnreachableError'] },
        [STEPS.storeCredentials]: { timeoutSeconds: 60 },
      },
    }) as { States: Record<string, State> };
    // Assess
    expect(withExtra.States[STEPS.runMigrations]?.Retry?.[1]).toMatchObject({
      ErrorEquals: ['DatabaseUnreachableError'],
      IntervalSeconds: 15,
    });
    expect(withExtra.States[STEPS.storeCredentials]?.Retry).toHaveLength(1);
  });
});
