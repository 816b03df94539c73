import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { withProfile, type ProfileOverride } from './profile-override.js';
import { parseManifestDocument } from '../lambdas/core/manifest/parse.js';
import { withLocalRuntime, type RunOptions, type RunResult } from './production-run.js';

export interface ProduceOptions extends RunOptions {
  manifestPath: string;
  /** Replaces the manifest's providers.profile for this run. */
  profile?: ProfileOverride;
}

export type ProduceResult = RunResult;

/** The production id, read before validation so progress can show it; validation proper happens in the workflow. */
function declaredProductionId(bytes: Buffer): string | undefined {
  try {
    const production = (parseManifestDocument(bytes) as { production?: unknown } | null)?.production;
    return typeof production === 'string' ? production : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `dramaforge produce`: uploads the manifest to the local bucket, lets the bucket
 * event start the execution, reports progress until it ends, and copies the
 * deliverables to `<outDir>/<production>/`.
 */
export async function produce(options: ProduceOptions): Promise<ProduceResult> {
  const fileBytes = await readFile(options.manifestPath);
  const manifestBytes = options.profile ? withProfile(fileBytes, options.profile) : fileBytes;
  const productionId = declaredProductionId(manifestBytes);
  return withLocalRuntime(options, async ({ runtime, follow }) => {
    const { key, executionName } = await runtime.uploadManifest(path.basename(options.manifestPath), manifestBytes);
    return follow({ name: executionName, manifestKey: key, productionId });
  });
}
