import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack, NIST80053R5Checks } from 'cdk-nag';

/** The cdk-nag rule packs the platform is checked against, by the pack name that prefixes their rule ids. */
export const NAG_PACKS = {
  AwsSolutions: AwsSolutionsChecks,
  'NIST.800.53.R5': NIST80053R5Checks,
  'HIPAA.Security': HIPAASecurityChecks,
} as const;
export type NagPackName = keyof typeof NAG_PACKS;

/**
 * Registers cdk-nag rule packs as CDK validation plugins: `app.synth()` (and so `cdk synth`) then fails on any
 * finding that is not acknowledged with `Validations.of(construct).acknowledge({ id, reason })` beside the
 * resource, and writes the report to `cdk.out/validation-report.json`.
 *
 * @returns the registered packs, e.g. to call `validateScope` on them directly
 * @example
 * ```ts
 * const app = new App();
 * buildApp(app);
 * applyNagPacks(app, ['AwsSolutions']);
 * ```
 */
export function applyNagPacks(app: App, packs: readonly NagPackName[] = ['AwsSolutions']): NagPack[] {
  const plugins = packs.map((name) => new NAG_PACKS[name](app));
  Validations.of(app).addPlugins(...plugins);
  return plugins;
}
