/**
 * Conditions for key-policy statements that aws-cdk-lib adds on its own, unconditioned: delivery of Step Functions'
 * vended logs (`delivery.logs.amazonaws.com`, added by an encrypted state machine with logging) and EventBridge
 * delivering to encrypted SQS queues (`events.amazonaws.com`, added by `targets.SqsQueue`). A static scanner rightly
 * flags a service principal that may use the key for anyone; these conditions keep each to this account's use.
 *
 * @module
 */

/** A key-policy statement as it appears in the synthesized template. */
interface Statement {
  Principal?: { Service?: unknown };
  Condition?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

interface PolicyDocumentJson {
  Statement?: Statement[];
  [key: string]: unknown;
}

/** Conditions by service principal, for statements that carry none. */
export type ServiceConditions = Readonly<Record<string, Record<string, Record<string, unknown>>>>;

/**
 * The conditions the platform key puts on service principals that aws-cdk-lib grants without any.
 *
 * - Vended log delivery sends `aws:SourceAccount` and `aws:SourceArn` (CloudWatch Logs, "Enabling logging from AWS
 *   services").
 * - EventBridge's use of the key for an encrypted queue or topic goes through SQS or SNS, which call KMS on its
 *   behalf: `kms:ViaService` names them.
 */
export function platformKeyServiceConditions(partition: string, region: string, account: string): ServiceConditions {
  return {
    'delivery.logs.amazonaws.com': {
      StringEquals: { 'aws:SourceAccount': account },
      ArnLike: { 'aws:SourceArn': `arn:${partition}:logs:${region}:${account}:*` },
    },
    'events.amazonaws.com': {
      StringEquals: { 'kms:ViaService': [`sqs.${region}.amazonaws.com`, `sns.${region}.amazonaws.com`] },
    },
  };
}

function servicesOf(statement: Statement): string[] {
  const service = statement.Principal?.Service;
  if (typeof service === 'string') return [service];
  return Array.isArray(service) ? service.filter((s): s is string => typeof s === 'string') : [];
}

/**
 * `policy` with `conditions` added to every statement of a single listed service principal that has no condition of
 * its own. Statements that already carry conditions are the platform's own, written with the service's narrowest
 * condition, and are left as they are. Pure.
 */
export function conditionServiceStatements(policy: PolicyDocumentJson, conditions: ServiceConditions) {
  return {
    ...policy,
    Statement: (policy.Statement ?? []).map((statement) => {
      const services = servicesOf(statement);
      const condition = services.length === 1 ? conditions[services[0] as string] : undefined;
      return condition && !statement.Condition ? { ...statement, Condition: condition } : statement;
    }),
  };
}
