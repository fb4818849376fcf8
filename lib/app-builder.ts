import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, Duration, Tags } from 'aws-cdk-lib';
import { loadPlatformConfig, type PlatformConfig, stackEnvironment } from './config';
import { FoundationStack } from './foundation/foundation-stack';
import { WorkflowStack } from './workflow/workflow-stack';

/** The stacks of one platform deployment. */
export interface PlatformApp {
  readonly config: PlatformConfig;
  readonly foundation: FoundationStack;
  readonly workflow: WorkflowStack;
}

/**
 * Builds every stack of the platform into `app` from its context. `bin/app.ts`, the tests and the benchmark all
 * call this, so they synthesize the same app.
 *
 * @throws {PlatformConfigError} when a context value breaks its rule (see `loadPlatformConfig`)
 */
export function buildApp(app: App): PlatformApp {
  const config = loadPlatformConfig(app.node);
  const env = stackEnvironment(config);
  Tags.of(app).add('Project', config.platformName);

  const foundation = new FoundationStack(app, `${config.platformName}-foundation`, { config, env });

  const workflow = new WorkflowStack(app, `${config.platformName}-workflow`, {
    env,
    foundation,
    catalog: config.tierCatalog,
    secretNamePattern: config.secretNamePattern,
    backupReplicationRegion: config.backupReplicationRegion,
    backupReplicationKmsKeyArn: config.backupReplicationKmsKeyArn,
    billingEventBusName: config.billingEventBusName,
    logRetention: config.logRetention,
    executionTimeout: Duration.minutes(config.provisioningTimeoutMinutes),
    schemaRollout: config.schemaRollout,
  });

  return { config, foundation, workflow };
}

/**
 * The `context` object of the project's `cdk.json`. The CDK CLI passes it to the app; code that builds the app
 * in-process (tests, benchmark) passes it to `new App({ context })` to synthesize what `cdk synth` would.
 */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(__dirname, '..', 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return { ...cdkJson.context };
}
