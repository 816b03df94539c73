import { AssetMissing, ProviderOutputInvalid } from '../../core/contracts/errors.js';
import { assetKeys } from '../../core/contracts/keys.js';
import type {
  DevelopedPart,
  DevelopmentCharacter,
  EpisodeDevelopmentRequest,
  Repair,
  SceneCard,
  SeriesBrief,
} from '../../core/contracts/ports.js';
import * as z from '../../core/contracts/zod-mini.js';
import { contentHash, seedFrom } from '../../core/domain/content-hash.js';
import { speaks } from '../../core/domain/creatures.js';
import type { DevelopmentRecord } from '../../core/domain/development-record.js';
import { plannedSceneCount } from '../../core/manifest/queries.js';
import type { Manifest, ManifestScene, SeriesEpisode, SeriesManifest } from '../../core/manifest/schema.js';
import { validateManifest } from '../../core/manifest/validate.js';
import { estimateUsd } from '../../core/pricing/estimates.js';
import { WORST_CASE_USAGE } from '../../core/pricing/worst-case-usage.js';
import { describeProblems } from '../../core/prompts/answer-repair.js';
import { checkDevelopedPart, developmentParts } from '../../core/prompts/development-prompt.js';
import { jsonCodec, paidCall } from '../../pipeline/paid-call.js';
import { SceneEventSchema } from '../../pipeline/scene-context.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';

/** The provider ports this stage uses: its handler declares them with their offline models. */
export type DevelopEpisodePorts = 'development';

export const DevelopEpisodeEventSchema = z.pick(SceneEventSchema, { productionId: true, episodeId: true });

/** A hand-written episode tells the story so far by its outlines, cut to about a paragraph. */
const OUTLINE_SUMMARY_CHARACTERS = 600;

function seriesBrief(manifest: SeriesManifest): SeriesBrief {
  return {
    title: manifest.title,
    logline: manifest.logline,
    genre: manifest.genre,
    style: manifest.style,
    locations: manifest.locations ?? [],
  };
}

function developmentCharacters(manifest: SeriesManifest): DevelopmentCharacter[] {
  return manifest.characters.map((character) => {
    const { id, name, description, arc, voice } = character;
    return { id, name, description, arc, voice, ...(speaks(character) ? {} : { speaks: false }) };
  });
}

/** What an episode's cards are developed from: a record of another bible (or of an edited synopsis) is not this episode's. */
function developmentBasis(
  manifest: SeriesManifest,
  episode: SeriesEpisode,
  storySoFar: EpisodeDevelopmentRequest['storySoFar'],
): string {
  const { id, title, synopsis, sceneCount } = episode;
  return contentHash({
    language: manifest.language,
    seed: manifest.seed,
    series: seriesBrief(manifest),
    characters: developmentCharacters(manifest),
    episode: { id, title, synopsis, sceneCount },
    storySoFar,
  });
}

/**
 * The summaries of the episodes before `index`: the running summary each developed one left
 * (checked against what it was developed from), or the outlines of one written by hand. The
 * episodes are developed in order, so an earlier episode to develop always has its record.
 */
async function storyBefore(
  deps: StageDeps,
  manifest: SeriesManifest,
  index: number,
): Promise<EpisodeDevelopmentRequest['storySoFar']> {
  const story: EpisodeDevelopmentRequest['storySoFar'] = [];
  for (const earlier of manifest.episodes.slice(0, index)) {
    const record =
      earlier.synopsis === undefined
        ? undefined
        : await deps.assets.findJson<DevelopmentRecord>(assetKeys.development(manifest.production, earlier.id));
    if (record && record.basis === developmentBasis(manifest, earlier, story)) {
      story.push({ episodeId: earlier.id, title: earlier.title, summary: record.summary });
    } else if (earlier.scenes) {
      story.push({
        episodeId: earlier.id,
        title: earlier.title,
        summary: earlier.scenes
          .map((scene) => scene.outline)
          .join(' ')
          .slice(0, OUTLINE_SUMMARY_CHARACTERS),
      });
    } else {
      throw new AssetMissing(
        `episode ${earlier.id} of production ${manifest.production} is developed before the episodes after it, and its cards are not there yet`,
      );
    }
  }
  return story;
}

/** A card as a manifest scene: empty dialogue is left for the script stage to write. */
function manifestScene(card: SceneCard): ManifestScene {
  const { dialogue, ...scene } = card;
  return dialogue.length > 0 ? { ...scene, dialogue } : scene;
}

/**
 * Writes the scene cards of one episode that has a synopsis and no scenes: part by part, each
 * part seeing the bible, the story so far and the previous part's cards, every part a paid call.
 * The cards and the running summary go to `productions/<id>/development/<episode>.json`, and
 * the cards into the production's manifest, which production then reads as if written by hand.
 */
