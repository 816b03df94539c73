import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioAddress } from '../../local/studio/studio.js';
import { cliArguments } from '../support/cli.js';

const run = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

let workDir: string;
let studio: ChildProcess;
let stderr = '';
let address: StudioAddress;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-studio-cli-'));
  studio = spawn(
    process.execPath,
    cliArguments('studio', '--data', path.join(workDir, 'data'), '--port', '0', '--host', '0.0.0.0'),
    {
      cwd: repositoryRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  studio.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  address = JSON.parse(
    await new Promise<string>((resolve, reject) => {
      let stdout = '';
      studio.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!);
      });
      studio.once('exit', (code) => reject(new Error(`studio exited ${code}: ${stderr}`)));
    }),
  ) as StudioAddress;
});

afterAll(async () => {
  if (studio.exitCode === null) {
    studio.kill('SIGINT');
    await new Promise((resolve) => studio.once('exit', resolve));
  }
  await rm(workDir, { recursive: true, force: true });
});

describe('dramaforge studio on the command line', () => {
  it('lists more than one page of objects, which s3rver signs with the legacy OpenSSL provider', async () => {
    // Prepare
    const { ListObjectsV2Command, PutObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
    const s3 = new S3Client({
      endpoint: address.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      forcePathStyle: true,
    });
    for (const key of ['paging/1', 'paging/2', 'paging/3'])
      await s3.send(new PutObjectCommand({ Bucket: address.bucket, Key: key, Body: key }));

    // Act
    const keys: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: address.bucket, Prefix: 'paging/', MaxKeys: 2, ContinuationToken }),
      );
      keys.push(...(page.Contents ?? []).map((object) => object.Key!));
      ContinuationToken = page.NextContinuationToken;
    } while (ContinuationToken);

    // Assess
    expect(keys).toEqual(['paging/1', 'paging/2', 'paging/3']);
  });

  it('prints its address as the first stdout line, and warns when bound beyond 127.0.0.1', () => {
    // Assess
    expect(Object.keys(address)).toEqual(['endpoint', 'bucket', 'stateMachineArn', 'consoleUrl']);
    expect(address.consoleUrl).toMatch(new RegExp(`^${address.endpoint}/console/#token=[A-Za-z0-9_-]{32}$`));
    expect(stderr).toContain('warning: --host 0.0.0.0 lets other machines reach');
  });

  it('refuses a second studio on the same data directory in one line, exit 1', async () => {
    // Prepare
    const { dataDirOwner } = await import('../../local/runtime/index.js');
    const owner = dataDirOwner(path.join(workDir, 'data'))!.pid;

    // Act
    const second = await run(
      process.execPath,
      cliArguments('studio', '--data', path.join(workDir, 'data'), '--port', '0'),
      { cwd: repositoryRoot },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );

    // Assess
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(
      `${path.relative(repositoryRoot, path.join(workDir, 'data'))} is in use by dramaforge studio (pid ${owner}); stop it or pass --data DIR\n`,
    );
  });

  it('stops on SIGINT with exit 0 and frees its data directory', async () => {
    // Act
    studio.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => studio.once('exit', resolve));
    const { dataDirOwner } = await import('../../local/runtime/index.js');

    // Assess
    expect(code).toBe(0);
    expect(dataDirOwner(path.join(workDir, 'data'))).toBeUndefined();
  });
});
