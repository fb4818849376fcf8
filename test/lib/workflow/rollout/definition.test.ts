import { ROLLOUT_STEPS } from '../../../../lambdas/shared/rollout/contracts';
import { buildRolloutDefinition, ROLLOUT_STATE_NAMES } from '../../../../lib/workflow/rollout/definition';
import { aslErrors } from '../../../support/asl';

const profile = { timeoutSeconds: 60 };
const definition = buildRolloutDefinition({
  timeoutSeconds: 3600,
  steps: { [ROLLOUT_STEPS.plan]: profile, [ROLLOUT_STEPS.migrateTenant]: profile, [ROLLOUT_STEPS.record]: profile },
});

describe('buildRolloutDefinition', () => {
  it('is valid Amazon States Language', () => {
    expect(aslErrors(definition)).toBe('');
  });

  it.each([
    [ROLLOUT_STEPS.plan, ROLLOUT_STATE_NAMES.startWaves],
    [ROLLOUT_STATE_NAMES.startWaves, ROLLOUT_STATE_NAMES.moreWaves],
    [ROLLOUT_STATE_NAMES.selectWave, ROLLOUT_STATE_NAMES.migrateWave],
    [ROLLOUT_STATE_NAMES.migrateWave, ROLLOUT_STATE_NAMES.recordWave],
    [ROLLOUT_STATE_NAMES.recordWave, ROLLOUT_STATE_NAMES.nextWave],
    [ROLLOUT_STATE_NAMES.nextWave, ROLLOUT_STATE_NAMES.moreWaves],
    [ROLLOUT_STATE_NAMES.haltRollout, ROLLOUT_STATE_NAMES.halted],
    [ROLLOUT_STATE_NAMES.completeRollout, ROLLOUT_STATE_NAMES.completed],
  ])('goes from %s to %s', (from, to) => {
    expect((definition.States[from] as { Next?: string }).Next).toBe(to);
  });

  it('gates each wave on the previous one: the next wave starts only after the last one was recorded', () => {
    // Assess: the only way into the Map is SelectWave, reached only from MoreWaves (after NextWave)
    const into = (target: string) =>
      Object.entries(definition.States)
        .filter(([, s]) => JSON.stringify(s).includes(`"${target}"`))
        .map(([name]) => name);
    expect(into(ROLLOUT_STATE_NAMES.migrateWave)).toEqual([ROLLOUT_STATE_NAMES.selectWave]);
    expect(into(ROLLOUT_STATE_NAMES.selectWave)).toEqual([ROLLOUT_STATE_NAMES.moreWaves]);
    expect(definition.States[ROLLOUT_STATE_NAMES.moreWaves]).toMatchObject({
      Choices: [
        {
          Variable: '$.cursor.index',
          NumericEqualsPath: '$.plan.waveCount',
          Next: ROLLOUT_STATE_NAMES.completeRollout,
        },
      ],
    });
  });

  it('halts on any Map Run failure and ends as a failed execution', () => {
    expect(definition.States[ROLLOUT_STATE_NAMES.migrateWave]).toMatchObject({
      Catch: [{ ErrorEquals: ['States.ALL'], Next: ROLLOUT_STATE_NAMES.haltRollout }],
    });
    expect(definition.States[ROLLOUT_STATE_NAMES.halted]).toMatchObject({ Type: 'Fail', Error: 'RolloutHalted' });
    expect(definition.TimeoutSeconds).toBe(3600);
  });
});
