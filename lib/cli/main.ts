/**
 * tenantctl: onboard tenant databases through the provisioning workflow, and read the tenant registry.
 * Commands are thin; the decisions they make live in the modules next to this one. Each command's module is loaded
 * with import() when it runs, so `--help` and `plan` never load the AWS SDK.
 *
 * @module
 */
import { userInfo } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { Argument, Command, CommanderError, Option } from 'commander';
import { TENANT_STATUSES } from '../../lambdas/shared/contracts';
import { TENANT_ID_RULES } from '../../lambdas/shared/tenant-id';
import { version } from '../../package.json';
import { defaultStateDir, STATE_DIR_ENV } from '../local/state-dir';
import type { AwsOptions, CliContext } from './context';
import { DEFAULT_TIMEOUT_SECONDS, type Deadline, NO_DEADLINE, startDeadline } from './deadline';
import { EXIT, EXIT_CODES_HELP } from './exit-codes';
import { type ErrorFacts, explainError } from './explain';
import {
  loadAws,
  loadBilling,
  loadChangeTier,
  loadCompletion,
  loadCredentials,
  loadLauncher,
  loadLocal,
  loadMigrations,
  loadOffboard,
  loadOnboard,
  loadPlan,
  loadReset,
  loadRotation,
  loadSuspension,
  loadTenants,
  loadTiers,
  loadWatch,
} from './lazy';
import { addOffboardScheduleOptions } from './offboard-options';
import { assertSeconds } from './options';
import type { AwsCall } from './services';
import { DEFAULT_STACK_NAME, TARGETS } from './targets';

const VERSION: string = version;

const DEFAULT_CDK_JSON = 'cdk.json';
const DEFAULT_POLL_SECONDS = '5';
/** Local workflows take seconds, not minutes: `--wait` polls the local platform every second unless told otherwise. */
const LOCAL_POLL_SECONDS = '1';

const HELP_AFTER = `
Where the workflow is: ${TARGETS.stateMachineArn.flag} / ${TARGETS.registryTable.flag}, else the environment variables
${TARGETS.stateMachineArn.env} / ${TARGETS.registryTable.env}, else the outputs ${TARGETS.stateMachineArn.output} /
${TARGETS.registryTable.output} of the CloudFormation stack given by --stack (default ${DEFAULT_STACK_NAME}).
AWS credentials and Region come from your usual AWS configuration (profile, SSO, environment); --profile and
--region override them.

Tenant ids: ${TENANT_ID_RULES.map((r) => r.description).join('; ')}.

Examples:
  $ tenantctl plan acme-corp --tier pro
  $ tenantctl onboard acme-corp --tier pro
  $ tenantctl watch acme-corp
  $ tenantctl list --status failed

${EXIT_CODES_HELP}
`;

/** `Examples:` help text of a command. */
const examples = (...lines: string[]): string => `\nExamples:\n${lines.map((l) => `  $ tenantctl ${l}`).join('\n')}\n`;

function awsOptions(command: Command): Command {
  return command
    .option('--region <region>', 'AWS Region (default: from your AWS configuration)')
    .option('--profile <name>', 'AWS profile (default: AWS_PROFILE, else the default profile)')
    .option('--stack <name>', 'workflow stack whose outputs locate the state machine and registry', DEFAULT_STACK_NAME)
    .option(`${TARGETS.registryTable.flag} <name>`, `tenant registry table (env ${TARGETS.registryTable.env})`)
    .option('--json', 'print JSON instead of text');
}

function cdkJsonOption(command: Command): Command {
  return command.option(
    '--cdk-json <path>',
    'cdk.json whose context.tiers / secretNamePattern the deployment uses',
    DEFAULT_CDK_JSON,
  );
}

const cdkJsonExplicit = (command: Command): boolean => command.getOptionValueSource('cdkJson') !== 'default';

