// Mutation testing of the decision modules: `npm run mutation` (docs/mutation-testing.md) runs Stryker once per
// group below. Survivors that no test can kill, because the mutant behaves exactly like the original, are listed in
// stryker.equivalent-mutants.md.
//
// Two groups, because a mutant of a module-level constant (a "static" mutant: a tier rule's text, a status list) runs
// every test related to its file. The tier catalog is imported by nearly every suite, so its rules are mutated
// against the tier suites only, which must catch every mistake in them on their own.

/** Each group: the modules it mutates and the suites that judge them. */
const GROUPS = {
  tiers: {
    mutate: [
      'lambdas/shared/tiers/rules.ts',
      'lambdas/shared/tiers/index.ts',
      'lambdas/shared/tiers/fields.ts',
      'lambdas/shared/tiers/did-you-mean.ts',
    ],
    suites: ['test/lambdas/shared/tiers/*.test.ts'],
  },
  workflow: {
    mutate: [
      'lambdas/validate-input/validate.ts',
      'lambdas/shared/tenant-id.ts',
      'lambdas/shared/untrusted.ts',
      'lambdas/shared/registry.ts',
      'lambdas/claim-tenant/handler.ts',
      'lambdas/wait-for-instance/poll.ts',
      'lambdas/wait-for-instance/status.ts',
      'lambdas/wait-for-instance/options.ts',
      'lambdas/wait-for-instance/wait.ts',
      'lambdas/shared/instance-view.ts',
      'lambdas/shared/visibility.ts',
      'lambdas/rollback/plan.ts',
      'lambdas/rollback/observe.ts',
    ],
    // The workflow, CLI, infrastructure and PostgreSQL suites are left out: slow, and not where these decisions are
    // pinned down.
    suites: [
      'test/lambdas/validate-input/*.test.ts',
      'test/lambdas/shared/tenant-id.test.ts',
      'test/lambdas/shared/untrusted.test.ts',
      'test/lambdas/shared/instance-view.test.ts',
      'test/lambdas/shared/registry*.test.ts',
      'test/lambdas/claim-tenant/*.test.ts',
      'test/lambdas/wait-for-instance/*.test.ts',
      'test/lambdas/rollback/*.test.ts',
    ],
  },
};

const name = process.env.MUTATION_GROUP ?? '';
const group = GROUPS[name];
if (!group) throw new Error(`MUTATION_GROUP must be one of ${Object.keys(GROUPS).join(', ')} (got "${name}")`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: {
    configFile: 'jest.config.js',
    // Each mutant loads only the suites of its group that import its file, directly or not (Jest's
    // --findRelatedTests, which follows imports only through files under `roots`).
    config: {
      roots: ['<rootDir>/test', '<rootDir>/lambdas'],
      testMatch: group.suites.map((glob) => `<rootDir>/${glob}`),
    },
    enableFindRelatedTests: true,
  },
  coverageAnalysis: 'perTest',
  mutate: group.mutate,
  // TypeScript 7 has no compiler API: no checker plugin; the tests are the only judge.
  checkers: [],
  // Stryker rewrites the tsconfig's out-of-sandbox paths with the TypeScript compiler API, which TypeScript 7 lacks;
  // tsconfig.json has no such paths, so it is given no tsconfig to rewrite.
  tsconfigFile: 'stryker-rewrites-no-tsconfig.json',
  concurrency: 2,
  thresholds: { high: 97, low: 95, break: 95 },
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  clearTextReporter: { allowColor: false, reportTests: false, reportScoreTable: true, reportMutants: true },
  ignorePatterns: ['cdk.out', 'dist', 'coverage', 'reports', 'bench/results'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
