import { createHash } from 'node:crypto';
import type {
  CharacterBrief,
  EpisodeListing,
  LineTranslation,
  LineTranslationRequest,
  LineTranslator,
  ListingTranslationRequest,
  Metered,
  Repair,
  TitleTranslationRequest,
} from '../../../core/contracts/ports.js';
import { languageOf, type Script } from '../../../core/text/languages.js';
import {
  estimatedTokens,
  fillTemplate,
  listingMood,
  listingSeed,
  moodOf,
  OFFLINE_SCRIPT_MODEL,
  OFFLINE_SCRIPT_PROVIDER,
  phrasebookFor,
  phrasebookListing,
  seededRandom,
  spokenPlace,
} from './offline-script-writer.js';
import type { MoodLines } from './phrasebook/phrasebook.js';

/**
 * How fast the offline voice says each script, in characters a second: espeak-ng at its
 * default rate over twelve tense and sad phrasebook lines each (Vietnamese 18.6, English 17.8,
 * Thai 9.0, Korean 8.7, Chinese 5.5, Japanese 3.8), enough to choose a line that fits a budget.
 */
const CHARACTERS_PER_SECOND: Readonly<Record<Script, number>> = {
  latin: 17,
  thai: 9,
  hangul: 8.5,
  japanese: 3.8,
  'han-simplified': 5.5,
  'han-traditional': 5.5,
};

/** Lines this much shorter than the best fit still count as similar, so the seed can vary the choice. */
const SIMILAR_LENGTH = 0.85;

/**
 * The offline profile has no translator. This stand-in says, for each master line, a line of
 * the scene's mood and a similar spoken length from the dub language's phrasebook, in the
 * line's place in the conversation (opener, reply, closer, or alone), to the same listener.
 * It does not carry the master line's meaning, and the report says so (docs/languages.md).
 * Asked again shorter, it scales its estimate by how long the first answer was really spoken.
 */
export class PhrasebookTranslator implements LineTranslator {
  async translateLine(request: LineTranslationRequest): Promise<Metered<LineTranslation>> {
    const phrasebook = phrasebookFor(request.to);
    const perSecond = CHARACTERS_PER_SECOND[languageOf(request.to).script];
    const estimate = (text: string) => Array.from(text).length / perSecond;
    const target = request.tooLong
      ? request.budgetSeconds * (estimate(request.tooLong.line) / request.tooLong.seconds)
      : request.budgetSeconds;

    const place = spokenPlace(request.scene.location, phrasebook);
    const listener = listenerOf(request);
    const moodLines = phrasebook.moods[moodOf(request.scene)];
    const said = (templates: readonly string[]) =>
      [...new Set(templates)]
        .filter((template) => place !== undefined || !template.includes('{place}'))
        .map((template) => fillTemplate(phrasebook, template, { speaker: request.speaker, listener, place }))
        .filter((line) => line !== request.tooLong?.line)
        .sort((a, b) => estimate(a) - estimate(b) || (a < b ? -1 : 1));
    // The line's own place in the conversation first; any line of the mood when none of those fits.
    const own = said(templatesFor(request, moodLines));
    const lines = own.some((line) => estimate(line) <= target) ? own : said(Object.values(moodLines).flat());
    const fitting = lines.filter((line) => estimate(line) <= target);
    const best = fitting.at(-1);
    const random = seededRandom(lineSeed(request));
    const similar =
      best === undefined ? [] : fitting.filter((line) => estimate(line) >= estimate(best) * SIMILAR_LENGTH);
    const chosen = similar[Math.floor(random() * similar.length)];
    const line = chosen ?? cutToFit(lines[0] ?? '', request.to, (text) => estimate(text) <= target);
    const repairs: Repair[] =
      chosen === undefined && line !== lines[0]
        ? [
            {
              path: 'line',
              repaired: `no phrasebook line fits ${request.budgetSeconds} s: the shortest cut after its last word that fits`,
              by: 'pipeline',
            },
          ]
        : [];

    const input = [request.scene.outline, request.scene.mood ?? '', ...request.sceneLines.map((l) => l.line)].join(
      '\n',
    );
    return metered(input, line, repairs);
  }

