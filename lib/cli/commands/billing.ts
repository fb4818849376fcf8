import { ConfigurationError, ValidationError } from '../../../lambdas/shared/errors';
import { describeStackOutputs } from '../aws';
import { type AwsOptions, awsClients, type CliContext, writeJson } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { parseLimit } from '../list-filter';
import { assertRegion } from '../options';
import { redriveBillingEvents, renderRedrive } from '../redrive';

export interface RedriveOptions extends AwsOptions {
  readonly queueUrl?: string;
  readonly bus?: string;
  readonly dryRun?: boolean;
  readonly max: string;
}

/** Environment variables of the billing dead-letter queue and bus. */
export const BILLING_ENV = { queueUrl: 'TENANTCTL_BILLING_DLQ_URL', bus: 'TENANTCTL_BILLING_BUS' } as const;
/** An SQS queue URL: `https://sqs.<region>.amazonaws.com/<account>/<name>` (or a local endpoint's). */
const QUEUE_URL = /^https?:\/\/[^\s/]+\/[0-9]{12}\/[A-Za-z0-9_-]{1,80}$/;

/**
 * `tenantctl billing redrive`: sends the billing dead-letter queue's events back to the billing bus (with
 * `--dry-run`, lists them). The queue comes from `--queue-url` or TENANTCTL_BILLING_DLQ_URL; the bus from `--bus`,
 * TENANTCTL_BILLING_BUS or the workflow stack's BillingEventBusName output. Exit code 1 when a message could not be
 * sent (it stays in the queue).
 */
export async function redriveCommand(options: RedriveOptions, ctx: CliContext): Promise<ExitCode> {
  if (ctx.local) {
    throw new ConfigurationError(
      `billing redrive is not available on the local platform (state dir ${ctx.local.stateDir}): it has no billing queue or bus; run it against the deployed stack, without --local`,
    );
  }
  const max = parseLimit(options.max, '--max');
  const queueUrl = options.queueUrl ?? ctx.env[BILLING_ENV.queueUrl];
  if (!queueUrl) {
    throw new ConfigurationError(
      `cannot find the billing dead-letter queue: pass --queue-url or set ${BILLING_ENV.queueUrl} (the queue named BillingTrigger/DeadLetterQueue in the workflow stack)`,
    );
  }
  if (!QUEUE_URL.test(queueUrl)) {
    throw new ValidationError(
      '--queue-url',
      'must be an SQS queue URL such as https://sqs.us-east-1.amazonaws.com/111122223333/name',
      queueUrl,
    );
  }
  const region = options.region === undefined ? undefined : assertRegion(options.region);
  if (!ctx.billingClients) throw new ConfigurationError('tenantctl was started without billing clients');
  const clients = await ctx.billingClients({ region, profile: options.profile, inFlight: ctx.inFlight });
  let busName = options.bus ?? ctx.env[BILLING_ENV.bus];
  if (!busName) {
    const { cloudFormation } = await awsClients(options, ctx);
    const outputs = await describeStackOutputs(cloudFormation, options.stack);
    busName = outputs?.find((o) => o.OutputKey === 'BillingEventBusName')?.OutputValue;
    if (!busName) {
      throw new ConfigurationError(
        `cannot find the billing bus: pass --bus, set ${BILLING_ENV.bus}, or point --stack at the deployed workflow stack (output BillingEventBusName)`,
      );
    }
  }
  const report = await redriveBillingEvents({
    sqs: clients.sqs,
    events: clients.events,
    queueUrl,
    busName,
    dryRun: options.dryRun === true,
    max,
  });
  if (options.json) writeJson(ctx, { dryRun: options.dryRun === true, busName, messages: report });
  else ctx.out(renderRedrive(report, options.dryRun === true));
  return report.some((r) => r.outcome === 'failed') ? EXIT.provisioningFailed : EXIT.ok;
}
