import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import {
  assertSandboxIsolationAvailable,
  ensureRuntimeInterfaceClient,
  synthesizeEnvironment,
} from '../../local/runtime/index.js';

/**
 * The dev stack's cloud assembly for the tests that run its functions in sandboxes: the one
 * `npm run synth` already made when DRAMAFORGE_TEST_CDK_OUT names it (CI's), else one synthesized
 * here, removed by `cleanUp`. Fails first, with the reason, where sandboxes cannot run.
 */
export async function devAssemblyForSandboxes(): Promise<{ cdkOut: string; cleanUp(): Promise<void> }> {
  assertSandboxIsolationAvailable();
  await ensureRuntimeInterfaceClient(24, (chunk) => process.stderr.write(chunk));
  const given = process.env.DRAMAFORGE_TEST_CDK_OUT;
  if (given) return { cdkOut: given, cleanUp: async () => undefined };
  const synthesized = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-dev-cdk-out-'));
  await synthesizeEnvironment('dev', synthesized);
  return { cdkOut: synthesized, cleanUp: () => rm(synthesized, { recursive: true, force: true }) };
}

/**
 * For a test file whose every test runs the dev assembly: gets it before the file's tests (synthesizing
 * it can take minutes) and removes one synthesized here after them. `cdkOut()` is where it is.
 */
export function devAssemblyForThisFile(): { cdkOut(): string } {
  let assembly: Awaited<ReturnType<typeof devAssemblyForSandboxes>> | undefined;
  beforeAll(async () => {
    assembly = await devAssemblyForSandboxes();
  }, 900_000);
  afterAll(() => assembly?.cleanUp());
  return {
    cdkOut: () => {
      if (!assembly) throw new Error('the dev assembly is read inside a test, after beforeAll got it');
      return assembly.cdkOut;
    },
  };
}
