/**
 * KMS DescribeKey for the predefined AWS alias of the RDS managed key, `alias/aws/rds`, by alias name or alias ARN.
 * As in KMS, each Region has its own AWS managed key, created on first use and the same on every later call; the
 * replication of automated backups is started with that key's ARN in the backup Region.
 *
 * @module
 */
import {
  DescribeKeyCommand,
  type DescribeKeyCommandInput,
  type DescribeKeyCommandOutput,
  NotFoundException,
} from '@aws-sdk/client-kms';
import type { CallContext, DoubleEnvironment, Out, Route } from './environment';
import { route } from './environment';
import { errorMetadata, NotModeledError } from './errors';

const RDS_ALIAS = 'alias/aws/rds';

/** The AWS managed RDS key of each Region, as a saved state keeps them. */
export interface PersistedKms {
  managedRdsKeys: [region: string, arn: string][];
}

export class KmsDouble {
  /** AWS managed RDS key ARN per Region. */
  private readonly managedRdsKeys = new Map<string, string>();

  readonly routes: readonly Route[] = [route(DescribeKeyCommand, (input, ctx) => this.describeKey(input, ctx))];

  constructor(private readonly env: DoubleEnvironment) {}

  describeKey(input: DescribeKeyCommandInput, ctx: CallContext): Out<DescribeKeyCommandOutput> {
    const keyId = input.KeyId ?? '';
    const aliasArn = `arn:aws:kms:${ctx.region}:${this.env.account}:${RDS_ALIAS}`;
    if (keyId !== RDS_ALIAS && keyId !== aliasArn) {
      if (keyId.startsWith('alias/aws/')) throw new NotModeledError(`KMS DescribeKey of predefined alias ${keyId}`);
      if (keyId.startsWith('alias/') || keyId.includes(':alias/')) {
        throw new NotFoundException({ message: `Alias ${keyId} is not found.`, $metadata: errorMetadata(400) });
      }
      throw new NotModeledError(`KMS DescribeKey of key ${keyId}`);
    }
    const arn = this.managedRdsKeyArn(ctx.region);
    return {
      KeyMetadata: {
        AWSAccountId: this.env.account,
        KeyId: arn.slice(arn.lastIndexOf('/') + 1),
        Arn: arn,
        Enabled: true,
        KeyState: 'Enabled',
        KeyManager: 'AWS',
        KeyUsage: 'ENCRYPT_DECRYPT',
        KeySpec: 'SYMMETRIC_DEFAULT',
        Origin: 'AWS_KMS',
        Description: 'Default key that protects my RDS database volumes when no other key is defined',
      },
    };
  }

  /** The ARN of the AWS managed RDS key of `region`: created on first use, stable afterwards. */
  managedRdsKeyArn(region: string): string {
    let arn = this.managedRdsKeys.get(region);
    if (!arn) {
      arn = `arn:aws:kms:${region}:${this.env.account}:key/${this.env.ids.uuid()}`;
      this.managedRdsKeys.set(region, arn);
    }
    return arn;
  }

  /** The AWS managed RDS keys, as a saved state keeps them. */
  exportState(): PersistedKms {
    return { managedRdsKeys: [...this.managedRdsKeys] };
  }

  /** Loads saved keys: a restored platform keeps the key ARNs its instances and backups name. */
  importState(state: PersistedKms): void {
    for (const [region, arn] of state.managedRdsKeys) this.managedRdsKeys.set(region, arn);
  }
}
