import type { HandlerBundle } from './bundles';
import type { CliStartupBench } from './cli-startup';
import { formatKiB, formatMs, formatRatio, formatUsd, renderSection, renderTable } from './format';
import { callsAgainstUnthrottled, type LoadResult, loadFigures } from './load';
import { COMPARED, type ComparedFigure, figure, OFFSETS_SECONDS, type ProvisioningComparison } from './provisioning';
import { API_LATENCY_MS, PRICES } from './simulation';
import type { SynthBench } from './synth';

/** Median figures of the migration benchmark (bench/migrations.ts). */
export interface MigrationBench {
  readonly runs: number;
  readonly migrations: number;
  readonly applyMs: number;
  readonly noopMs: number;
}

/** Per handler: bundle size and cold initialisation against a bare Node start. */
export function bundlesSection(bundles: readonly HandlerBundle[], runs: number): string {
  const rows = bundles.map((b) => [
    b.folder,
    formatKiB(b.bytes),
    formatKiB(b.gzipBytes),
    formatMs(b.bareMs),
    formatMs(b.loadMs),
    formatRatio(b.ratio),
  ]);
  return renderSection(
    'Handler bundles and cold initialisation',
    renderTable(
      [
        { header: 'handler', align: 'left' },
        { header: 'KiB' },
        { header: 'gzip KiB' },
        { header: 'node ms' },
        { header: 'init ms' },
        { header: 'init/node' },
      ],
      rows,
    ),
    [
      'KiB: minified index.js as NodejsFunction builds it (esbuild, node22, CJS, @aws-sdk/* external; map not counted).',
      `node ms: median wall time of \`node -e ""\`; init ms: of \`node -e "require('<bundle>')"\`; ${runs} fresh processes`,
      'each, alternating; both with the deployed NODE_OPTIONS=--enable-source-maps and @aws-sdk/* from node_modules',
      '(as Lambda loads the runtime’s copy). init/node: how many bare Node starts the handler’s import costs.',
    ],
  );
}

const FIGURES: Readonly<Record<ComparedFigure, { label: string; format: (value: number) => string }>> = {
  transitions: { label: 'state transitions', format: (v) => v.toFixed(1) },
  lambdaInvocations: { label: 'Lambda invocations', format: (v) => v.toFixed(1) },
  lambdaGbSeconds: { label: 'Lambda GB-s', format: (v) => v.toFixed(2) },
  noticeDelaySeconds: { label: 'notice delay s', format: (v) => v.toFixed(1) },
  costUsd: { label: 'cost per tenant', format: formatUsd },
};

/** The simulated onboarding: per scenario, each compared figure for both definitions and naive ÷ platform. */
export function provisioningSection(comparisons: readonly ProvisioningComparison[]): string {
  const rows = comparisons.flatMap((c) =>
    COMPARED.map((name, i) => {
      const { label, format } = FIGURES[name];
      // The scenario is named on its first row only, so each group of rows reads as one block.
      const scenario = i === 0 ? [`${c.creationMinutes} min`, c.rdsEvent ? 'yes' : 'no'] : ['', ''];
      return [
        ...scenario,
        label,
        format(figure(c.platform, name)),
        format(figure(c.naive, name)),
        formatRatio(c.ratios[name]),
      ];
    }),
  );
  return renderSection(
    'Provisioning workflow, simulated',
    renderTable(
      [
        { header: 'RDS creation', align: 'left' },
        { header: 'RDS event', align: 'left' },
        { header: 'figure', align: 'left' },
        { header: 'platform' },
        { header: 'naive' },
        { header: 'naive/platform' },
      ],
      rows,
    ),
    [
      'One enterprise onboarding in the workflow harness (synthesized definition, real handlers, AWS double on a',
      'virtual clock, real PostgreSQL). platform: long-polling WaitForInstance (+ the RDS event when on);',
      `naive: a Wait 30 s / describe / Choice loop. Means of ${OFFSETS_SECONDS.length} runs, creation times offset`,
      `by 0 to ${OFFSETS_SECONDS.at(-1)} s; AWS calls take ${API_LATENCY_MS} ms. Notice delay: instance available → workflow`,
      'knows it. Cost: Step Functions Standard transitions + Lambda arm64 GB-s and requests,',
      `on-demand prices of ${PRICES.asOf}, free tiers left out.`,
    ],
  );
}