/** `suspend` and `resume`: the same options, the operation as data. */
function addSuspensionCommands(program: Command, ctx: CliContext, result: { code: number }): void {
  const what = {
    suspend: 'stop a tenant database and disable its application login (billing paused, tenant inactive)',
    resume: 'start a suspended tenant database again and re-enable its application login',
  } as const;
  for (const operation of ['suspend', 'resume'] as const) {
    awsOptions(
      program
        .command(operation)
        .description(what[operation])
        .argument('<tenant>', 'tenant id')
        .option('--wait', 'follow the execution until it ends')
        .option('--requested-by <who>', 'who asked (default: your login)')
        .option(
          `${TARGETS.suspensionStateMachineArn.flag} <arn>`,
          `suspend and resume state machine (env ${TARGETS.suspensionStateMachineArn.env})`,
        ),
    )
      .addOption(
        new Option('--poll-interval <seconds>', 'seconds between polls with --wait').default(DEFAULT_POLL_SECONDS),
      )
      .addHelpText('after', examples(`${operation} acme-corp`, `${operation} acme-corp --wait --json`))
      .action(async (tenant: string, options) => {
        const { suspensionCommand } = await loadSuspension();
        result.code = await suspensionCommand(operation, tenant, options, ctx);
      });
  }
}

/** `change-tier`: plan, confirm, start the tier change workflow. */
function addChangeTierCommand(program: Command, ctx: CliContext, result: { code: number }): void {
  cdkJsonOption(
    awsOptions(
      program
        .command('change-tier')
        .description(
          'move a live tenant to another tier: shows the plan (disruption, cost), asks before an outage, starts the change',
        )
        .argument('<tenant>', 'tenant id')
        .requiredOption('--to <tier>', 'tier name from the catalog')
        .option('--when <when>', "now or maintenance-window (default: the new tier's tierChangeTiming)")
        .option('--wait', 'follow the execution until it ends')
        .option('--yes', 'do not ask for confirmation (required without a terminal)')
        .option('--requested-by <who>', 'who asked (default: your login)')
        .option(
          `${TARGETS.tierChangeStateMachineArn.flag} <arn>`,
          `tier change state machine (env ${TARGETS.tierChangeStateMachineArn.env})`,
        ),
    ),
  )
    .addOption(
      new Option('--poll-interval <seconds>', 'seconds between polls with --wait').default(DEFAULT_POLL_SECONDS),
    )
    .addHelpText(
      'after',
      examples(
        'change-tier acme-corp --to pro',
        'change-tier acme-corp --to enterprise --when now --yes --wait --json',
      ),
    )
    .action(async (tenant: string, options, command: Command) => {
      const { changeTierCommand } = await loadChangeTier();
      result.code = await changeTierCommand(tenant, { ...options, cdkJsonExplicit: cdkJsonExplicit(command) }, ctx);
    });
}

/** `offboard`: now, at a time, in a while, or cancel; confirmed by typing the tenant id, or `--yes`. */
function addOffboardCommand(program: Command, ctx: CliContext, result: { code: number }): void {
  addOffboardScheduleOptions(
    awsOptions(
      program
        .command('offboard')
        .description(
          'take a final snapshot of a tenant database (kept for its tier retention), then delete the database, its alarms and application secret',
        )
        .argument('<tenant>', 'tenant id')
        .option('--now', 'offboard now')
        .option('--yes', 'do not ask to type the tenant id (scripts; required without a terminal)')
        .option('--wait', 'follow the execution until it ends')
        .option('--requested-by <who>', 'who asked (default: your login)')
        .option(
          `${TARGETS.offboardingStateMachineArn.flag} <arn>`,
          `offboarding state machine (env ${TARGETS.offboardingStateMachineArn.env})`,
        ),
    ),
  )
    .addOption(
      new Option('--poll-interval <seconds>', 'seconds between polls with --wait').default(DEFAULT_POLL_SECONDS),
    )
    .addHelpText(
      'after',
      examples(
        'offboard acme-corp --now',
        'offboard acme-corp --now --yes --wait --json',
        'offboard acme-corp --in 30d',
        'offboard acme-corp --cancel',
      ),
    )
    .action(async (tenant: string, options) => {
      const { offboardCommand } = await loadOffboard();
      result.code = await offboardCommand(tenant, options, ctx);
    });
}

