import path from 'node:path';
import { parseDocument } from 'yaml';
import { validateManifest } from '../../lambdas/core/manifest/validate.js';
import { findLanguage } from '../../lambdas/core/text/languages.js';
import type { RunResult } from '../client/production-client.js';
import { type RunOptions, type RunSession, withLocalRuntime } from './local-session.js';

export interface DubOptions extends RunOptions {
  productionId: string;
  /** The languages to dub into, as tags (`th-TH`, or an alias such as `th`). */
  languages: string[];
}

export class DubRefused extends Error {
  override name = 'DubRefused';
}

/**
 * `dramaforge dub <production> --to th-TH,ko-KR`: adds the languages to the production's
 * manifest (`dubs`, its comments and the rest kept) and uploads it again. Its execution takes
 * every script, picture and voice of the master from the cache and keeps the assembled master,
 * so what it buys is the dubs' translations and voices.
 */
export async function dub(options: DubOptions): Promise<RunResult> {
  return withLocalRuntime({ command: 'dramaforge dub', ...options }, async (session) => {
    const upload = await dubbedManifest(session, options, options.dataDir);
    return session.client.follow(await session.client.upload(upload));
  });
}

/** The production's uploaded manifest with the languages added to its dubs, validated; refused for a production the data directory does not have. */
export async function dubbedManifest(
  { assets, productions }: Pick<RunSession, 'assets' | 'productions'>,
  { productionId, languages }: Pick<DubOptions, 'productionId' | 'languages'>,
  where = 'the studio',
) {
  const meta = await productions.findProduction(productionId);
  if (!meta) throw new DubRefused(`there is no production "${productionId}" in ${where}; produce it first`);
  const document = parseDocument((await assets.getBytes(meta.manifestKey)).toString('utf8'));
  const listed = (document.get('dubs') as { toJSON(): string[] } | undefined)?.toJSON() ?? [];
  const known = new Set(listed.map((tag) => findLanguage(tag)?.tag ?? tag));
  const added = languages.filter((tag) => !known.has(findLanguage(tag)?.tag ?? tag));
  document.set('dubs', document.createNode([...listed, ...added], { flow: true }));
  const text = document.toString();
  validateManifest(parseDocument(text).toJS());
  return { fileName: path.basename(meta.manifestKey), bytes: Buffer.from(text), productionId };
}
