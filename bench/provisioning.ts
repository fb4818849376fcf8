import { startWorkflowDatabase } from '../test/support/workflow-harness';
import { type CostEstimate, estimateCostUsd, type SimulationResult, simulateProvisioning } from './simulation';
import { mean, ratio } from './stats';

/** Simulated RDS creation times (minutes until `available`): a quick one, a typical one, a slow Multi-AZ one. */
const CREATION_MINUTES = [5, 20, 60] as const;

/**
 * Offsets added to each creation time, every 2.5 s across one 30-second loop of the naive baseline: on whole minutes
 * its Wait would end exactly when the instance becomes available, which flatters its notice delay. Twelve samples
 * also average out the ±20% random jitter of WaitForInstance's 30-second describe interval.
 */
export const OFFSETS_SECONDS: readonly number[] = Array.from({ length: 12 }, (_, i) => i * 2.5);

const DEFINITIONS = ['platform', 'naive'] as const;
type DefinitionName = (typeof DEFINITIONS)[number];

/** One definition's figures for one onboarding, averaged over {@link OFFSETS_SECONDS}. */
export interface DefinitionFigures extends SimulationResult {
  readonly cost: CostEstimate;
}

/** The figures the report compares, as naive ÷ platform. */
export const COMPARED = [
  'transitions',
  'lambdaInvocations',
  'lambdaGbSeconds',
  'noticeDelaySeconds',
  'costUsd',
] as const;
export type ComparedFigure = (typeof COMPARED)[number];

/** One scenario: both definitions side by side. */
export interface ProvisioningComparison {
  readonly creationMinutes: number;
  readonly rdsEvent: boolean;
  readonly platform: DefinitionFigures;
  readonly naive: DefinitionFigures;
  /** naive ÷ platform; `undefined` where the platform's figure is 0. */
  readonly ratios: Readonly<Record<ComparedFigure, number | undefined>>;
}

/** The value of a compared figure. */
export function figure(figures: DefinitionFigures, name: ComparedFigure): number {
  return name === 'costUsd' ? figures.cost.totalUsd : figures[name];
}

function meanResult(results: readonly SimulationResult[]): SimulationResult {
  const of = (key: keyof SimulationResult) => mean(results.map((result) => result[key]));
  return {
    transitions: of('transitions'),
    lambdaInvocations: of('lambdaInvocations'),
    lambdaGbSeconds: of('lambdaGbSeconds'),
    noticeDelaySeconds: of('noticeDelaySeconds'),
    virtualMinutes: of('virtualMinutes'),
  };
}

/**
 * Every creation time, with and without RDS's "DB instance created" event, for the platform's definition and the
 * naive Wait/describe loop (bench/simulation.ts), on one PostgreSQL shared by all runs.
 */
export async function benchProvisioning(onProgress?: (label: string) => void): Promise<ProvisioningComparison[]> {
  const database = await startWorkflowDatabase();
  try {
    const comparisons: ProvisioningComparison[] = [];
    for (const creationMinutes of CREATION_MINUTES) {
      for (const rdsEvent of [false, true]) {
        onProgress?.(`${creationMinutes} min, RDS event ${rdsEvent ? 'on' : 'off'}`);
        const figures = {} as Record<DefinitionName, DefinitionFigures>;
        for (const definition of DEFINITIONS) {
          const runs: SimulationResult[] = [];
          for (const offsetSeconds of OFFSETS_SECONDS) {
            runs.push(await simulateProvisioning({ creationMinutes, rdsEvent, definition, offsetSeconds }, database));
          }
          const result = meanResult(runs);
          figures[definition] = { ...result, cost: estimateCostUsd(result) };
        }
        const { platform, naive } = figures;
        const ratios = Object.fromEntries(
          COMPARED.map((name) => [name, ratio(figure(naive, name), figure(platform, name))]),
        ) as Record<ComparedFigure, number | undefined>;
        comparisons.push({ creationMinutes, rdsEvent, platform, naive, ratios });
      }
    }
    return comparisons;
  } finally {
    await database.stop();
  }
}
