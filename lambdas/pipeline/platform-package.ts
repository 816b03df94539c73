import type { Bound } from '../core/contracts/bound-providers.js';
import { PlatformPackageInvalid, ProviderOutputInvalid } from '../core/contracts/errors.js';
import { assetKeys } from '../core/contracts/keys.js';
import {
  PLATFORM_LIMITS,
  type PlatformPackage,
  PlatformPackageSchema,
  platformPackageFile,
} from '../core/contracts/platform-package.js';
import type {
  EpisodeListing,
  EpisodeListingRequest,
  LineTranslator,
  ListingTranslationRequest,
  Repair,
  SceneBrief,
  TextModel,
} from '../core/contracts/ports.js';
import { seedFrom } from '../core/domain/content-hash.js';
import type { Manifest, ManifestEpisode } from '../core/manifest/schema.js';
import { estimateUsd } from '../core/pricing/estimates.js';
import { WORST_CASE_USAGE } from '../core/pricing/worst-case-usage.js';
import { describeProblems, zodProblems } from '../core/prompts/answer-repair.js';
import { checkListing } from '../core/prompts/listing-prompt.js';
import { languageOf } from '../core/text/languages.js';
import { jsonCodec, type PaidCallDeps, paidCall } from './paid-call.js';
import type { StageDeps } from './stage-deps.js';

export type Listing = Pick<EpisodeListing, 'description' | 'hashtags'>;

/**
 * The episode's listing in the manifest's language, written by the script model from the logline,
 * the genre and the synopsis (`listing` in the ledger): a paid call, cached by what it is written
 * from, so an unchanged episode buys it once.
 */
export async function writeEpisodeListing(
  deps: PaidCallDeps,
  input: { manifest: Manifest; episode: ManifestEpisode; text: Bound<TextModel> },
): Promise<{ listing: Listing; usd: number }> {
  const { manifest, episode, text } = input;
  const request: EpisodeListingRequest = {
    language: languageOf(manifest.language).tag,
    series: {
      title: manifest.title,
      ...(manifest.logline !== undefined && { logline: manifest.logline }),
      ...(manifest.genre !== undefined && { genre: manifest.genre }),
    },
    episode: {
      id: episode.id,
      title: episode.title,
      ...(episode.synopsis !== undefined && { synopsis: episode.synopsis }),
      scenes: episode.scenes.map((scene) => ({
        outline: scene.outline,
        ...(scene.mood !== undefined && { mood: scene.mood }),
      })),
    },
    seed: seedFrom(manifest.seed, `listing/${episode.id}`),
  };
  const { result, usd } = await paidCall(deps, {
    productionId: manifest.production,
    priority: manifest.priority,
    stage: 'listing',
    provider: text.provider,
    model: text.model,
    inputs: request,
    estimateUsd: estimateUsd(text, WORST_CASE_USAGE.listing),
    codec: jsonCodec<EpisodeListing>(),
    call: (options) => text.port.writeListing(request, options),
  });
  return { listing: checkedListing(result, `${text.provider}/${text.model}`, episode.id).value, usd };
}

/**
 * The master's listing in a dub's language (`translation` in the ledger, as the dub's lines and
 * title are): cached by its request, so a second dub into the language buys nothing.
 */
export async function translateEpisodeListing(
  deps: PaidCallDeps,
  input: {
    manifest: Manifest;
    translation: Bound<LineTranslator>;
    language: string;
    listing: Listing;
    title: string;
    scene: SceneBrief;
    seed: number;
  },
): Promise<{ listing: Listing; repairs: Repair[]; usd: number }> {
  const { manifest, translation } = input;
  const request: ListingTranslationRequest = {
    from: languageOf(manifest.language).tag,
    to: input.language,
    listing: input.listing,
    ...(manifest.genre !== undefined && { genre: manifest.genre }),
    title: input.title,
    scene: input.scene,
    seed: input.seed,
  };
  const { result, usd } = await paidCall(deps, {
    productionId: manifest.production,
    priority: manifest.priority,
    stage: 'translation',
    provider: translation.provider,
    model: translation.model,
    inputs: request,
    estimateUsd: estimateUsd(translation, WORST_CASE_USAGE.listing),
    codec: jsonCodec<EpisodeListing>(),
    call: (options) => translation.port.translateListing(request, options),
  });
  const checked = checkedListing(result, `${translation.provider}/${translation.model}`, input.scene.episodeId);
  return { listing: checked.value, repairs: [...(result.repairs ?? []), ...checked.repairs], usd };
}

/** The adapters mend and validate before they answer; this holds a cached entry and the offline models to the same rules. */
function checkedListing(
  answer: EpisodeListing,
  model: string,
  episodeId: string,
): { value: Listing; repairs: Repair[] } {
  const { repairs: _repairs, ...listing } = answer;
  const checked = checkListing(listing);
  if (!checked.ok)
    throw new ProviderOutputInvalid(`${model} listed ${episodeId} invalidly: ${describeProblems(checked.problems)}`);
  return checked;
}

/**
 * A title as the platforms take it: the episode's own, or when it runs past the shortest platform
 * title (the manifest allows 200 characters) cut after its last whole word that fits, with an ellipsis.
 */
export function platformTitle(title: string): string {
  const trimmed = title.trim();
  if (trimmed.length <= PLATFORM_LIMITS.titleCharacters) return trimmed;
  let room = '';
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(trimmed)) {
    if ((room + segment).length >= PLATFORM_LIMITS.titleCharacters) break;
    room += segment;
  }
  const lastSpace = room.lastIndexOf(' ');
  return `${(lastSpace > 0 ? room.slice(0, lastSpace) : room).trimEnd()}…`;
}

/** What a package holds for one language of an episode: the listing, the title, and the delivered cut's facts. */
export function platformPackageOf(input: {
  manifest: Manifest;
  episodeId: string;
  language: string;
  title: string;
  listing: Listing;
  durationSeconds: number;
  cover: string;
}): PlatformPackage {
  const { format } = input.manifest;
  return {
    episodeId: input.episodeId,
    language: input.language,
    title: platformTitle(input.title),
    description: input.listing.description,
    hashtags: input.listing.hashtags,
    durationSeconds: input.durationSeconds,
    aspectRatio: format.aspectRatio,
    width: format.width,
    height: format.height,
    cover: input.cover,
  };
}

/**
 * Validates the package against its schema and stores it beside the episode's other deliverables,
 * `<stem>.platform.json`; returns its file name. A package that does not hold is not written.
 */
export async function writePlatformPackage(
  deps: StageDeps,
  input: { productionId: string; stem: string; package: PlatformPackage },
): Promise<string> {
  const parsed = PlatformPackageSchema.safeParse(input.package);
  if (!parsed.success)
    throw new PlatformPackageInvalid(
      `${platformPackageFile(input.stem)}: ${describeProblems(zodProblems(parsed.error))}`,
    );
  await deps.assets.putJson(assetKeys.episode(input.productionId, input.stem, 'platform.json'), parsed.data);
  return platformPackageFile(input.stem);
}
