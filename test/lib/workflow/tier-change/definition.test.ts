import { TIER_CHANGE_STATES } from '../../../../lambdas/shared/lifecycle/tier-change';
import { buildTierChangeDefinition, TIER_CHANGE_CHOICES } from '../../../../lib/workflow/tier-change/definition';
import { TIER_CHANGE_FUNCTIONS } from '../../../../lib/workflow/tier-change/steps';
import { aslErrors } from '../../../support/asl';

type State = {
  Type: string;
  Next?: string;
  SecondsPath?: string;
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Retry?: { ErrorEquals: string[] }[];
};

describe('tier change definition', () => {
  // Prepare
  const definition = buildTierChangeDefinition({ timeoutSeconds: 864_000, functions: TIER_CHANGE_FUNCTIONS }) as {
    TimeoutSeconds: number;
    States: Record<string, State>;
  };
  const states = definition.States;

  it('is valid Amazon States Language with an execution timeout beyond a week', () => {
    expect(aslErrors(definition)).toBe('');
    expect(definition.TimeoutSeconds).toBeGreaterThan(7 * 86_400);
  });

  it.each(Object.values(TIER_CHANGE_STATES).filter((s) => s !== TIER_CHANGE_STATES.release))(
    'sends every failure of %s to ReleaseTenant, so the tenant is never left MODIFYING',
    (name) => {
      expect(states[name]?.Catch).toEqual([
        expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: TIER_CHANGE_STATES.release }),
      ]);
    },
  );

  it('never retries a refusal (it would send a refused modification again)', () => {
    const retried = Object.values(states)
      .flatMap((s) => s.Retry ?? [])
      .flatMap((r) => r.ErrorEquals);
    expect(retried).not.toContain('TierChangeRefusedError');
  });

  it('waits between checks as long as the check says, in a Wait state rather than a polling function', () => {
    expect(states[TIER_CHANGE_CHOICES.wait]).toMatchObject({
      Type: 'Wait',
      SecondsPath: '$.progress.waitSeconds',
      Next: TIER_CHANGE_STATES.check,
    });
    expect(states[TIER_CHANGE_CHOICES.isApplied]?.Type).toBe('Choice');
  });
});