/** Builds the program; each action stores its exit code in `result`. */
function buildProgram(ctx: CliContext, result: { code: number }, json: boolean): Command {
  const program = new Command('tenantctl')
    .description('Onboard tenant databases through the provisioning workflow, follow them and operate the platform.')
    .version(VERSION, '-V, --version', 'print the version of tenantctl')
    .option(
      '--timeout <seconds>',
      'give up when AWS has not answered for this long (while following an operation: per poll)',
      String(DEFAULT_TIMEOUT_SECONDS),
    )
    .option('--no-color', 'no colours (also when NO_COLOR is set or the output is not a terminal)')
    .option(`--local`, `send every AWS call to the local platform instead of AWS (also when ${LOCAL_ENV}=1)`)
    .option('--state-dir <dir>', `state directory of the local platform (env ${STATE_DIR_ENV})`)
    .configureOutput({
      writeOut: ctx.out,
      writeErr: ctx.err,
      // With --json, usage errors are printed as JSON by runCli instead.
      outputError: (text, write) => {
        if (!json) write(text);
      },
    })
    .exitOverride()
    .showHelpAfterError(json ? false : '(run tenantctl --help for usage)')
    .addHelpText('after', HELP_AFTER);

  cdkJsonOption(
    program
      .command('plan')
      .description(
        'show what onboarding a tenant creates, or with --from what changing its tier changes, and what it costs per month (offline, no credentials)',
      )
      .argument('<tenant>', 'tenant id')
      .requiredOption('--tier <tier>', 'tier name from the catalog (with --from: the tier to move to)')
      .option('--from <tier>', 'the tier the tenant is on: plan a tier change instead of an onboarding')
      .option('--when <when>', 'with --from: apply the change now or at the maintenance-window (default: now)')
      .option('--region <region>', 'Region to price (default: AWS_REGION, else us-east-1)')
      .option('--json', 'print JSON instead of text')
      // With credentials configured, plan reads the tenant's registry record: an offboarded tenant is restored.
      .option('--profile <name>', 'AWS profile to read the registry with (default: AWS_PROFILE)')
      .option('--stack <name>', 'workflow stack whose outputs locate the registry', DEFAULT_STACK_NAME)
      .option(`${TARGETS.registryTable.flag} <name>`, `tenant registry table (env ${TARGETS.registryTable.env})`)
      .option('--offline', 'never read the registry, even with credentials configured'),
  )
    .addHelpText(
      'after',
      examples(
        'plan acme-corp --tier pro',
        'plan acme-corp --tier enterprise --region eu-west-1 --json',
        'plan acme-corp --tier starter --from pro',
        'plan acme-corp --tier enterprise --from pro --when maintenance-window --json',
      ),
    )
    .action(async (tenant: string, options, command: Command) => {
      const { planCommand } = await loadPlan();
      result.code = await planCommand(tenant, { ...options, cdkJsonExplicit: cdkJsonExplicit(command) }, ctx);
    });

  cdkJsonOption(
    awsOptions(
      program
        .command('onboard')
        .description('start provisioning a tenant database (idempotent: running it twice starts one provisioning)')
        .argument('<tenant>', 'tenant id')
        .requiredOption('--tier <tier>', 'tier name from the catalog')
        .option('--wait', 'follow the execution until it ends (as tenantctl watch does)')
        .option('--requested-by <who>', 'who asked for the tenant (default: your login)')
        .option(
          `${TARGETS.stateMachineArn.flag} <arn>`,
          `provisioning state machine (env ${TARGETS.stateMachineArn.env})`,
        ),
    ),
  )
    .addOption(
      new Option('--poll-interval <seconds>', 'seconds between progress polls with --wait').default(
        DEFAULT_POLL_SECONDS,
      ),
    )
    .addHelpText(
      'after',
      examples(
        'onboard acme-corp --tier pro --requested-by jane@example.com',
        'onboard acme-corp --tier pro --wait',
        'watch acme-corp          # follow it later, from anywhere',
      ),
    )
    .action(async (tenant: string, options, command: Command) => {
      const { onboardCommand } = await loadOnboard();
      result.code = await onboardCommand(tenant, { ...options, cdkJsonExplicit: cdkJsonExplicit(command) }, ctx);
    });

  awsOptions(
    program
      .command('watch')
      .description(
        "follow the tenant's current operation to its end, or show how the last one ended (read-only: starts nothing)",
      )
      .argument('<tenant>', 'tenant id'),
  )
    .addOption(new Option('--poll-interval <seconds>', 'seconds between progress polls').default(DEFAULT_POLL_SECONDS))
    .addHelpText(
      'after',
      `${examples('watch acme-corp', 'watch acme-corp --json')}
While it waits it shows the step, the RDS status and the elapsed time. Ctrl-C stops watching, not the operation.
Exit code 0 when the tenant ends ACTIVE, 1 when the operation failed.
`,
    )
    .action(async (tenant: string, options) => {
      const { watchCommand } = await loadWatch();
      result.code = await watchCommand(tenant, options, ctx);
    });

  awsOptions(program.command('status').description("show a tenant's registry record").argument('<tenant>', 'tenant id'))
    .addHelpText('after', examples('status acme-corp', 'status acme-corp --json --region eu-west-1'))
    .action(async (tenant: string, options: AwsOptions) => {
      const { statusCommand } = await loadTenants();
      result.code = await statusCommand(tenant, options, ctx);
    });

  awsOptions(
    program
      .command('list')
      .description('list tenants in the registry')
      .option('--status <status>', `only tenants in this status (any case): ${TENANT_STATUSES.join(', ')}`)
      .option('--tier <tier>', 'only tenants on this tier')
      .option('--since <when>', 'only tenants updated since a date (2026-11-01) or for a duration (12h, 7d, 2w)')
      .option('--limit <n>', 'at most this many tenants'),
  )
    .addHelpText(
      'after',
      examples('list', 'list --status failed --since 7d', 'list --tier enterprise --limit 20', 'list --json'),
    )
    .action(async (options: AwsOptions & { status?: string }) => {
      const { listCommand } = await loadTenants();
      result.code = await listCommand(options, ctx);
    });

  cdkJsonOption(
    program
      .command('tiers')
      .description('show the tier catalog the deployment uses and where it comes from (offline, no credentials)')
      .option('--json', 'print JSON instead of text'),
  )
    .addHelpText('after', examples('tiers', 'tiers --cdk-json ../platform/cdk.json --json'))
    .action(async (options, command: Command) => {
      const { tiersCommand } = await loadTiers();
      result.code = await tiersCommand({ ...options, cdkJsonExplicit: cdkJsonExplicit(command) }, ctx);
    });

  awsOptions(
    program
      .command('credentials')
      .description(
        "show how to connect to an ACTIVE tenant's database: endpoint, port, database, user, secret ARN (never the password)",
      )
      .argument('<tenant>', 'tenant id'),
  )
    .addHelpText('after', examples('credentials acme-corp', 'credentials acme-corp --json'))
    .action(async (tenant: string, options: AwsOptions) => {
      const { credentialsCommand } = await loadCredentials();
      result.code = await credentialsCommand(tenant, options, ctx);
    });

  awsOptions(
    program
      .command('reset')
      .description(
        'move a ROLLBACK_FAILED tenant to FAILED once AWS confirms its recorded leftovers are gone (else list them)',
      )
      .argument('<tenant>', 'tenant id'),
  )
    .addHelpText('after', examples('reset acme-corp', 'reset acme-corp --json'))
    .action(async (tenant: string, options: AwsOptions) => {
      const { resetCommand } = await loadReset();
      result.code = await resetCommand(tenant, options, ctx);
    });

  addSuspensionCommands(program, ctx, result);
  addChangeTierCommand(program, ctx, result);
  addOffboardCommand(program, ctx, result);

  const billing = program.command('billing').description('operate the billing integration');
  awsOptions(
    billing
      .command('redrive')
      .description("send the billing dead-letter queue's events back to the billing bus (--dry-run lists them)")
      .option('--queue-url <url>', 'billing dead-letter queue (env TENANTCTL_BILLING_DLQ_URL)')
      .option('--bus <name>', 'billing bus (env TENANTCTL_BILLING_BUS, else the stack output BillingEventBusName)')
      .option('--dry-run', 'list what would be sent, move nothing')
      .option('--max <n>', 'look at most at this many messages', '100'),
  )
    .addHelpText(
      'after',
      examples(
        'billing redrive --queue-url https://sqs.eu-west-1.amazonaws.com/111122223333/billing-dlq --dry-run',
        'billing redrive --queue-url https://sqs.eu-west-1.amazonaws.com/111122223333/billing-dlq',
      ),
    )
    .action(async (options) => {
      const { redriveCommand } = await loadBilling();
      result.code = await redriveCommand(options, ctx);
    });

  const rotation = program.command('rotation').description('operate the rotation of the tenant application secrets');
  cdkJsonOption(
    awsOptions(
      rotation
        .command('enable')
        .description(
          "give ACTIVE tenants' application secrets the platform's rotation on their tier's schedule (idempotent; --dry-run changes nothing)",
        )
        .option('--tenant <id>', 'only this tenant')
        .option('--all', 'every ACTIVE tenant')
        .option('--dry-run', 'report what would change, change nothing')
        .option(
          `${TARGETS.rotationFunctionArn.flag} <arn>`,
          `rotation function (env ${TARGETS.rotationFunctionArn.env}, else the stack output ${TARGETS.rotationFunctionArn.output})`,
        ),
    ),
  )
    .addHelpText(
      'after',
      examples('rotation enable --all --dry-run', 'rotation enable --all', 'rotation enable --tenant acme-corp --json'),
    )
    .action(async (options, command: Command) => {
      const { rotationEnableCommand } = await loadRotation();
      result.code = await rotationEnableCommand({ ...options, cdkJsonExplicit: cdkJsonExplicit(command) }, ctx);
    });

  const migrations = program
    .command('migrations')
    .description('roll tenant schema changes out to the fleet (docs/schema-changes.md)');
  const rolloutFlags = (command: Command): Command =>
    command
      .option('--canary <n|ids>', 'canary wave: a number of tenants, or tenant ids separated by commas')
      .option('--waves <spec>', 'waves after the canary: percent:10,50,100 or tier:pro,starter')
      .option('--max-concurrency <n>', 'tenants migrated at once per wave')
      .option('--tolerate <n|n%>', 'failed tenants tolerated per wave after the canary');
  const targetFlag = (command: Command): Command =>
    command.option('--target <migration>', 'the migration to compare with (default: the last one in this checkout)');
  const rolloutTargets = (command: Command): Command =>
    command
      .option(
        `${TARGETS.rolloutStateMachineArn.flag} <arn>`,
        `rollout state machine (env ${TARGETS.rolloutStateMachineArn.env})`,
      )
      .option(`${TARGETS.rolloutTable.flag} <name>`, `rollout table (env ${TARGETS.rolloutTable.env})`);
  rolloutTargets(
    targetFlag(
      awsOptions(
        migrations
          .command('status')
          .description('ACTIVE tenants by schema version, who is behind, failures and drift, and the last rollout'),
      ),
    ),
  )
    .addHelpText('after', examples('migrations status', 'migrations status --json'))
    .action(async (options) => {
      const { migrationsStatusCommand } = await loadMigrations();
      result.code = await migrationsStatusCommand(options, ctx);
    });
  rolloutFlags(
    targetFlag(
      awsOptions(
        migrations
          .command('plan')
          .description('the waves a rollout would take: offline from a tenant list (--tenants), or from the registry')
          .option(
            '--tenants <file>',
            'JSON array of {tenantId, tier, schemaVersion} (tenantctl list --json works); no AWS call',
          ),
      ),
    ),
  )
    .addHelpText(
      'after',
      examples(
        'migrations plan --tenants tenants.json --canary 5',
        'migrations plan --waves tier:enterprise,pro --json',
      ),
    )
    .action(async (options) => {
      const { migrationsPlanCommand } = await loadMigrations();
      result.code = await migrationsPlanCommand(options, ctx);
    });
  rolloutTargets(
    rolloutFlags(
      awsOptions(
        migrations
          .command('rollout')
          .description('start a schema rollout to every ACTIVE tenant; --wait follows it wave by wave')
          .option('--wait', 'follow the rollout until it completes or halts')
          .option('--poll <seconds>', 'seconds between progress checks with --wait', DEFAULT_POLL_SECONDS),
      ),
    ),
  )
    .addHelpText(
      'after',
      examples(
        'migrations rollout --canary acme-corp,globex --tolerate 2% --wait',
        'migrations rollout --max-concurrency 200 --json',
      ),
    )
    .action(async (options) => {
      const { migrationsRolloutCommand } = await loadMigrations();
      result.code = await migrationsRolloutCommand(options, ctx);
    });

  program
    .command('completion')
    .description('print a shell completion script')
    .addArgument(new Argument('<shell>', 'shell to complete in').choices(['bash', 'zsh']))
    .addHelpText(
      'after',
      examples(
        "completion bash > ~/.tenantctl-completion.bash   # then: echo 'source ~/.tenantctl-completion.bash' >> ~/.bashrc",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a zsh expansion the user's shell evaluates
        'completion zsh > "${fpath[1]}/_tenantctl"',
      ),
    )
    .action(async (shell: 'bash' | 'zsh') => {
      const { bashCompletion, zshCompletion } = await loadCompletion();
      ctx.out(shell === 'bash' ? bashCompletion(program) : zshCompletion(program));
      result.code = EXIT.ok;
    });

  addLocalCommands(program, ctx, result);
  return program;
}

