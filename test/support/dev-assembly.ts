import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { assertSandboxIsolationAvailable, ensureRuntimeInterfaceClient, synthesizeEnvironment } from '../../local/runtime/index.js';

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
