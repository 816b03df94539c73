import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { ManifestInvalid, type ManifestProblem } from '../../lambdas/core/contracts/errors.js';
import { assetKeys } from '../../lambdas/core/contracts/keys.js';
import { contentHash } from '../../lambdas/core/domain/content-hash.js';
import type { DevelopmentFailureRecord, DevelopmentRecord } from '../../lambdas/core/domain/development-record.js';
import { parseDevelopedManifest } from '../../lambdas/core/manifest/parse.js';
import type { Manifest, SeriesManifest } from '../../lambdas/core/manifest/schema.js';
import { type RunOptions, type RunSession, withLocalRuntime } from './local-session.js';
import { type ProfileOverride, withProfile } from './profile-override.js';

/** Where `dramaforge develop` puts a bible in the local bucket: beside `manifests/`, so no production starts from it. */
const DEVELOPMENT_UPLOADS = 'development-requests/';

export interface DevelopOptions extends Omit<RunOptions, 'outDir' | 'onProgress'> {
  biblePath: string;
  /** Replaces the bible's providers.profile for the development calls; the written manifest keeps the bible's own. */
  profile?: ProfileOverride;
  onEpisode?: (episodeId: string, done: number, total: number) => void;
}

export type DevelopResult =
  | { ok: true; productionId: string; manifest: Manifest; yaml: string; records: DevelopmentRecord[]; spentUsd: number }
  | { ok: false; problems?: ManifestProblem[]; reason: string };

/**
 * The bible's own document with each developed episode's cards added under `scenes`: its
 * comments, its synopses and every field it had stay as the producer wrote them.
 */
export function developedDocument(bible: Buffer, developed: SeriesManifest): string {
  const document = parseDocument(bible.toString('utf8'));
  developed.episodes.forEach((episode, index) => {
    if (!document.hasIn(['episodes', index, 'scenes']) && episode.scenes)
      document.setIn(['episodes', index, 'scenes'], document.createNode(episode.scenes));
  });
  return document.toString({ lineWidth: 0 });
}

/**
 * `dramaforge develop <bible>`: the workflow's own stages, run one by one on the embedded
 * engines: Validate manifest opens the production, then Develop episode writes each episode's
 * cards in order, through the same ledger, cache and idempotency as production. Returns the
 * developed manifest, valid and ready to produce.
 */
export async function developBible(options: DevelopOptions): Promise<DevelopResult> {
  const bible = await readFile(options.biblePath);
  return withLocalRuntime(
    { command: 'dramaforge develop', ...options, outDir: path.dirname(path.resolve(options.biblePath)) },
    (session) =>
      developOn(session, {
        fileName: path.basename(options.biblePath),
        bible,
        profile: options.profile,
        onEpisode: options.onEpisode,
      }),
  );
}

/**
 * Develops a bible on a runtime already running: what `develop` does in its own session, and what a
 * process that holds the data directory for longer (the MCP server) does on its own.
 */
export async function developOn(
  { runtime, assets, productions }: Pick<RunSession, 'runtime' | 'assets' | 'productions'>,
  {
    fileName,
    bible,
    profile,
    onEpisode,
  }: { fileName: string; bible: Buffer; profile?: ProfileOverride; onEpisode?: DevelopOptions['onEpisode'] },
): Promise<DevelopResult> {
  const upload = profile ? withProfile(bible, profile) : bible;
  const key = `${DEVELOPMENT_UPLOADS}${path.basename(fileName)}`;
  await assets.putBytes(key, upload, 'application/yaml');
  let opened: { productionId: string; episodesToDevelop: string[] };
  try {
    opened = (await runtime.invokeFunction('validate-manifest', {
      bucket: assets.bucket,
      key,
      executionName: `develop-${contentHash(upload.toString('base64')).slice(0, 24)}`,
    })) as typeof opened;
  } catch (error) {
    if ((error as Error).name !== ManifestInvalid.errorName) throw error;
    const rejection = await assets.findJson<{ problems: ManifestProblem[] }>(assetKeys.manifestErrors(key));
    return {
      ok: false,
      problems: rejection?.problems,
      reason: `the bible was rejected (${rejection?.problems.length ?? 0} problems)`,
    };
  }
  const { productionId, episodesToDevelop } = opened;
  const records: DevelopmentRecord[] = [];
  for (const [index, episodeId] of episodesToDevelop.entries()) {
    try {
      await runtime.invokeFunction('develop-episode', { productionId, episodeId });
    } catch (error) {
      const record = await assets.findJson<DevelopmentFailureRecord>(assetKeys.development(productionId, episodeId));
      return {
        ok: false,
        reason: `${episodeId} could not be developed: ${record?.failure.error ?? (error as Error).name}: ${record?.failure.message ?? (error as Error).message}`,
      };
    }
    records.push(await assets.getJson<DevelopmentRecord>(assetKeys.development(productionId, episodeId)));
    onEpisode?.(episodeId, index + 1, episodesToDevelop.length);
  }
  const developed = await assets.getJson<SeriesManifest>(assetKeys.normalizedManifest(productionId));
  const yaml = developedDocument(bible, developed);
  const meta = await productions.findProduction(productionId);
  return {
    ok: true,
    productionId,
    manifest: parseDevelopedManifest(yaml),
    yaml,
    records,
    spentUsd: (meta?.spentUsd ?? 0) + (meta?.unconfirmedUsd ?? 0),
  };
}