/** Environment variable that makes every command use the local platform, as `--local` does. */
const LOCAL_ENV = 'TENANT_DB_LOCAL';

/** The local platform's state directory: `--state-dir`, else TENANT_DB_LOCAL_DIR, else the default one. */
const stateDirOf = (program: Command, ctx: CliContext): string =>
  (program.opts().stateDir as string | undefined) ?? defaultStateDir(ctx.env);

/** `local up | status | down | reset`: the local platform's daemon. */
function addLocalCommands(program: Command, ctx: CliContext, result: { code: number }): void {
  const local = program
    .command('local')
    .description('run the platform on this machine: real workflows, real PostgreSQL tenant databases');
  local
    .command('up')
    .description(
      'start the local platform in the background (synthesizing the app if needed) and onboard the demo tenant',
    )
    .option('--no-demo', 'do not onboard the demo tenant')
    .addHelpText('after', examples('local up', 'local up --no-demo --state-dir /tmp/tenant-db'))
    .action(async (options: { demo: boolean }) => {
      const stateDir = stateDirOf(program, ctx);
      const [{ localUpCommand, DEMO_TENANT }, { upLocalPlatform }] = await Promise.all([loadLocal(), loadLauncher()]);
      const onboardDemo = async () => {
        const { onboardCommand } = await loadOnboard();
        const demo = { tier: 'starter', wait: true, requestedBy: 'tenantctl local up', stack: DEFAULT_STACK_NAME };
        const settings = { cdkJson: 'cdk.json', cdkJsonExplicit: false, pollInterval: LOCAL_POLL_SECONDS };
        return onboardCommand(DEMO_TENANT, { ...demo, ...settings }, { ...ctx, local: { stateDir } });
      };
      result.code = await localUpCommand(stateDir, options, ctx, upLocalPlatform, onboardDemo);
    });
  local
    .command('status')
    .description('show the local platform: its process, tenants, database servers and running workflows')
    .option('--json', 'print JSON instead of text')
    .addHelpText('after', examples('local status', 'local status --json'))
    .action(async (options: { json?: boolean }) => {
      const { localStatusCommand } = await loadLocal();
      result.code = await localStatusCommand(stateDirOf(program, ctx), options, ctx);
    });
  local
    .command('down')
    .description('stop the local platform and its database servers; the data stays for the next local up')
    .addHelpText('after', examples('local down'))
    .action(async () => {
      const { localDownCommand } = await loadLocal();
      result.code = await localDownCommand(stateDirOf(program, ctx), ctx);
    });
  local
    .command('reset')
    .description('stop the local platform and remove its state directory: every local tenant and its data')
    .option('--yes', 'do not ask to type reset (scripts; required without a terminal)')
    .addHelpText('after', examples('local reset', 'local reset --yes'))
    .action(async (options: { yes?: boolean }) => {
      const { localResetCommand } = await loadLocal();
      result.code = await localResetCommand(stateDirOf(program, ctx), options, ctx);
    });
}