/** `cdk synth` of the platform app against an empty app in the same toolchain. */
export function synthSection(synth: SynthBench): string {
  return renderSection(
    'cdk synth',
    renderTable(
      [{ header: 'app', align: 'left' }, { header: 'median ms' }, { header: 'ratio' }],
      [
        ['platform (bin/app.ts)', formatMs(synth.platformMs), formatRatio(synth.ratio)],
        ['blank (bench/blank-app.ts)', formatMs(synth.blankMs), formatRatio(1)],
      ],
    ),
    [
      `Wall time of \`npx cdk synth --quiet -o <tmp>\`, ${synth.runs} runs each, interleaved; ratio: to the blank app.`,
      `The platform synth bundles ${synth.bundling.assets} functions with esbuild (${formatMs(synth.bundling.esbuildMs)} ms as esbuild reports it).`,
    ],
  );
}

/** Init migrations on a throwaway PostgreSQL: a fresh tenant database, then a retried (no-op) run. */
export function migrationsSection(migrations: MigrationBench): string {
  return renderSection(
    'Init migrations on PostgreSQL',
    renderTable(
      [{ header: 'run', align: 'left' }, { header: 'median ms' }],
      [
        [`first run (${migrations.migrations} migrations + app role)`, formatMs(migrations.applyMs)],
        ['no-op re-run (a retried step)', formatMs(migrations.noopMs)],
      ],
    ),
    [
      `${migrations.runs} runs, each on a new embedded PostgreSQL; times include connecting and authenticating,`,
      'not the server start.',
    ],
  );
}

/** tenantctl start-up: the built bundle's `--help` and `plan` against a bare Node start. */
export function cliStartupSection(bench: CliStartupBench): string {
  return renderSection(
    'tenantctl start-up',
    renderTable(
      [{ header: 'command', align: 'left' }, { header: 'median ms' }, { header: 'ratio' }],
      [
        ...bench.commands.map((c) => [c.label, formatMs(c.ms), formatRatio(c.ratio)]),
        ['node -e ""', formatMs(bench.bareMs), formatRatio(1)],
      ],
    ),
    [
      `The built tenantctl (npm run build: esbuild, ES modules, AWS SDK in chunks loaded only by commands that call AWS),`,
      `run as \`node tenantctl.mjs <args>\` in an empty folder; ${bench.runs} fresh processes each, alternating. Target: ≤ 4×.`,
    ],
  );
}

/** Targets of the load runs: met (✓) or not (✗) next to the figure they apply to. */
const LOAD_TARGETS = {
  /** The throttled run the outcome targets apply to. */
  outcomes: { tenants: 100, throttleRate: 0.2 },
  callsRatio: 1.5,
  /** The run the describe-rate target applies to, and the rate (calls per second over any minute). */
  describe: { tenants: 400, throttleRate: 0 },
  describePerSecond: 6,
} as const;

/** Waiters the describe rate is extrapolated to. */
const EXTRAPOLATED_WAITERS = 1000;

const mark = (met: boolean) => (met ? ' ✓' : ' ✗');

const label = (r: { tenants: number; throttleRate: number }) => `${r.tenants} @ ${Math.round(r.throttleRate * 100)}%`;

/**
 * The busiest-minute describe rate at {@link EXTRAPOLATED_WAITERS} waiters: the line through the unthrottled runs'
 * rates (a fixed part, for a shared poller, plus a part per waiter), or proportional with only one run.
 */
function extrapolateDescribeRate(results: readonly LoadResult[]): number | undefined {
  const points = results
    .filter((r) => r.throttleRate === 0)
    .map((r) => [r.tenants, r.describe.busiestMinutePerSecond] as const)
    .sort((a, b) => a[0] - b[0]);
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last) return undefined;
  if (first[0] === last[0]) return (first[1] / first[0]) * EXTRAPOLATED_WAITERS;
  const slope = (last[1] - first[1]) / (last[0] - first[0]);
  return last[1] + slope * (EXTRAPOLATED_WAITERS - last[0]);
}

