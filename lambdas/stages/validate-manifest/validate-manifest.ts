import { ManifestInvalid } from '../../core/contracts/errors.js';
import { assetKeys } from '../../core/contracts/keys.js';
import * as z from '../../core/contracts/zod-mini.js';
import { parseManifest } from '../../core/manifest/parse.js';
import { episodesToDevelop } from '../../core/manifest/queries.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';

export const ValidateManifestEventSchema = z.object({
  bucket: z.string().check(z.minLength(1)),
  key: z.string().check(z.minLength(1)),
  executionName: z.string().check(z.minLength(1)),
});

/**
 * Reads the uploaded manifest, and either opens the production or writes every
 * problem to `<manifest>.errors.json` and fails with ManifestInvalid. A rejected
 * manifest writes nothing else. Opening a production again is where a run resumes: the
 * holds an earlier attempt left open become unconfirmed charges first.
 */
export async function validateUploadedManifest(event: z.output<typeof ValidateManifestEventSchema>, deps: StageDeps) {
  if (event.bucket !== deps.assets.bucket) {
    throw new ManifestInvalid([
      { path: '(bucket)', reason: `manifests are read from ${deps.assets.bucket}, not ${event.bucket}` },
    ]);
  }
  try {
    const manifest = parseManifest(await deps.assets.getBytes(event.key));
    const unavailable = deps.profileProblems(manifest.providers, manifest);
    if (unavailable.length > 0) throw new ManifestInvalid(unavailable);

    await deps.assets.putJson(assetKeys.normalizedManifest(manifest.production), manifest);
    const unanswered = await deps.ledger.carryOpenReservations(manifest.production);
    if (unanswered > 0)
      deps.logger.warn('calls left unanswered by an earlier attempt are recorded as unconfirmed charges', {
        productionId: manifest.production,
        unanswered,
      });
    await deps.productions.openProduction({
      productionId: manifest.production,
      title: manifest.title,
      language: manifest.language,
      budgetUsd: manifest.budgetUsd,
      manifestKey: event.key,
      executionName: event.executionName,
    });
    deps.logger.info('manifest accepted', { productionId: manifest.production, key: event.key });
    // The ids only: the development Map reads each episode's synopsis from the normalized manifest.
    return {
      productionId: manifest.production,
      episodesToDevelop: episodesToDevelop(manifest).map((episode) => episode.id),
    };
  } catch (error) {
    if (error instanceof ManifestInvalid) {
      await deps.assets.putJson(assetKeys.manifestErrors(event.key), {
        manifestKey: event.key,
        executionName: event.executionName,
        rejectedAt: new Date().toISOString(),
        problems: error.problems,
      });
      deps.logger.warn('manifest rejected', { key: event.key, problems: error.problems });
    }
    throw error;
  }
}