/** The AWS calls waiting for an answer; the first one ever made calls `onFirstCall`. */
class CallsInFlight extends Set<AwsCall> {
  public onFirstCall: () => void = () => {};
  private called = false;
  public override add(call: AwsCall): this {
    if (!this.called) {
      this.called = true;
      this.onFirstCall();
    }
    return super.add(call);
  }
}

/** Commander's message without its "error: " prefix. */
const usageMessage = (error: CommanderError): string => error.message.replace(/^error: /, '');

/** Runs tenantctl with `argv` (as in `process.argv`) and returns the exit code. Never throws. */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const result = { code: EXIT.ok as number };
  const json = argv.includes('--json');
  const calls = new CallsInFlight();
  let deadline: Deadline = NO_DEADLINE;
  let stop: (error: unknown) => void = () => {};
  const stopped = new Promise<never>((_, reject) => {
    stop = reject;
  });
  stopped.catch(() => {});
  const facts: { -readonly [K in keyof ErrorFacts]: ErrorFacts[K] } = { env: ctx.env };
  const run: { -readonly [K in keyof CliContext]: CliContext[K] } = {
    ...ctx,
    inFlight: calls,
    restartDeadline: () => deadline.restart(),
    interrupt: ctx.interrupt ?? {},
  };
  const program = buildProgram(run, result, json);
  let seconds = DEFAULT_TIMEOUT_SECONDS;
  // The deadline runs from the first AWS call, so loading the SDK on a busy machine does not eat into it.
  calls.onFirstCall = () => {
    deadline = startDeadline(seconds, calls);
    deadline.expired.catch(stop);
  };
  program.hook('preAction', (_program, action) => {
    const options = action.opts() as { region?: string; profile?: string };
    facts.region = options.region;
    facts.profile = options.profile;
    run.color = program.opts().color !== false;
    if (program.opts().local === true || ctx.env[LOCAL_ENV] === '1') {
      run.local = { stateDir: stateDirOf(program, ctx) };
      for (const name of ['pollInterval', 'poll']) {
        if (action.getOptionValueSource(name) === 'default') {
          action.setOptionValueWithSource(name, LOCAL_POLL_SECONDS, 'default');
        }
      }
    }
    seconds = assertSeconds(program.opts().timeout as string, '--timeout');
  });
  try {
    await Promise.race([program.parseAsync([...argv]), stopped]);
    return result.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end with exit code 0; everything else commander reports is a usage error.
      if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
        return EXIT.ok;
      }
      if (json) {
        run.out(
          `${JSON.stringify({ error: { exitCode: EXIT.badInput, name: 'UsageError', message: usageMessage(error) } }, null, 2)}\n`,
        );
      }
      return EXIT.badInput;
    }
    const explained = explainError(error, facts);
    if (json) run.out(`${JSON.stringify({ error: explained }, null, 2)}\n`);
    else run.err(`tenantctl: ${explained.message}\n`);
    return explained.exitCode;
  } finally {
    deadline.clear();
  }
}

