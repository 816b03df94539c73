import type { DevelopedPart, EpisodeDevelopmentRequest, Metered, Repair, SceneCard } from '../contracts/ports.js';
import * as z from '../contracts/zod-mini.js';
import { MANIFEST_LIMITS } from '../manifest/limits.js';
import {
  answerCarryingRepairs,
  asRecord,
  type ChatAnswer,
  type ChatMessage,
  type Checked,
  mendDialogue,
  roughMessagesTokenCount,
  zodProblems,
} from './answer-repair.js';
import { rewriteForContentPolicy } from './content-rewrite.js';

/** What every real text model is asked when it develops an episode, and how its answer is checked. */

/** An episode longer than this is developed in parts, each part carrying the cards of the one before. */
export const SCENES_PER_DEVELOPMENT_PART = 6;
const SUMMARY_CHARACTERS = 2000;
const DIALOGUE_LINES = { min: 2, max: 8 };

/** The scene ids of each part of an episode: s01, s02, ... in parts of SCENES_PER_DEVELOPMENT_PART. */
export function developmentParts(sceneCount: number): string[][] {
  const ids = Array.from({ length: sceneCount }, (_, i) => `s${String(i + 1).padStart(2, '0')}`);
  const parts: string[][] = [];
  for (let start = 0; start < ids.length; start += SCENES_PER_DEVELOPMENT_PART)
    parts.push(ids.slice(start, start + SCENES_PER_DEVELOPMENT_PART));
  return parts;
}

const line = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

/**
 * The answer's shape, as the provider is told it (structured output's JSON schema): the cast
 * is an enum of the bible's ids, so a model that honours the schema cannot invent anyone.
 */
function answerShape(request: EpisodeDevelopmentRequest) {
  const ids = request.characters.map((c) => c.id) as [string, ...string[]];
  const castId = z.enum(ids);
  return z.strictObject({
    scenes: z
      .array(
        z.strictObject({
          id: z.string(),
          location: line(500),
          characters: z.array(castId).check(z.minLength(1), z.maxLength(MANIFEST_LIMITS.characters)),
          outline: line(2000),
          mood: line(50),
          camera: line(300),
          dialogue: z
            .array(z.strictObject({ character: castId, line: line(MANIFEST_LIMITS.lineCharacters) }))
            .check(z.maxLength(MANIFEST_LIMITS.dialogueLinesPerScene)),
        }),
      )
      .check(z.minLength(request.part.sceneIds.length), z.maxLength(request.part.sceneIds.length)),
    summary: line(SUMMARY_CHARACTERS),
  });
}

/** The JSON schema sent as `response_format.json_schema.schema` where the provider supports structured output. */
export function developmentJsonSchema(request: EpisodeDevelopmentRequest): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(answerShape(request), { target: 'draft-7' }) as Record<
    string,
    unknown
  >;
  return schema;
}

/**
 * The rules the shape cannot say, checked after mendPart: as many scenes as ids asked for; a cast
 * taken only from the bible (named, so the repair prompt tells the model exactly whom it invented);
 * speakers who are in their scene and may speak.
 */
function answerSchema(request: EpisodeDevelopmentRequest) {
  const bible = request.characters.map((c) => c.id);
  const known = (id: string) => bible.includes(id);
  const lenient = z.string();
  return z
    .strictObject({
      scenes: z
        .array(
          z.strictObject({
            id: lenient,
            location: line(500),
            characters: z
              .array(
                lenient.check(
                  z.refine(known, {
                    error: (issue) => `"${String(issue.input)}" is not a character of the bible (${bible.join(', ')})`,
                  }),
                ),
              )
              .check(
                z.minLength(1, 'a scene needs at least one character of the bible'),
                z.maxLength(MANIFEST_LIMITS.characters),
              ),
            outline: line(2000),
            mood: line(50),
            camera: line(300),
            dialogue: z
              .array(z.strictObject({ character: lenient, line: line(MANIFEST_LIMITS.lineCharacters) }))
              .check(z.maxLength(MANIFEST_LIMITS.dialogueLinesPerScene)),
          }),
        )
        .check(
          z.length(
            request.part.sceneIds.length,
            `exactly ${request.part.sceneIds.length} scenes: ${request.part.sceneIds.join(', ')}`,
          ),
        ),
      summary: line(SUMMARY_CHARACTERS),
    })
    .check(
      z.superRefine((answer, ctx) => {
        answer.scenes.forEach((scene, s) => {
          scene.dialogue.forEach((spoken, l) => {
            if (request.characters.some((c) => c.id === spoken.character && c.speaks === false)) {
              ctx.addIssue({
                code: 'custom',
                path: ['scenes', s, 'dialogue', l, 'character'],
                message: `"${spoken.character}" does not speak: give it no lines`,
              });
            } else if (!scene.characters.includes(spoken.character)) {
              const reason = known(spoken.character)
                ? "is not in this scene's characters"
                : `is not a character of the bible (${bible.join(', ')})`;
              ctx.addIssue({
                code: 'custom',
                path: ['scenes', s, 'dialogue', l, 'character'],
                message: `"${spoken.character}" ${reason}`,
              });
            }
          });
        });
      }),
    );
}