export async function developEpisode(
  event: z.output<typeof DevelopEpisodeEventSchema>,
  deps: StageDeps<DevelopEpisodePorts>,
) {
  try {
    return await develop(event, deps);
  } catch (error) {
    // The workflow's Fail state can only say that development failed; the record says why.
    const failure = { error: (error as Error).name, message: (error as Error).message, at: new Date().toISOString() };
    await deps.assets.putJson(assetKeys.development(event.productionId, event.episodeId), {
      episodeId: event.episodeId,
      failure,
    });
    throw error;
  }
}

async function develop(event: z.output<typeof DevelopEpisodeEventSchema>, deps: StageDeps<DevelopEpisodePorts>) {
  const manifest = await deps.assets.getJson<SeriesManifest>(assetKeys.normalizedManifest(event.productionId));
  const index = manifest.episodes.findIndex((candidate) => candidate.id === event.episodeId);
  const episode = manifest.episodes[index];
  if (!episode) throw new AssetMissing(`production ${event.productionId} has no episode ${event.episodeId}`);
  if (episode.scenes) return { episodeId: episode.id, sceneCount: episode.scenes.length, developed: false };
  if (episode.synopsis === undefined) throw new AssetMissing(`episode ${episode.id} has neither scenes nor a synopsis`);

  const storySoFar = await storyBefore(deps, manifest, index);
  const { development } = await deps.providers(manifest as Manifest);
  const sceneCount = plannedSceneCount(episode);
  const parts = developmentParts(sceneCount);
  const cards: SceneCard[] = [];
  let previousCards: SceneCard[] = [];
  let summary = '';
  let costUsd = 0;
  const repairs: Repair[] = [];
  for (const [partIndex, sceneIds] of parts.entries()) {
    const request: EpisodeDevelopmentRequest = {
      language: manifest.language,
      seed: seedFrom(manifest.seed, manifest.production, episode.id, 'development'),
      series: seriesBrief(manifest),
      characters: developmentCharacters(manifest),
      episode: {
        id: episode.id,
        title: episode.title,
        synopsis: episode.synopsis,
        index,
        episodeCount: manifest.episodes.length,
        sceneCount,
      },
      storySoFar,
      part: { index: partIndex, count: parts.length, sceneIds },
      previousCards,
    };
    const { result, usd } = await paidCall(deps, {
      productionId: manifest.production,
      stage: 'development',
      priority: manifest.priority,
      provider: development.provider,
      model: development.model,
      inputs: request,
      estimateUsd: estimateUsd(development, WORST_CASE_USAGE.development),
      codec: jsonCodec<DevelopedPart>(),
      call: (options) => development.port.developPart(request, options),
    });
    // The adapters mend and validate before they answer; this holds a cached entry and the offline model to the same rules.
    const { repairs: adapterRepairs = [], ...answer } = result;
    const checked = checkDevelopedPart(request, answer);
    if (!checked.ok)
      throw new ProviderOutputInvalid(
        `${development.provider}/${development.model} developed ${episode.id} part ${partIndex + 1} invalidly: ${describeProblems(checked.problems)}`,
      );
    repairs.push(
      ...[...adapterRepairs, ...checked.repairs].map((repair) => ({
        ...repair,
        path: `part ${partIndex + 1}: ${repair.path}`,
      })),
    );
    cards.push(...checked.value.scenes);
    previousCards = checked.value.scenes;
    summary = checked.value.summary;
    costUsd += usd;
  }

  const record: DevelopmentRecord = {
    episodeId: episode.id,
    title: episode.title,
    synopsis: episode.synopsis,
    sceneCount,
    basis: developmentBasis(manifest, episode, storySoFar),
    developedBy: { provider: development.provider, model: development.model },
    parts: parts.length,
    costUsd,
    summary,
    scenes: cards,
    ...(repairs.length > 0 && { repairs }),
  };
  await deps.assets.putJson(assetKeys.development(manifest.production, episode.id), record);

  const developed = {
    ...manifest,
    episodes: manifest.episodes.map((other, i) =>
      i === index ? { ...other, scenes: cards.map(manifestScene) } : other,
    ),
  };
  await deps.assets.putJson(assetKeys.normalizedManifest(manifest.production), validateManifest(developed));
  deps.logger.info('episode developed', {
    productionId: manifest.production,
    episodeId: episode.id,
    scenes: cards.length,
    parts: parts.length,
    costUsd,
    repairs: repairs.length,
  });
  return { episodeId: episode.id, sceneCount: cards.length, developed: true };
}
