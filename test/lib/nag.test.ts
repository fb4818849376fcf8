import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { buildApp, cdkJsonContext } from '../../lib/app-builder';
import { applyNagPacks, NAG_PACKS, type NagPackName } from '../../lib/nag';

// The whole platform as `cdk synth` builds it, synthesized once: every stack buildApp adds is checked. Bundling is
// skipped (the rules read templates, not handler code).
const app = new App({
  context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] },
  builtinCloudFormationValidation: false,
});
buildApp(app);
app.synth();

describe('cdk-nag on the platform app', () => {
  it.each(Object.keys(NAG_PACKS) as NagPackName[])('%s: no unacknowledged finding', (pack) => {
    // Act
    const report = new NAG_PACKS[pack]().validateScope(app);

    // Assess: the diff lists every finding with the resources it was found on.
    const findings = report.violations.flatMap((v) =>
      v.violatingResources.map((r) => `${v.ruleName} on ${r.constructPath}: ${v.description}`),
    );
    expect(findings).toEqual([]);
  });
});

describe('applyNagPacks', () => {
  function appWithPlainTopic(acknowledge: boolean): App {
    const scratch = new App({ builtinCloudFormationValidation: false });
    const topic = new sns.Topic(new Stack(scratch, 'Scratch'), 'Topic');
    if (acknowledge) {
      Validations.of(topic).acknowledge({ id: 'AwsSolutions-SNS3', reason: 'Fixture: proves acknowledgements work' });
    }
    applyNagPacks(scratch);
    return scratch;
  }

  it('makes synth fail on an unacknowledged AwsSolutions finding', () => {
    // Prepare
    const scratch = appWithPlainTopic(false);

    // Act
    const synth = () => scratch.synth();

    // Assess
    expect(synth).toThrow(/AwsSolutions-SNS3/);
  });

  it('lets synth pass once each finding is acknowledged beside the resource', () => {
    // Prepare
    const scratch = appWithPlainTopic(true);

    // Act
    const synth = () => scratch.synth();

    // Assess
    expect(synth).not.toThrow();
  });
});
