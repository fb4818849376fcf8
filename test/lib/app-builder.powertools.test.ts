import { App } from 'aws-cdk-lib';

/**
 * `cdk synth` must not construct the handlers' Powertools logger, metrics and tracer: they read the Lambda
 * environment when constructed, and the tracer patches the process. The CDK app takes the telemetry names from
 * `lambdas/shared/telemetry.ts`, never from `runtime.ts`, which constructs them when it loads. Each Powertools module
 * is replaced by a stand-in that records its loading, so the test sees what the app's modules load.
 */

const mockLoaded: string[] = [];

jest.mock('@aws-lambda-powertools/logger', () => {
  mockLoaded.push('logger');
  return jest.requireActual('@aws-lambda-powertools/logger');
});
jest.mock('@aws-lambda-powertools/metrics', () => {
  mockLoaded.push('metrics');
  return jest.requireActual('@aws-lambda-powertools/metrics');
});
jest.mock('@aws-lambda-powertools/tracer', () => {
  mockLoaded.push('tracer');
  return jest.requireActual('@aws-lambda-powertools/tracer');
});

describe('synthesizing the app', () => {
  beforeEach(() => {
    mockLoaded.length = 0;
  });

  it('loads no Powertools module', () => {
    // Act: what bin/app.ts loads and builds, with bundling skipped (esbuild bundles the handlers; it never loads them)
    jest.isolateModules(() => {
      const { buildApp, cdkJsonContext } = require('../../lib/app-builder') as typeof import('../../lib/app-builder');
      require('../../lib/nag');
      buildApp(new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } }));
    });

    // Assess
    expect(mockLoaded).toEqual([]);
  });

  it('would notice: loading the handlers’ runtime loads all three', () => {
    // Act
    jest.isolateModules(() => {
      require('../../lambdas/shared/runtime');
    });

    // Assess
    expect(mockLoaded.sort()).toEqual(['logger', 'metrics', 'tracer']);
  });
});
