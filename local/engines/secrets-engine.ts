import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { JsonProtocolServer } from './aws-protocol.js';

/** One secret as the engine keeps it: its current value and version. */
interface StoredSecret {
  arn: string;
  name: string;
  secretString: string;
  versionId: string;
  createdDate: number;
  lastChangedDate: number;
}

class SecretsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The part of Secrets Manager the functions and a producer use: GetSecretValue, DescribeSecret and
 * PutSecretValue, spoken as AWS JSON 1.1 (`X-Amz-Target: secretsmanager.<Operation>`) on 127.0.0.1.
 * A secret is named by its ARN or by its name (the ARN's last part), as AWS accepts either; the
 * values are kept in the data directory, one JSON file, so a key put once serves the next run.
 */
export class SecretsEngine {
  private readonly server = new JsonProtocolServer({
    targetPrefix: 'secretsmanager.',
    contentType: 'application/x-amz-json-1.1',
    notJson: { status: 400, body: { __type: 'InvalidRequestException', message: 'the request body is not JSON' } },
    answer: (operation, input) => {
      try {
        return { status: 200, body: this.dispatch(operation, input) };
      } catch (error) {
        const failure =
          error instanceof SecretsError ? error : new SecretsError('InternalServiceError', (error as Error).message);
        return { status: 400, body: { __type: failure.code, message: failure.message } };
      }
    },
  });
  private readonly file: string;
  private readonly secrets: Map<string, StoredSecret>;

  constructor(
    directory: string,
    private readonly region: string,
    private readonly account: string,
  ) {
    mkdirSync(directory, { recursive: true });
    this.file = path.join(directory, 'secrets.json');
    this.secrets = new Map(
      existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as [string, StoredSecret][]) : [],
    );
  }

  /** The ARN a secret of this name has here. */
  arnOf(name: string): string {
    return `arn:aws:secretsmanager:${this.region}:${this.account}:secret:${name}`;
  }

  async listen(): Promise<string> {
    return this.server.listen();
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  /** PutSecretValue from within this process. */
  put(secretId: string, secretString: string): void {
    this.dispatch('PutSecretValue', { SecretId: secretId, SecretString: secretString });
  }

  private find(secretId: unknown): StoredSecret {
    const id = String(secretId ?? '');
    const name = id.startsWith('arn:') ? id.slice(id.indexOf(':secret:') + ':secret:'.length) : id;
    const secret = this.secrets.get(name);
    if (!secret)
      throw new SecretsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return secret;
  }

  private dispatch(operation: string, input: Record<string, unknown>): unknown {
    switch (operation) {
      case 'GetSecretValue': {
        const secret = this.find(input.SecretId);
        return {
          ARN: secret.arn,
          Name: secret.name,
          SecretString: secret.secretString,
          VersionId: secret.versionId,
          VersionStages: ['AWSCURRENT'],
          CreatedDate: secret.lastChangedDate / 1000,
        };
      }
      case 'DescribeSecret': {
        const secret = this.find(input.SecretId);
        return {
          ARN: secret.arn,
          Name: secret.name,
          CreatedDate: secret.createdDate / 1000,
          LastChangedDate: secret.lastChangedDate / 1000,
          VersionIdsToStages: { [secret.versionId]: ['AWSCURRENT'] },
        };
      }
      case 'PutSecretValue': {
        if (typeof input.SecretString !== 'string')
          throw new SecretsError('InvalidParameterException', 'PutSecretValue here takes a SecretString');
        const id = String(input.SecretId ?? '');
        if (!id) throw new SecretsError('InvalidParameterException', 'SecretId is required');
        const name = id.startsWith('arn:') ? id.slice(id.indexOf(':secret:') + ':secret:'.length) : id;
        const now = Date.now();
        const earlier = this.secrets.get(name);
        // The stack creates the secret; locally the first put stands in for that creation.
        const secret: StoredSecret = {
          arn: earlier?.arn ?? this.arnOf(name),
          name,
          secretString: input.SecretString,
          versionId: typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : randomUUID(),
          createdDate: earlier?.createdDate ?? now,
          lastChangedDate: now,
        };
        this.secrets.set(name, secret);
        writeFileSync(this.file, JSON.stringify([...this.secrets]));
        return { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId, VersionStages: ['AWSCURRENT'] };
      }
      default:
        throw new SecretsError(
          'UnknownOperationException',
          `the local Secrets Manager does not serve ${operation || 'requests without an X-Amz-Target'}`,
        );
    }
  }
}
