import { isSilenced, quietWarnings, SDK_NODE_WARNING_OPT_OUT } from '../../../lib/cli/quiet';
import { failureOf } from '../../../lib/cli/render';

describe('quietWarnings', () => {
  it.each([
    ['the SDK warning as a message', 'NodeVersionSupportWarning: The AWS SDK for JavaScript (v3)\nversions ...', true],
    ['the SDK warning as an error', Object.assign(new Error('x'), { name: 'NodeVersionSupportWarning' }), true],
    ['any other warning', 'ExperimentalWarning: something new', false],
  ])('silences %s: %s', (_name, warning, silenced) => {
    // Act / Assess
    expect(isSilenced(warning)).toBe(silenced);
  });

  it("opts out through the SDK's variable and passes other warnings on", () => {
    // Prepare
    const emitted: unknown[] = [];
    const target = { env: {} as Record<string, string | undefined>, emitWarning: (w: unknown) => emitted.push(w) };

    // Act
    quietWarnings(target);
    target.emitWarning('NodeVersionSupportWarning: The AWS SDK ...');
    target.emitWarning('DeprecationWarning: old');

    // Assess
    expect(target.env[SDK_NODE_WARNING_OPT_OUT]).toBe('true');
    expect(emitted).toEqual(['DeprecationWarning: old']);
  });

  it("keeps a user's own setting of the variable", () => {
    // Prepare
    const target = { env: { [SDK_NODE_WARNING_OPT_OUT]: 'false' }, emitWarning: () => {} };

    // Act
    quietWarnings(target);

    // Assess
    expect(target.env[SDK_NODE_WARNING_OPT_OUT]).toBe('false');
  });
});

describe('failureOf', () => {
  it.each([
    [
      'a reason without the step',
      { failedStep: 'CreateInstance', failureReason: 'quota exceeded' },
      'CreateInstance: quota exceeded',
    ],
    [
      'a reason that names the step already',
      { failedStep: 'RunMigrations', failureReason: 'RunMigrations: could not authenticate' },
      'RunMigrations: could not authenticate',
    ],
    ['a step without a reason', { failedStep: 'ClaimTenant' }, 'ClaimTenant'],
  ])('shows the failed step once for %s', (_name, record, expected) => {
    // Act / Assess
    expect(failureOf(record)).toBe(expected);
  });
});
