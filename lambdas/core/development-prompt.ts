import * as z from 'zod';
import { ProviderContentFiltered, ProviderOutputInvalid } from './errors.js';
import type { Charge, DevelopedPart, EpisodeDevelopmentRequest, Metered, SceneCard } from './ports.js';
import type { ChatAnswer, ChatMessage } from './script-prompt.js';
import { rewriteForContentPolicy } from './content-rewrite.js';
import { MANIFEST_LIMITS } from './manifest/schema.js';

/** What every real text model is asked when it develops an episode, and how its answer is checked. */

/** An episode longer than this is developed in parts, each part carrying the cards of the one before. */
export const SCENES_PER_DEVELOPMENT_PART = 6;
const SUMMARY_CHARACTERS = 2000;
const DIALOGUE_LINES = { min: 2, max: 8 };

/** The scene ids of each part of an episode: s01, s02, ... in parts of SCENES_PER_DEVELOPMENT_PART. */
export function developmentParts(sceneCount: number): string[][] {
  const ids = Array.from({ length: sceneCount }, (_, i) => `s${String(i + 1).padStart(2, '0')}`);
  const parts: string[][] = [];
  for (let start = 0; start < ids.length; start += SCENES_PER_DEVELOPMENT_PART) parts.push(ids.slice(start, start + SCENES_PER_DEVELOPMENT_PART));
  return parts;
}

const line = (max: number) => z.string().trim().min(1).max(max);

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
          characters: z.array(castId).min(1).max(MANIFEST_LIMITS.characters),
          outline: line(2000),
          mood: line(50),
          camera: line(300),
          dialogue: z.array(z.strictObject({ character: castId, line: line(MANIFEST_LIMITS.lineCharacters) })).max(MANIFEST_LIMITS.dialogueLinesPerScene),
        }),
      )
      .min(request.part.sceneIds.length)
      .max(request.part.sceneIds.length),
    summary: line(SUMMARY_CHARACTERS),
  });
}

/** The JSON schema sent as `response_format.json_schema.schema` where the provider supports structured output. */
export function developmentJsonSchema(request: EpisodeDevelopmentRequest): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(answerShape(request), { target: 'draft-7' }) as Record<string, unknown>;
  return schema;
}

/**
 * The rules the shape cannot say: the ids this part was given, in order; a cast taken only from
 * the bible (named, so the repair prompt tells the model exactly whom it invented); speakers who
 * are in their scene.
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
              .array(lenient.refine(known, { error: (issue) => `"${String(issue.input)}" is not a character of the bible (${bible.join(', ')})` }))
              .min(1, 'a scene needs at least one character of the bible')
              .max(MANIFEST_LIMITS.characters),
            outline: line(2000),
            mood: line(50),
            camera: line(300),
            dialogue: z.array(z.strictObject({ character: lenient, line: line(MANIFEST_LIMITS.lineCharacters) })).max(MANIFEST_LIMITS.dialogueLinesPerScene),
          }),
        )
        .length(request.part.sceneIds.length, `exactly ${request.part.sceneIds.length} scenes: ${request.part.sceneIds.join(', ')}`),
      summary: line(SUMMARY_CHARACTERS),
    })
    .superRefine((answer, ctx) => {
      answer.scenes.forEach((scene, s) => {
        const wanted = request.part.sceneIds[s];
        if (scene.id !== wanted) ctx.addIssue({ code: 'custom', path: ['scenes', s, 'id'], message: `must be "${wanted}"` });
        if (new Set(scene.characters).size !== scene.characters.length) ctx.addIssue({ code: 'custom', path: ['scenes', s, 'characters'], message: 'names a character twice' });
        scene.dialogue.forEach((spoken, l) => {
          if (request.characters.some((c) => c.id === spoken.character && c.speaks === false)) {
            ctx.addIssue({ code: 'custom', path: ['scenes', s, 'dialogue', l, 'character'], message: `"${spoken.character}" does not speak: give it no lines` });
          } else if (!scene.characters.includes(spoken.character)) {
            const reason = known(spoken.character) ? "is not in this scene's characters" : `is not a character of the bible (${bible.join(', ')})`;
            ctx.addIssue({ code: 'custom', path: ['scenes', s, 'dialogue', l, 'character'], message: `"${spoken.character}" ${reason}` });
          }
        });
      });
    });
}

/** The problems of a developed part, as `path: reason`; empty when the part may go into the manifest. */
export function developmentProblems(request: EpisodeDevelopmentRequest, answer: unknown): string[] {
  const parsed = answerSchema(request).safeParse(answer);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(answer)'}: ${issue.message}`);
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
    series.locations.length > 0 && `Locations of the series (set scenes there where the story allows):\n${bullet(series.locations)}`,
    request.storySoFar.length > 0
      ? `The story so far, episode by episode:\n${bullet(request.storySoFar.map((earlier) => `${earlier.episodeId} "${earlier.title}": ${earlier.summary}`))}`
      : 'This is the first episode of the season.',
    `Episode ${episode.index + 1} of ${episode.episodeCount} (${episode.id}) "${episode.title}", ${episode.sceneCount} scenes.`,
    `Synopsis: ${episode.synopsis}`,
    part.count > 1 && `This is part ${part.index + 1} of ${part.count} of the episode.`,
    request.previousCards.length > 0 && `The previous part's scene cards, to continue from:\n${cards(request.previousCards)}`,
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

function extractJson(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) throw new Error('no JSON object in the answer');
  return JSON.parse(text.slice(start, end + 1));
}

function parsePart(request: EpisodeDevelopmentRequest, text: string): { part: DevelopedPart } | { problem: string } {
  let answer: unknown;
  try {
    answer = extractJson(text);
  } catch (error) {
    return { problem: (error as Error).message };
  }
  const problems = developmentProblems(request, answer);
  return problems.length === 0 ? { part: answerSchema(request).parse(answer) } : { problem: problems.join('; ') };
}

/**
 * Asks for the part, validates the answer, and on an invalid answer asks once more with a repair
 * prompt naming every problem (an invented character by name). A second invalid answer is
 * ProviderOutputInvalid carrying both billed calls, so the router escalates a tier, as the
 * script stage does.
 */
export async function developPartWithRepair(
  request: EpisodeDevelopmentRequest,
  serving: { provider: string; model: string },
  rewrite: boolean,
  complete: (messages: ChatMessage[]) => Promise<ChatAnswer>,
): Promise<Metered<DevelopedPart>> {
  const messages = developmentMessages(request, rewrite);
  const charges: Charge[] = [];
  let problem = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    const answer = await complete(messages);
    if (answer.filtered) throw new ProviderContentFiltered(`${serving.provider}/${serving.model} stopped the development on content grounds`);
    const parsed = parsePart(request, answer.text);
    if ('part' in parsed) return { result: parsed.part, usage: answer.usage, ...serving, earlierCharges: charges.length > 0 ? charges : undefined };
    problem = parsed.problem;
    charges.push({ ...serving, usage: answer.usage });
    messages.push(
      { role: 'assistant', content: answer.text },
      { role: 'user', content: `That answer is not valid (${parsed.problem}). Reply with the corrected JSON object only.` },
    );
  }
  throw new ProviderOutputInvalid(`${serving.provider}/${serving.model} gave no valid scene cards after a repair prompt (${problem})`, charges);
}

/** A rough token count for routing, as estimatePromptTokens counts a scene's. */
export function estimateDevelopmentTokens(request: EpisodeDevelopmentRequest): number {
  const text = developmentMessages(request, false)
    .map((m) => m.content)
    .join('\n');
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 3);
}