/** Concurrent onboardings, throttled or not: one column per run, the targets' marks on the figures they apply to. */
export function loadSection(results: readonly LoadResult[]): string {
  const is = (r: LoadResult, at: { tenants: number; throttleRate: number }) =>
    r.tenants === at.tenants && r.throttleRate === at.throttleRate;
  const unthrottled = (r: LoadResult) => results.find((u) => u.tenants === r.tenants && u.throttleRate === 0);
  const columns = results.map((r) => {
    const f = loadFigures(r);
    const outcomeTarget = is(r, LOAD_TARGETS.outcomes);
    const base = unthrottled(r);
    const calls = base && base !== r ? callsAgainstUnthrottled(r, base) : undefined;
    const registry = (status: string) => String(f.registry[status] ?? 0);
    const rollbackFailed = f.registry.ROLLBACK_FAILED ?? 0;
    return [
      `${f.succeeded}/${r.tenants}`,
      String(f.failedClean),
      `${f.notClean}${outcomeTarget ? mark(f.notClean === 0) : ''}`,
      registry('ACTIVE'),
      registry('FAILED'),
      `${rollbackFailed}${outcomeTarget ? mark(rollbackFailed === 0) : ''}`,
      String(r.outcomes.filter((o) => !['ACTIVE', 'FAILED', 'ROLLBACK_FAILED'].includes(o.registry)).length),
      String(f.leftovers),
      `${f.duplicates}${outcomeTarget ? mark(f.duplicates === 0) : ''}`,
      f.callsPerActiveTenant.toFixed(1),
      calls
        ? `${formatRatio(calls.ratio)}${outcomeTarget ? mark(calls.ratio <= LOAD_TARGETS.callsRatio) : ''}`
        : base === r
          ? formatRatio(1)
          : '–',
      calls ? formatRatio(calls.worst) : '–',
      f.transitionsPerExecution.toFixed(1),
      String(r.describe.calls),
      r.describe.averagePerSecond.toFixed(1),
      `${r.describe.busiestMinutePerSecond.toFixed(1)}${
        is(r, LOAD_TARGETS.describe) ? mark(r.describe.busiestMinutePerSecond <= LOAD_TARGETS.describePerSecond) : ''
      }`,
      String(r.describe.busiestMinuteStartsAtSecond),
      String(r.describe.busiestSecond),
      r.virtualMinutes.toFixed(1),
      r.realSeconds.toFixed(0),
    ];
  });
  const o = label(LOAD_TARGETS.outcomes);
  const rows: [string, string][] = [
    ['executions SUCCEEDED', ''],
    ['FAILED, clean and recorded', ''],
    ['other ends (leftovers, unrecorded, timed out)', `0 at ${o}`],
    ['registry ACTIVE', ''],
    ['registry FAILED', ''],
    ['registry ROLLBACK_FAILED', `0 at ${o}`],
    ['registry other (PROVISIONING, none)', ''],
    ['leftovers of failed tenants', ''],
    ['duplicate instances/secrets', `0 at ${o}`],
    ['AWS calls per ACTIVE tenant', ''],
    ['  vs unthrottled, same tenants', `≤ ${LOAD_TARGETS.callsRatio}× at ${o}`],
    ['  worst tenant vs unthrottled', ''],
    ['state transitions per execution', ''],
    ['DescribeDBInstances calls', ''],
    ['  average per s', ''],
    ['  busiest minute, per s', `≤ ${LOAD_TARGETS.describePerSecond}/s at ${label(LOAD_TARGETS.describe)}`],
    ['  busiest minute starts at, s', ''],
    ['  busiest second', ''],
    ['virtual minutes, start to last end', ''],
    ['real seconds', ''],
  ];
  const extrapolated = extrapolateDescribeRate(results);
  return renderSection(
    'Concurrent onboardings under throttling',
    renderTable(
      [
        { header: 'figure', align: 'left' },
        ...results.map((r) => ({ header: label(r) })),
        { header: 'target', align: 'left' },
      ],
      rows.map(([name, target], i) => [name, ...columns.map((c) => c[i] as string), target]),
    ),
    [
      'N @ p%: N onboardings started at the same virtual instant (tiers starter, pro, enterprise in turn) in the workflow',
      `harness, on one AWS double and its discrete-event clock; each AWS call takes ${API_LATENCY_MS} ms and is throttled with`,
      'probability p (seeded; a throttled call stands for one whose SDK retries are spent). RDS creation 10 min + 2 min',
      'backing up; no RDS event (polling only); the RDS instance quota raised to N. RunMigrations runs one at a time',
      'against the one test PostgreSQL (real seconds include that queue).',
      'Clean FAILED: the execution failed, the registry and a failed outcome event say so, and nothing of the tenant is',
      'left. Calls: every call an execution made, throttled ones included, against the same tenants in the unthrottled',
      'run (ratio of the sums; worst: the largest single-tenant ratio). Describe rates are per virtual second; busiest',
      'minute: the most calls in any 60-second window, divided by 60.',
      extrapolated === undefined
        ? ''
        : `DescribeDBInstances at ${EXTRAPOLATED_WAITERS.toLocaleString('en-US')} waiters (busiest minute, on the line through the ` +
          `unthrottled runs): ${extrapolated.toFixed(1)}/s.`,
    ].filter((line) => line !== ''),
  );
}
