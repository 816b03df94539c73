import { createHash } from 'node:crypto';
import type { CharacterBrief, LineTranslation, LineTranslationRequest, LineTranslator, Metered } from '../../../core/ports.js';
import { languageOf, type Script } from '../../../core/languages.js';
import type { MoodLines } from './phrasebook/phrasebook.js';
import { estimatedTokens, fillTemplate, moodOf, OFFLINE_SCRIPT_MODEL, OFFLINE_SCRIPT_PROVIDER, phrasebookFor, seededRandom, spokenPlace } from './offline-script-writer.js';

/**
 * How fast the offline voice says each script, in characters a second (espeak-ng at its
 * default rate, measured over the phrasebooks): enough to choose a line that fits a budget.
 */
const CHARACTERS_PER_SECOND: Readonly<Record<Script, number>> = {
  latin: 13,
  thai: 11,
  hangul: 5.5,
  japanese: 6,
  'han-simplified': 4.5,
  'han-traditional': 4.5,
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
    const target = request.tooLong ? request.budgetSeconds * (estimate(request.tooLong.line) / request.tooLong.seconds) : request.budgetSeconds;

    const place = spokenPlace(request.scene.location, phrasebook);
    const listener = listenerOf(request);
    const lines = [...new Set(templatesFor(request, phrasebook.moods[moodOf(request.scene)]))]
      .filter((template) => place !== undefined || !template.includes('{place}'))
      .map((template) => fillTemplate(phrasebook, template, { speaker: request.speaker, listener, place }))
      .filter((line) => line !== request.tooLong?.line)
      .sort((a, b) => estimate(a) - estimate(b) || (a < b ? -1 : 1));
    const fitting = lines.filter((line) => estimate(line) <= target);
    const best = fitting.at(-1);
    const similar = best === undefined ? lines.slice(0, 1) : fitting.filter((line) => estimate(line) >= estimate(best) * SIMILAR_LENGTH);
    const random = seededRandom(lineSeed(request));
    const line = similar[Math.floor(random() * similar.length)] ?? '';

    const input = [request.scene.outline, request.scene.mood ?? '', ...request.sceneLines.map((l) => l.line)].join('\n');
    return {
      result: { line },
      usage: { inputTokens: estimatedTokens(input), outputTokens: estimatedTokens(line) },
      provider: OFFLINE_SCRIPT_PROVIDER,
      model: OFFLINE_SCRIPT_MODEL,
    };
  }
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
  return request.scene.characters.find((character) => character.id === id) ?? request.scene.characters.find((character) => character.id !== request.speaker.id);
}

function lineSeed(request: LineTranslationRequest): number {
  const { scene } = request;
  return createHash('sha256')
    .update(JSON.stringify([request.seed, request.to, scene.episodeId, scene.sceneId, request.index]))
    .digest()
    .readUInt32BE(0);
}
