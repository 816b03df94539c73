import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendTaskHeartbeatCommand, SFNClient } from '@aws-sdk/client-sfn';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { LocalEngines } from '../../../../local/engines/embedded-engines.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../../local/engines/embedded-engines.js';

const CHILD = fileURLToPath(new URL('../../../support/engines-child.ts', import.meta.url));
/** Longer than Node's server keeps an idle connection by default (5 s). */
const STALL_MS = 6_000;

/** One request to each engine; each settles as the engine's answer, or as the connection's failure. */
function oneRequestEach(endpoints: LocalEngines['endpoints']) {
  // One attempt: a retry on a fresh connection would hide a reset one.
  const config = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 };
  const s3 = new S3Client({ ...config, endpoint: endpoints.s3, forcePathStyle: true });
  const dynamodb = new DynamoDBClient({ ...config, endpoint: endpoints.dynamodb });
  const sqs = new SQSClient({ ...config, endpoint: endpoints.sqs });
  const sfn = new SFNClient({ ...config, endpoint: endpoints.sfn });
  const secrets = new SecretsManagerClient({ ...config, endpoint: endpoints.secretsmanager });
  return async () => {
    const outcomes = await Promise.allSettled([
      s3.send(new ListObjectsV2Command({ Bucket: 'objects' })),
      dynamodb.send(new ListTablesCommand({})),
      sqs.send(new ListQueuesCommand({})),
      sfn.send(new SendTaskHeartbeatCommand({ taskToken: 'no-such-task' })),
      secrets.send(new ListSecretsCommand({})),
    ]);
    // An error the engine answered with (SFN's unknown token) has the answer's status; a dropped connection has none.
    return outcomes.map((outcome, index) => {
      const engine = ['s3', 'dynamodb', 'sqs', 'sfn', 'secretsmanager'][index];
      if (outcome.status === 'fulfilled') return `${engine}: answered`;
      const error = outcome.reason as Error & { $metadata?: { httpStatusCode?: number } };
      return error.$metadata?.httpStatusCode ? `${engine}: answered` : `${engine}: ${error.name}: ${error.message}`;
    });
  };
}

describe('the embedded engines', () => {
  it("serve a client that reuses its idle connection while the engines' process is stalled", async () => {
    // Prepare: engines in a process of their own, and a connection to each left idle
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-idle-'));
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, 'objects'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    onTestFinished(async () => {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    });
    const endpoints = await new Promise<LocalEngines['endpoints']>((resolve) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\n')) resolve(JSON.parse(text.split('\n')[0]!));
      });
    });
    const requestEach = oneRequestEach(endpoints);
    expect(await requestEach()).toEqual([
      's3: answered',
      'dynamodb: answered',
      'sqs: answered',
      'sfn: answered',
      'secretsmanager: answered',
    ]);

    // Act: the process stalls (a busy thread does the same) while each client sends on its idle connection
    child.kill('SIGSTOP');
    const during = requestEach();
    await new Promise((resolve) => setTimeout(resolve, STALL_MS));
    child.kill('SIGCONT');

    // Assess
    expect(await during).toEqual([
      's3: answered',
      'dynamodb: answered',
      'sqs: answered',
      'sfn: answered',
      'secretsmanager: answered',
    ]);
  });
});
