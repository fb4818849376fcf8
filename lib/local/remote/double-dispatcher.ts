/**
 * Answers forwarded calls with the AWS double: the request names the operation, the SDK's own command class is built
 * from it (so the double's routes match it exactly as they match a call made in-process), and the double answers it
 * in the Region of the request.
 *
 * @module
 */
import type { AwsDouble, ServiceName } from '../aws';
import type { AwsDispatcher, AwsRequest, LocalServiceName } from './protocol';

type CommandClass = new (input: unknown) => object;
type SdkModule = Readonly<Record<string, unknown>>;

/** The SDK package of each service the double answers, loaded on first use. */
const MODULES: Readonly<Record<ServiceName, () => Promise<SdkModule>>> = {
  rds: () => import('@aws-sdk/client-rds'),
  secretsmanager: () => import('@aws-sdk/client-secrets-manager'),
  cloudwatch: () => import('@aws-sdk/client-cloudwatch'),
  dynamodb: () => import('@aws-sdk/client-dynamodb'),
  eventbridge: () => import('@aws-sdk/client-eventbridge'),
  sns: () => import('@aws-sdk/client-sns'),
  kms: () => import('@aws-sdk/client-kms'),
  logs: () => import('@aws-sdk/client-cloudwatch-logs'),
  s3: () => import('@aws-sdk/client-s3'),
  scheduler: () => import('@aws-sdk/client-scheduler'),
};

/** The error AWS's JSON protocols answer for an operation a service does not have. */
class UnknownOperationException extends Error {
  override readonly name = 'UnknownOperationException';
  readonly $fault = 'client';
  readonly $metadata = { httpStatusCode: 400 };
}

/** Also a compile-time check: a type predicate's type must be part of its parameter's, so every service of the
 *  double is one the protocol names. */
const isDoubleService = (service: LocalServiceName): service is ServiceName => Object.hasOwn(MODULES, service);

/** A dispatcher for the services of `double` (the daemon puts the workflows' services in front of it). */
export function doubleDispatcher(double: AwsDouble): AwsDispatcher {
  return {
    async dispatch(request: AwsRequest): Promise<unknown> {
      const { service, command, region, input } = request;
      if (!isDoubleService(service)) {
        throw new UnknownOperationException(`the AWS double does not answer ${service}`);
      }
      const sdk = await MODULES[service]();
      const exported = Object.hasOwn(sdk, `${command}Command`) ? sdk[`${command}Command`] : undefined;
      if (typeof exported !== 'function') {
        throw new UnknownOperationException(`${service} has no operation ${command}`);
      }
      const Command = exported as CommandClass;
      const output = (await double.invoke(service, new Command(input), region === '' ? {} : { region })) as Record<
        string,
        unknown
      >;
      const { $metadata: _metadata, ...rest } = output;
      return rest;
    },
  };
}