/**
 * The defaults a card field the model left out takes (docs/providers.md, repairs): a card without
 * dialogue has it written by the script stage, as a hand-written scene without dialogue does.
 */
export const CARD_DEFAULTS = { mood: 'neutral', camera: 'medium shot', dialogue: [] as SceneCard['dialogue'] };

/**
 * Mends a part where the pipeline can decide: the scene ids by position, a missing field by its
 * default, a summary from the outlines, a cast named twice named once, a bible character who
 * speaks added to the scene's cast, a line over the limit cut between sentences. What is left for
 * the model (an invented character, a wrong number of scenes, a missing outline) stays for the schema.
 */
function mendPart(request: EpisodeDevelopmentRequest, answer: unknown): { mended: unknown; repairs: Repair[] } {
  const part = asRecord(answer);
  if (!part || !Array.isArray(part.scenes)) return { mended: answer, repairs: [] };
  const repairs: Repair[] = [];
  const mend = (path: (string | number)[], repaired: string) =>
    repairs.push({ path: path.join('.'), repaired, by: 'pipeline' });
  const speaking = new Set(request.characters.filter((c) => c.speaks !== false).map((c) => c.id));
  const scenes = part.scenes.map((raw: unknown, s) => {
    const scene = asRecord(raw);
    if (!scene) return raw;
    const mended: Record<string, unknown> = { ...scene };
    const wanted = request.part.sceneIds[s];
    if (wanted !== undefined && scene.id !== wanted) {
      mended.id = wanted;
      mend(['scenes', s, 'id'], `${JSON.stringify(scene.id)} became "${wanted}", the id of scene ${s + 1} of the part`);
    }
    for (const [field, fallback] of Object.entries(CARD_DEFAULTS)) {
      if (scene[field] === undefined) {
        mended[field] = fallback;
        mend(['scenes', s, field], `missing: ${JSON.stringify(fallback)}, its default`);
      }
    }
    if (Array.isArray(mended.dialogue))
      mended.dialogue = mendDialogue(mended.dialogue, MANIFEST_LIMITS.lineCharacters, (l, repaired) =>
        mend(['scenes', s, 'dialogue', l], repaired),
      );
    if (Array.isArray(scene.characters)) {
      const cast = [...new Set(scene.characters)];
      if (cast.length < scene.characters.length)
        mend(['scenes', s, 'characters'], 'a character named twice is named once');
      const spokenBy = Array.isArray(mended.dialogue)
        ? mended.dialogue.map((spoken) => asRecord(spoken)?.character)
        : [];
      for (const speaker of spokenBy) {
        if (typeof speaker === 'string' && speaking.has(speaker) && !cast.includes(speaker)) {
          cast.push(speaker);
          mend(['scenes', s, 'characters'], `"${speaker}" speaks in the scene: added to its characters`);
        }
      }
      mended.characters = cast;
    }
    return mended;
  });
  const mended: Record<string, unknown> = { ...part, scenes };
  if (part.summary === undefined) {
    const outlines = scenes
      .map((scene) => asRecord(scene)?.outline)
      .filter((outline): outline is string => typeof outline === 'string');
    mended.summary = outlines.join(' ').slice(0, SUMMARY_CHARACTERS);
    mend(['summary'], "missing: the part's outlines, its default");
  }
  return { mended, repairs };
}

