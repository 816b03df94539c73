import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseManifestDocument } from '../../lambdas/core/manifest/parse.js';
import { type ManifestFile, ProductionClient, type RunResult } from '../client/production-client.js';
import { StudioConnection } from '../client/studio-connection.js';
import { dataDirOwner } from '../runtime/index.js';
import { type RunOptions, withLocalRuntime } from './local-session.js';
import { type ProfileOverride, withProfile } from './profile-override.js';
import { interruption } from './run-interrupted.js';

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

export interface ProduceManyOptions extends RunOptions {
  manifestPaths: string[];
  profile?: ProfileOverride;
}

async function manifestToUpload(manifestPath: string, profile: ProfileOverride | undefined): Promise<ManifestFile> {
  const fileBytes = await readFile(manifestPath);
  const bytes = profile ? withProfile(fileBytes, profile) : fileBytes;
  return { fileName: path.basename(manifestPath), bytes, productionId: declaredProductionId(bytes) };
}

/**
 * `dramaforge produce`: uploads the manifest to the local bucket, lets the bucket
 * event start the execution, reports progress until it ends, and copies the
 * deliverables to `<outDir>/<production>/`.
 */
export async function produce(options: ProduceOptions): Promise<ProduceResult> {
  const [result] = await produceMany({ ...options, manifestPaths: [options.manifestPath] });
  return result!;
}

/**
 * `dramaforge produce a.yaml b.yaml ...`: every manifest is uploaded to one local runtime,
 * whose bucket starts one execution each, and they run at once, as in AWS, sharing the
 * providers' limits. While a studio owns the data directory, they are uploaded to the studio
 * instead, as any S3 client would, and followed through its endpoint. Progress is one line with each production's; results keep the order given.
 */
export async function produceMany(options: ProduceManyOptions): Promise<ProduceResult[]> {
  const uploads = await Promise.all(
    options.manifestPaths.map((manifestPath) => manifestToUpload(manifestPath, options.profile)),
  );
  const names = uploads.map((upload) => upload.fileName);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate)
    throw new Error(`two manifests are named ${duplicate}: they would be the same upload under manifests/`);
  const latest = new Map<string, string>();
  const show = (label: string) => (line: string) => {
    latest.set(label, line);
    options.onProgress?.(
      uploads.length === 1 ? line : [...latest].map(([name, progress]) => `${name} ${progress}`).join('  ||  '),
    );
  };
  const produceAll = async (client: ProductionClient) => {
    const started = [];
    for (const upload of uploads)
      started.push({ execution: await client.upload(upload), label: upload.productionId ?? upload.fileName });
    return Promise.all(started.map(({ execution, label }) => client.follow(execution, show(label))));
  };
  const studio = dataDirOwner(options.dataDir)?.endpoint;
  if (!studio)
    return withLocalRuntime({ command: 'dramaforge produce', ...options }, ({ client }) => produceAll(client));
  const connection = await StudioConnection.open(studio);
  try {
    return await Promise.race([
      produceAll(new ProductionClient(connection, { outDir: options.outDir })),
      interruption(options.stopSignal, async () => undefined, true),
    ]);
  } finally {
    connection.close();
  }
}
