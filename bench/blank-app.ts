import { App, Stack } from 'aws-cdk-lib';

// The synth benchmark's baseline: the same aws-cdk-lib, CLI and tsx start-up as the platform app, with nothing in it.
const app = new App();
new Stack(app, 'Blank');
app.synth();