/** A developed part mended where the pipeline can decide, then held to every rule; the problems left are the model's to fix. */
export function checkDevelopedPart(request: EpisodeDevelopmentRequest, answer: unknown): Checked<DevelopedPart> {
  const { mended, repairs } = mendPart(request, answer);
  const parsed = answerSchema(request).safeParse(mended);
  if (!parsed.success) return { ok: false, problems: zodProblems(parsed.error) };
  return { ok: true, value: parsed.data, repairs };
}

const bullet = (items: string[]) => items.map((item) => `- ${item}`).join('\n');

function brief(request: EpisodeDevelopmentRequest): string {
  const { series, episode, part } = request;
  const cards = (scenes: SceneCard[]) => scenes.map((scene) => JSON.stringify(scene)).join('\n');
  return [
    `Series: ${series.title}`,
    series.logline && `Logline: ${series.logline}`,
    series.genre && `Genre: ${series.genre}`,
    series.style && `Visual style: ${series.style}`,
    `Characters (use these ids, and only these, in "characters" and "dialogue"):\n${bullet(request.characters.map((c) => `${c.id}: ${c.name}, ${c.description}${c.arc ? `. Arc over the season: ${c.arc}` : ''}${c.speaks === false ? ' (does not speak: give it no lines)' : ''}`))}`,
    series.locations.length > 0 &&
      `Locations of the series (set scenes there where the story allows):\n${bullet(series.locations)}`,
    request.storySoFar.length > 0
      ? `The story so far, episode by episode:\n${bullet(request.storySoFar.map((earlier) => `${earlier.episodeId} "${earlier.title}": ${earlier.summary}`))}`
      : 'This is the first episode of the season.',
    `Episode ${episode.index + 1} of ${episode.episodeCount} (${episode.id}) "${episode.title}", ${episode.sceneCount} scenes.`,
    `Synopsis: ${episode.synopsis}`,
    part.count > 1 && `This is part ${part.index + 1} of ${part.count} of the episode.`,
    request.previousCards.length > 0 &&
      `The previous part's scene cards, to continue from:\n${cards(request.previousCards)}`,
    `Write the scenes ${part.sceneIds.join(', ')}.`,
  ]
    .filter((item): item is string => typeof item === 'string' && item.length > 0)
    .join('\n\n');
}

export function developmentMessages(request: EpisodeDevelopmentRequest, rewrite: boolean): ChatMessage[] {
  const text = brief(request);
  return [
    {
      role: 'system',
      content:
        `You are the story editor of a vertical short drama. You turn an episode's synopsis into scene cards, in the language ${request.language}. ` +
        'The episode moves through setup, complication, a turn, and ends on a cliffhanger; it follows on from the story so far. ' +
        'Answer with one JSON object and nothing else: ' +
        '{"scenes":[{"id":"<given id>","location":"<where>","characters":["<character id>"],"outline":"<what happens>","mood":"<one or two words>","camera":"<framing and movement>","dialogue":[{"character":"<character id of the scene>","line":"<what they say>"}]}],' +
        '"summary":"<the story of the season so far, through this part, in a few sentences>"}. ' +
        `Each scene has ${DIALOGUE_LINES.min} to ${DIALOGUE_LINES.max} lines of dialogue of under ${MANIFEST_LIMITS.lineCharacters} characters, spoken by its characters only.`,
    },
    { role: 'user', content: rewrite ? rewriteForContentPolicy(text) : text },
  ];
}

/**
 * Asks for the part, mends and validates the answer, and asks once more with a repair prompt for
 * what only the model can fix (answerWithRepair). The part carries its repairs.
 */
export async function developPartWithRepair(
  request: EpisodeDevelopmentRequest,
  serving: { provider: string; model: string },
  rewrite: boolean,
  complete: (messages: ChatMessage[]) => Promise<ChatAnswer>,
): Promise<Metered<DevelopedPart>> {
  return answerCarryingRepairs({
    messages: developmentMessages(request, rewrite),
    serving,
    what: 'scene cards',
    complete,
    check: (answer) => checkDevelopedPart(request, answer),
  });
}

/** A rough token count for routing, as estimatePromptTokens counts a scene's. */
export function estimateDevelopmentTokens(request: EpisodeDevelopmentRequest): number {
  return roughMessagesTokenCount(developmentMessages(request, false));
}
