import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app-builder';
import { PlatformConfigError } from '../lib/config';
import { applyNagPacks } from '../lib/nag';

const app = new App();
try {
  buildApp(app);
} catch (error) {
  // A bad cdk.json value is the operator's to fix: print the rule, not a stack trace.
  if (!(error instanceof PlatformConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
// Any unacknowledged AwsSolutions finding fails the synth.
applyNagPacks(app, ['AwsSolutions']);
