import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { acquireDataDirLock, DataDirectoryInUse, dataDirOwner } from '../../../../local/runtime/data-dir-lock.js';
import { cliArguments } from '../../../support/cli.js';

const run = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL('../../../..', import.meta.url));
const manifest = fileURLToPath(new URL('../../../e2e/fixtures/two-scenes.yaml', import.meta.url));

async function ownDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-lock-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A pid no process has: a child that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('one owner per data directory', () => {
  it('refuses a second owner, naming the first and its pid', async () => {
    // Prepare
    const dataDir = await ownDataDir();
    const first = acquireDataDirLock(dataDir, 'dramaforge studio');
    onTestFinished(() => first.release());

    // Act
    const second = (() => {
      try {
        acquireDataDirLock(dataDir, 'dramaforge produce');
        return undefined;
      } catch (error) {
        return error;
      }
    })();

    // Assess
    expect(second).toBeInstanceOf(DataDirectoryInUse);
    expect((second as Error).message).toBe(
      `${path.relative(process.cwd(), dataDir)} is in use by dramaforge studio (pid ${process.pid}); stop it or pass --data DIR`,
    );
  });

  it('takes over a lock whose process has died, and frees it on release', async () => {
    // Prepare
    const dataDir = await ownDataDir();
    await writeFile(
      path.join(dataDir, 'owner.lock'),
      JSON.stringify({ pid: await deadPid(), command: 'dramaforge studio' }),
    );

    // Act
    const lock = acquireDataDirLock(dataDir, 'dramaforge produce');
    const heldBy = dataDirOwner(dataDir);
    lock.release();

    // Assess
    expect(heldBy).toEqual({ pid: process.pid, command: 'dramaforge produce' });
    expect(dataDirOwner(dataDir)).toBeUndefined();
    expect(existsSync(path.join(dataDir, 'owner.lock'))).toBe(false);
  });

  it('makes a second `produce` say one line and exit 1, touching nothing of the owner', async () => {
    // Prepare
    const dataDir = await ownDataDir();
    const owner = acquireDataDirLock(dataDir, 'dramaforge studio');
    onTestFinished(() => owner.release());
    const before = await readdir(dataDir);

    // Act
    const outcome = await run(
      process.execPath,
      cliArguments('produce', manifest, '--data', dataDir, '--out', path.join(dataDir, 'out')),
      {
        cwd: repositoryRoot,
      },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );

    // Assess
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toBe(
      `${path.relative(repositoryRoot, dataDir)} is in use by dramaforge studio (pid ${process.pid}); stop it or pass --data DIR\n`,
    );
    expect(await readdir(dataDir)).toEqual(before);
  });
});
