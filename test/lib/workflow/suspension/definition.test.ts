import { SUSPENSION_STATES } from '../../../../lambdas/shared/lifecycle/suspension';
import { buildSuspensionDefinition, SUSPENSION_CHOICES } from '../../../../lib/workflow/suspension/definition';
import { SUSPENSION_FUNCTIONS } from '../../../../lib/workflow/suspension/steps';
import { aslErrors } from '../../../support/asl';

type State = { Type: string; Next?: string; Catch?: { ErrorEquals: string[]; Next: string }[] };

describe('suspension definition', () => {
  // Prepare
  const definition = buildSuspensionDefinition({ timeoutSeconds: 10_800, functions: SUSPENSION_FUNCTIONS }) as {
    StartAt: string;
    TimeoutSeconds: number;
    States: Record<string, State>;
  };
  const states = definition.States;

  it('is valid Amazon States Language with an execution timeout', () => {
    expect(aslErrors(definition)).toBe('');
    expect(definition.TimeoutSeconds).toBe(10_800);
  });

  it.each(
    Object.values(SUSPENSION_STATES).filter((s) => s !== SUSPENSION_STATES.take && s !== SUSPENSION_STATES.release),
  )('sends every failure of %s to ReleaseTenant, so the tenant is never left busy', (name) => {
    expect(states[name]?.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: SUSPENSION_STATES.release }),
    ]);
  });

  it('sends a refused take to ReleaseTenant too, which announces the rejection, and ends it as Rejected', () => {
    expect(states[SUSPENSION_STATES.take]?.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: SUSPENSION_STATES.release }),
    ]);
    expect(states[SUSPENSION_CHOICES.rejected]).toEqual({
      Type: 'Fail',
      ErrorPath: '$.release.error',
      CausePath: '$.release.reason',
    });
  });

  it('fails the execution when the release reports a failed operation', () => {
    expect(states[SUSPENSION_CHOICES.failed]).toEqual({
      Type: 'Fail',
      ErrorPath: '$.release.error',
      CausePath: '$.release.reason',
    });
  });
});
