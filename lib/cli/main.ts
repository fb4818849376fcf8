import { userInfo } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { Command, CommanderError, Option } from 'commander';
import { TENANT_STATUSES } from '../../lambdas/shared/contracts';
import { TENANT_ID_RULES } from '../../lambdas/shared/tenant-id';
import { createClients } from './aws';
import { onboardCommand } from './commands/onboard';
import { planCommand } from './commands/plan';
import { listCommand, statusCommand } from './commands/tenants';
import type { AwsOptions, CliContext } from './context';
import { EXIT, EXIT_CODES_HELP, errorMessageFor, exitCodeFor } from './exit-codes';
import { DEFAULT_STACK_NAME, TARGETS } from './targets';

/**
 * tenantctl: onboard tenant databases through the provisioning workflow, and read the tenant registry.
 * Commands are thin; the decisions they make live in the modules next to this one.
 */

const DEFAULT_CDK_JSON = 'cdk.json';
const DEFAULT_POLL_SECONDS = '5';

const HELP_AFTER = `
Where the workflow is: ${TARGETS.stateMachineArn.flag} / ${TARGETS.registryTable.flag}, else the environment variables
${TARGETS.stateMachineArn.env} / ${TARGETS.registryTable.env}, else the outputs ${TARGETS.stateMachineArn.output} /
${TARGETS.registryTable.output} of the CloudFormation stack given by --stack (default ${DEFAULT_STACK_NAME}).
AWS credentials and Region come from your usual AWS configuration (profile, SSO, environment); --region overrides.

Tenant ids: ${TENANT_ID_RULES.map((r) => r.description).join('; ')}.

${EXIT_CODES_HELP}
`;

function awsOptions(command: Command): Command {
  return command
    .option('--region <region>', 'AWS Region (default: from your AWS configuration)')
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

/** Builds the program; each action stores its exit code in `result`. */
function buildProgram(ctx: CliContext, result: { code: number }): Command {
  const program = new Command('tenantctl')
    .description('Onboard tenant databases through the provisioning workflow and inspect the tenant registry.')
    .configureOutput({ writeOut: ctx.out, writeErr: ctx.err })
    .exitOverride()
    .showHelpAfterError('(run tenantctl --help for usage)')
    .addHelpText('after', HELP_AFTER);

  const cdkJsonExplicit = (command: Command): boolean => command.getOptionValueSource('cdkJson') !== 'default';

  cdkJsonOption(
    program
      .command('plan')
      .description('show what onboarding a tenant creates and what it costs per month (offline, no credentials)')
      .argument('<tenant>', 'tenant id')
      .requiredOption('--tier <tier>', 'tier name from the catalog')
      .option('--region <region>', 'Region to price (default: AWS_REGION, else us-east-1)')
      .option('--json', 'print JSON instead of text'),
  ).action(async (tenant: string, options, command: Command) => {
    result.code = await planCommand(tenant, { ...options, cdkJsonExplicit: cdkJsonExplicit(command) }, ctx);
  });

  cdkJsonOption(
    awsOptions(
      program
        .command('onboard')
        .description('start provisioning a tenant database (idempotent: running it twice starts one provisioning)')
        .argument('<tenant>', 'tenant id')
        .requiredOption('--tier <tier>', 'tier name from the catalog')
        .option('--wait', 'follow the execution step by step until it ends')
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
    .action(async (tenant: string, options, command: Command) => {
      result.code = await onboardCommand(tenant, { ...options, cdkJsonExplicit: cdkJsonExplicit(command) }, ctx);
    });

  awsOptions(
    program.command('status').description("show a tenant's registry record").argument('<tenant>', 'tenant id'),
  ).action(async (tenant: string, options: AwsOptions) => {
    result.code = await statusCommand(tenant, options, ctx);
  });

  awsOptions(
    program
      .command('list')
      .description('list tenants in the registry')
      .option('--status <status>', `only tenants in this status: ${TENANT_STATUSES.join(', ')}`),
  ).action(async (options: AwsOptions & { status?: string }) => {
    result.code = await listCommand(options, ctx);
  });

  return program;
}

/** Runs tenantctl with `argv` (as in `process.argv`) and returns the exit code. Never throws. */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const result = { code: EXIT.ok as number };
  const json = argv.includes('--json');
  try {
    await buildProgram(ctx, result).parseAsync([...argv]);
    return result.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander printed its own message (usage errors) or the help text (exit code 0).
      return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    const code = exitCodeFor(error);
    const message = errorMessageFor(error);
    if (json)
      ctx.out(`${JSON.stringify({ error: { exitCode: code, name: (error as Error).name, message } }, null, 2)}\n`);
    else ctx.err(`tenantctl: ${message}\n`);
    return code;
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

/** The process entry point used by bin/tenantctl.mjs. */
export function main(argv: readonly string[] = process.argv): Promise<number> {
  return runCli(argv, {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
    clients: createClients,
    sleep: (ms) => delay(ms),
    username: loginName,
  });
}
