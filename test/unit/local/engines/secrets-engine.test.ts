import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SecretsEngine } from '../../../../local/engines/secrets-engine.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:ProviderKeys';

async function engineOver(directory: string) {
  const engine = new SecretsEngine(directory, 'us-east-1', '000000000000');
  const endpoint = await engine.listen();
  const client = new SecretsManagerClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'k', secretAccessKey: 's' },
  });
  onTestFinished(async () => {
    client.destroy();
    await engine.close();
  });
  return client;
}

describe('the local Secrets Manager', () => {
  it('answers the SDK as AWS does: a value put by ARN is read by ARN or by name, described, and kept across a restart', async () => {
    // Prepare
    const directory = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-secrets-'));
    onTestFinished(() => rm(directory, { recursive: true, force: true }));
    const first = await engineOver(directory);
    const put = await first.send(new PutSecretValueCommand({ SecretId: ARN, SecretString: '{"apiKey":"sk-1"}' }));

    // Act
    const restarted = await engineOver(directory);
    const byArn = await restarted.send(new GetSecretValueCommand({ SecretId: ARN }));
    const byName = await restarted.send(new GetSecretValueCommand({ SecretId: 'ProviderKeys' }));
    const described = await restarted.send(new DescribeSecretCommand({ SecretId: ARN }));

    // Assess
    expect([byArn.SecretString, byName.SecretString]).toEqual(['{"apiKey":"sk-1"}', '{"apiKey":"sk-1"}']);
    expect([byArn.ARN, byArn.VersionId]).toEqual([ARN, put.VersionId]);
    expect(described.VersionIdsToStages).toEqual({ [put.VersionId!]: ['AWSCURRENT'] });
  });

  it('refuses a secret nobody put with ResourceNotFoundException, as the SDK names it', async () => {
    // Prepare
    const directory = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-secrets-'));
    onTestFinished(() => rm(directory, { recursive: true, force: true }));
    const client = await engineOver(directory);

    // Act
    const refusal = await client.send(new GetSecretValueCommand({ SecretId: ARN })).catch((error: Error) => error);

    // Assess
    expect((refusal as Error).name).toBe('ResourceNotFoundException');
  });
});