  /**
   * A title in the dub's language: the shortest thought-aloud line of the first scene's mood,
   * cut to the title's spoken length. Like the lines, it keeps mood and length, not meaning.
   */
  async translateTitle(request: TitleTranslationRequest): Promise<Metered<LineTranslation>> {
    const phrasebook = phrasebookFor(request.to);
    const from = CHARACTERS_PER_SECOND[languageOf(request.from).script];
    const to = CHARACTERS_PER_SECOND[languageOf(request.to).script];
    const speaker = request.scene.characters[0] ?? { id: 'narrator', name: '', description: '' };
    const [shortest = ''] = phrasebook.moods[moodOf(request.scene)].monologue
      .filter((template) => !template.includes('{place}'))
      .map((template) => fillTemplate(phrasebook, template, { speaker, listener: undefined, place: undefined }))
      .sort((a, b) => Array.from(a).length - Array.from(b).length);
    const seconds = Array.from(request.title).length / from;
    const whole = shortest.replace(/[.…。!！?？]+$/u, '');
    const title = cutToFit(whole, request.to, (text) => Array.from(text).length / to <= seconds);
    const repairs: Repair[] =
      title !== whole.trim()
        ? [{ path: 'line', repaired: "cut after its last word that fits the master title's length", by: 'pipeline' }]
        : [];
    return metered(request.title, title, repairs);
  }

  /**
   * The listing in the dub's language: the same listing phrases the offline writer lists a master
   * with, around the dub's title, in the mood of the genre or of the first scene. The master's
   * description is not carried over word for word: like the lines, it keeps mood, not meaning.
   */
  async translateListing(request: ListingTranslationRequest): Promise<Metered<EpisodeListing>> {
    const listing = phrasebookListing({
      language: request.to,
      title: request.title,
      mood: listingMood(request.genre, [], [request.scene]),
      seed: listingSeed(request.seed, request.to, request.scene.episodeId),
    });
    const input = [request.listing.description, ...request.listing.hashtags, request.genre ?? ''].join('\n');
    return {
      result: listing,
      usage: {
        inputTokens: estimatedTokens(input),
        outputTokens: estimatedTokens([listing.description, ...listing.hashtags].join(' ')),
      },
      provider: OFFLINE_SCRIPT_PROVIDER,
      model: OFFLINE_SCRIPT_MODEL,
    };
  }
}

function metered(input: string, line: string, repairs: Repair[]): Metered<LineTranslation> {
  return {
    result: { line, ...(repairs.length > 0 && { repairs }) },
    usage: { inputTokens: estimatedTokens(input), outputTokens: estimatedTokens(line) },
    provider: OFFLINE_SCRIPT_PROVIDER,
    model: OFFLINE_SCRIPT_MODEL,
  };
}

/** A line no phrasebook line is short enough for: the shortest, cut after its last word that fits (at least one word). */
function cutToFit(line: string, language: string, fits: (text: string) => boolean): string {
  let cut = '';
  for (const { segment, isWordLike } of new Intl.Segmenter(language, { granularity: 'word' }).segment(line)) {
    if (isWordLike && cut.trim() !== '' && !fits(cut + segment)) break;
    cut += segment;
  }
  return cut.trim();
}

/** Where the line stands in its scene picks the phrasebook's lines for it, as the offline writer picks them. */
function templatesFor(request: LineTranslationRequest, lines: MoodLines): readonly string[] {
  const speakers = new Set(request.sceneLines.map((line) => line.character));
  if (speakers.size <= 1) return lines.monologue;
  if (request.index === 0) return lines.openers;
  if (request.index === request.sceneLines.length - 1 && request.sceneLines.length >= 3) return lines.closers;
  return lines.replies;
}

/** Who the line is said to: the speaker before it, or for an opener the one who answers. */
function listenerOf(request: LineTranslationRequest): CharacterBrief | undefined {
  const neighbour = request.index === 0 ? request.sceneLines[1] : request.sceneLines[request.index - 1];
  const id = neighbour && neighbour.character !== request.speaker.id ? neighbour.character : undefined;
  return (
    request.scene.characters.find((character) => character.id === id) ??
    request.scene.characters.find((character) => character.id !== request.speaker.id)
  );
}

function lineSeed(request: LineTranslationRequest): number {
  const { scene } = request;
  return createHash('sha256')
    .update(JSON.stringify([request.seed, request.to, scene.episodeId, scene.sceneId, request.index]))
    .digest()
    .readUInt32BE(0);
}