/** One line typed on the terminal in answer to `question`. */
async function askOnTerminal(question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await terminal.question(question);
  } finally {
    terminal.close();
  }
}

function loginName(): string {
  try {
    return userInfo().username;
  } catch {
    // Containers without a passwd entry for the uid.
    return process.env.USER ?? 'tenantctl';
  }
}

/** The process entry point (lib/cli/entry.ts). Ctrl-C says what goes on in AWS and ends with exit code 130. */
export function main(argv: readonly string[] = process.argv): Promise<number> {
  const interrupt: { note?: string; cleanup?: () => void } = {};
  process.once('SIGINT', () => {
    interrupt.cleanup?.();
    process.stderr.write(`\n${interrupt.note ?? 'tenantctl: interrupted'}\n`);
    process.exit(EXIT.interrupted);
  });
  return runCli(argv, {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
    clients: async (settings) => (await loadAws()).createClients(settings),
    billingClients: async (settings) => (await loadAws()).createBillingClients(settings),
    recoveryClients: async (settings) => (await loadAws()).createRecoveryClients(settings),
    rotationClients: async (settings) => (await loadAws()).createRotationClients(settings),
    sleep: (ms) => delay(ms),
    username: loginName,
    now: () => new Date(),
    isTTY: process.stdout.isTTY === true,
    ...(process.stdin.isTTY === true ? { ask: askOnTerminal } : {}),
    interrupt,
  });
}
