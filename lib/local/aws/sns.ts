/**
 * SNS Publish to topics: checked (one target, a message within 256 KB, a short single-line subject) and recorded.
 * GetTopicAttributes answers for the topics a test created (`createTopic`) and NotFound for any other.
 *
 * @module
 */
import {
  GetTopicAttributesCommand,
  type GetTopicAttributesCommandInput,
  type GetTopicAttributesCommandOutput,
  InvalidParameterException,
  NotFoundException,
  PublishCommand,
  type PublishCommandInput,
  type PublishCommandOutput,
} from '@aws-sdk/client-sns';
import { type CallContext, type DoubleEnvironment, type Out, type Route, route } from './environment';
import { errorMetadata } from './errors';

const MAX_MESSAGE_BYTES = 256 * 1024;
const invalidParameter = (message: string) =>
  new InvalidParameterException({ message: `Invalid parameter: ${message}`, $metadata: errorMetadata(400) });

export interface PublishedMessage {
  messageId: string;
  at: Date;
  region: string;
  topicArn: string;
  subject?: string;
  message: string;
}

export class SnsDouble {
  private readonly messages: PublishedMessage[] = [];
  private readonly topics = new Set<string>();

  readonly routes: readonly Route[] = [
    route(PublishCommand, (input, ctx) => this.publish(input, ctx)),
    route(GetTopicAttributesCommand, (input) => this.getTopicAttributes(input)),
  ];

  constructor(private readonly env: DoubleEnvironment) {}

  /** Makes `topicArn` exist (as the foundation stack would). */
  createTopic(topicArn: string): void {
    this.topics.add(topicArn);
  }

  /** Removes `topicArn`, as a deleted stack or a hand deletion would. */
  deleteTopic(topicArn: string): void {
    this.topics.delete(topicArn);
  }

  getTopicAttributes(input: GetTopicAttributesCommandInput): Out<GetTopicAttributesCommandOutput> {
    const topicArn = input.TopicArn ?? '';
    if (!this.topics.has(topicArn)) {
      throw new NotFoundException({ message: 'Topic does not exist', $metadata: errorMetadata(404) });
    }
    return { Attributes: { TopicArn: topicArn } };
  }

  /** Messages published so far. */
  published(): PublishedMessage[] {
    return structuredClone(this.messages);
  }

  publish(input: PublishCommandInput, ctx: CallContext): Out<PublishCommandOutput> {
    const targets = [input.TopicArn, input.TargetArn, input.PhoneNumber].filter((t) => t !== undefined);
    if (targets.length !== 1) throw invalidParameter('exactly one of TopicArn, TargetArn or PhoneNumber is required');
    const topicArn = (input.TopicArn ?? input.TargetArn) as string | undefined;
    if (!topicArn || !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(topicArn)) {
      throw invalidParameter(`TopicArn Reason: ${topicArn ?? 'a phone number'} is not a topic ARN`);
    }
    if (!input.Message) throw invalidParameter('Message Reason: Empty message');
    if (Buffer.byteLength(input.Message, 'utf8') > MAX_MESSAGE_BYTES) {
      throw invalidParameter('Message too long');
    }
    // biome-ignore lint/suspicious/noControlCharactersInRegex: SNS refuses control characters and line breaks in subjects.
    if (input.Subject !== undefined && (input.Subject.length > 100 || /[\u0000-\u001f]/.test(input.Subject))) {
      throw invalidParameter('Subject must be at most 100 printable ASCII characters without line breaks');
    }
    const messageId = this.env.ids.uuid();
    this.messages.push({
      messageId,
      at: new Date(this.env.clock.now()),
      region: ctx.region,
      topicArn,
      subject: input.Subject,
      message: input.Message,
    });
    return { MessageId: messageId };
  }
}
