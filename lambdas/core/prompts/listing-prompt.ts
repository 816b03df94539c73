import { ListingSchema, mendHashtag, PLATFORM_LIMITS } from '../contracts/platform-package.js';
import type {
  EpisodeListing,
  EpisodeListingRequest,
  ListingTranslationRequest,
  Metered,
  Repair,
} from '../contracts/ports.js';
import * as z from '../contracts/zod-mini.js';
import {
  answerCarryingRepairs,
  asRecord,
  type ChatAnswer,
  type ChatMessage,
  type Checked,
  roughTokenCount,
  zodProblems,
} from './answer-repair.js';
import { rewriteForContentPolicy } from './content-rewrite.js';

/** What every real text model is asked for an episode's platform listing, and how its answer is checked. */

export function listingMessages(request: EpisodeListingRequest, rewrite: boolean): ChatMessage[] {
  const { series, episode } = request;
  const brief = [
    `Series: ${series.title}`,
    series.logline ? `Logline: ${series.logline}` : undefined,
    series.genre ? `Genre: ${series.genre}` : 'Genre: none given; take it from the scenes below',
    `Episode ${episode.id}: ${episode.title}`,
    episode.synopsis ? `Synopsis: ${episode.synopsis}` : undefined,
    `Scenes:\n${episode.scenes.map((scene, index) => `${index + 1}. ${scene.outline}${scene.mood ? ` (${scene.mood})` : ''}`).join('\n')}`,
  ]
    .filter(Boolean)
    .join('\n');
  return [
    {
      role: 'system',
      content:
        'You write the listing of one episode of a vertical short drama for TikTok, YouTube Shorts and Facebook Reels. ' +
        `Write in the language ${request.language}, the description and the hashtags alike. ` +
        `Answer with one JSON object and nothing else: {"description":"<two or three sentences that make a viewer want to watch, without spoiling the ending>","hashtags":["#<tag>"]}. ` +
        `The description is under ${PLATFORM_LIMITS.descriptionCharacters} characters and holds no hashtag, link or account name. ` +
        `Between 3 and ${PLATFORM_LIMITS.hashtags} hashtags from the genre and the kind of drama, each one word with no spaces.`,
    },
    { role: 'user', content: rewrite ? rewriteForContentPolicy(brief) : brief },
  ];
}

/** The JSON schema a provider holds the answer to (structured output, Bedrock's forced tool). */
export function listingJsonSchema(): Record<string, unknown> {
  const shape = z.strictObject({
    description: z.string().check(z.minLength(1), z.maxLength(PLATFORM_LIMITS.descriptionCharacters)),
    hashtags: z
      .array(z.string().check(z.minLength(2), z.maxLength(PLATFORM_LIMITS.hashtagCharacters)))
      .check(z.maxLength(PLATFORM_LIMITS.hashtags)),
  });
  const { $schema: _dialect, ...schema } = z.toJSONSchema(shape, { target: 'draft-7' }) as Record<string, unknown>;
  return schema;
}

/**
 * A listing mended where the pipeline can decide (a hashtag without its `#` or with a space in it,
 * one said twice, more than the platforms take), then held to the listing schema.
 */
export function checkListing(answer: unknown): Checked<Pick<EpisodeListing, 'description' | 'hashtags'>> {
  const repairs: Repair[] = [];
  const listing = asRecord(answer);
  let mended: unknown = answer;
  if (listing && Array.isArray(listing.hashtags)) {
    const hashtags: string[] = [];
    for (const [index, tag] of listing.hashtags.entries()) {
      const fixed = typeof tag === 'string' ? mendHashtag(tag) : undefined;
      if (fixed === undefined || hashtags.includes(fixed)) {
        repairs.push({ path: `hashtags.${index}`, repaired: `${JSON.stringify(tag)} left out`, by: 'pipeline' });
        continue;
      }
      if (fixed !== tag) repairs.push({ path: `hashtags.${index}`, repaired: `${tag} -> ${fixed}`, by: 'pipeline' });
      hashtags.push(fixed);
    }
    if (hashtags.length > PLATFORM_LIMITS.hashtags)
      repairs.push({
        path: 'hashtags',
        repaired: `${hashtags.length} cut to the first ${PLATFORM_LIMITS.hashtags}`,
        by: 'pipeline',
      });
    mended = { ...listing, hashtags: hashtags.slice(0, PLATFORM_LIMITS.hashtags) };
  }
  const parsed = ListingSchema.safeParse(mended);
  if (!parsed.success) return { ok: false, problems: zodProblems(parsed.error) };
  return { ok: true, value: parsed.data, repairs };
}

/** Asks for the listing, mends and validates the answer, and asks once more with a repair prompt when only the model can fix it. */
export async function writeListingWithRepair(
  request: EpisodeListingRequest,
  serving: { provider: string; model: string },
  rewrite: boolean,
  complete: (messages: ChatMessage[]) => Promise<ChatAnswer>,
): Promise<Metered<EpisodeListing>> {
  return answerCarryingRepairs({
    messages: listingMessages(request, rewrite),
    serving,
    what: 'listing',
    complete,
    check: checkListing,
  });
}

/** A rough token count for routing (about 3 bytes of UTF-8 a token, as for scripts). */
export function estimateListingTokens(request: EpisodeListingRequest | ListingTranslationRequest): number {
  return roughTokenCount(JSON.stringify(request));
}
