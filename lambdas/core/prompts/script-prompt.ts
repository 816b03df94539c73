import type {
  DialogueLine,
  EpisodeContinuity,
  LineTranslationRequest,
  Metered,
  Repair,
  SceneScript,
  SceneScriptRequest,
  TitleTranslationRequest,
} from '../contracts/ports.js';
import * as z from '../contracts/zod-mini.js';
import {
  answerCarryingRepairs,
  asRecord,
  type ChatAnswer,
  type ChatMessage,
  type Checked,
  mendDialogue,
  roughMessagesTokenCount,
  roughTokenCount,
  zodProblems,
} from './answer-repair.js';
import { rewriteForContentPolicy } from './content-rewrite.js';

/** What every real text model is asked for, and how its answer is checked: the same for every profile. */

const LINE_LIMIT = 500;
const MAX_LINES = 40;

/** An episode's dialogue is written in order, this many scenes to a Task, before its scenes fan out. */
export const SCENES_PER_DIALOGUE_PART = 6;
/** The earlier lines a script prompt quotes verbatim; older scenes are summed up by their outlines. */
export const CONTINUITY_CHARACTERS = 2400;

/**
 * What a scene's dialogue carries on from: the most recent earlier scenes' lines verbatim, as many
 * as fit in CONTINUITY_CHARACTERS, and the outlines of the scenes before those as a summary.
 * Undefined when there is nothing to carry (the first scene of an episode without a synopsis).
 */
export function episodeContinuity(
  synopsis: string | undefined,
  earlier: { sceneId: string; outline: string; lines: DialogueLine[] }[],
): EpisodeContinuity | undefined {
  if (synopsis === undefined && earlier.length === 0) return undefined;
  const spokenBefore: EpisodeContinuity['spokenBefore'] = [];
  let room = CONTINUITY_CHARACTERS;
  let cut = earlier.length;
  for (let i = earlier.length - 1; i >= 0; i--) {
    const scene = earlier[i]!;
    const size = scene.lines.reduce((sum, line) => sum + line.character.length + line.line.length + 2, 0);
    if (size > room && spokenBefore.length > 0) break;
    spokenBefore.unshift({ sceneId: scene.sceneId, lines: scene.lines });
    room -= size;
    cut = i;
  }
  const summary = earlier
    .slice(0, cut)
    .map((scene) => `${scene.sceneId}: ${scene.outline}`)
    .join(' ');
  return { ...(synopsis !== undefined && { synopsis }), ...(summary && { summary }), spokenBefore };
}

function continuityBrief(episode: EpisodeContinuity | undefined): string[] {
  if (!episode) return [];
  return [
    episode.synopsis ? `The episode: ${episode.synopsis}` : undefined,
    episode.summary ? `Earlier in the episode: ${episode.summary}` : undefined,
    episode.spokenBefore.length > 0
      ? `Said so far in the episode (carry on from it; do not repeat it):\n${episode.spokenBefore
          .map((scene) => scene.lines.map((line) => `[${scene.sceneId}] ${line.character}: ${line.line}`).join('\n'))
          .join('\n')}`
      : undefined,
  ].filter((part): part is string => part !== undefined);
}

const speakingCast = (request: SceneScriptRequest) =>
  request.scene.characters.filter((c) => c.speaks !== false).map((c) => c.id);

function scriptSchema(request: SceneScriptRequest) {
  const cast = speakingCast(request);
  return z.strictObject({
    lines: z
      .array(
        z.strictObject({
          character: z
            .string()
            .check(z.refine((id) => cast.includes(id), { message: `character must be one of ${cast.join(', ')}` })),
          line: z.string().check(z.trim(), z.minLength(1), z.maxLength(LINE_LIMIT)),
        }),
      )
      .check(z.minLength(cast.length > 0 ? 1 : 0), z.maxLength(MAX_LINES)),
  });
}

/**
 * The JSON schema a provider holds the answer to (structured output, Bedrock's forced tool): the
 * speakers an enum of the scene's speaking cast; a scene where nobody speaks has no lines.
 */
export function scriptJsonSchema(request: SceneScriptRequest): Record<string, unknown> {
  const [first, ...rest] = speakingCast(request);
  const character = first === undefined ? z.string() : z.enum([first, ...rest]);
  const shape = z.strictObject({
    lines: z
      .array(z.strictObject({ character, line: z.string().check(z.minLength(1), z.maxLength(LINE_LIMIT)) }))
      .check(z.maxLength(first === undefined ? 0 : MAX_LINES)),
  });
  const { $schema: _dialect, ...schema } = z.toJSONSchema(shape, { target: 'draft-7' }) as Record<string, unknown>;
  return schema;
}

/**
 * A script mended where the pipeline can decide (a line over the limit cut between sentences into
 * lines of the same speaker), then held to the script schema; a speaker outside the cast is the
 * model's to fix, since the scene's cast is the manifest's.
 */
export function checkScript(request: SceneScriptRequest, answer: unknown): Checked<SceneScript> {
  const repairs: Repair[] = [];
  const script = asRecord(answer);
  const mended =
    script && Array.isArray(script.lines)
      ? {
          ...script,
          lines: mendDialogue(script.lines, LINE_LIMIT, (l, repaired) =>
            repairs.push({ path: `lines.${l}`, repaired, by: 'pipeline' }),
          ),
        }
      : answer;
  const parsed = scriptSchema(request).safeParse(mended);
  if (!parsed.success) return { ok: false, problems: zodProblems(parsed.error) };
  return { ok: true, value: { lines: parsed.data.lines }, repairs };
}

export function scriptMessages(request: SceneScriptRequest, rewrite: boolean): ChatMessage[] {
  const { scene } = request;
  const cast = scene.characters
    .map(
      (c) => `- ${c.id}: ${c.name}, ${c.description}${c.speaks === false ? ' (does not speak: give it no lines)' : ''}`,
    )
    .join('\n');
  const brief = [
    `Series: ${request.title}`,
    `Scene ${scene.index + 1} (${scene.episodeId}/${scene.sceneId}) at: ${scene.location}`,
    scene.mood ? `Mood: ${scene.mood}` : undefined,
    `What happens: ${scene.outline}`,
    `Cast (use these ids as "character"):\n${cast}`,
    ...continuityBrief(request.episode),
  ]
    .filter(Boolean)
    .join('\n');
  return [
    {
      role: 'system',
      content:
        `You write the dialogue of one scene of a vertical short drama. Write in the language ${request.language}. ` +
        `Answer with one JSON object and nothing else: {"lines":[{"character":"<cast id>","line":"<what they say>"}]}. ` +
        `Between 2 and 8 lines, each under ${LINE_LIMIT} characters, spoken only by the cast listed.`,
    },
    { role: 'user', content: rewrite ? rewriteForContentPolicy(brief) : brief },
  ];
}

/**
 * Asks for the scene, mends and validates the answer, and asks once more with a repair prompt for
 * what only the model can fix (answerWithRepair). The script carries its repairs.
 */
export async function writeSceneWithRepair(
  request: SceneScriptRequest,
  serving: { provider: string; model: string },
  rewrite: boolean,
  complete: (messages: ChatMessage[]) => Promise<ChatAnswer>,
): Promise<Metered<SceneScript>> {
  return answerCarryingRepairs({
    messages: scriptMessages(request, rewrite),
    serving,
    what: 'script',
    complete,
    check: (answer) => checkScript(request, answer),
  });
}

/** A rough token count for routing (about 3 bytes of UTF-8 a token across Latin, Vietnamese and Chinese text). */
export function estimatePromptTokens(request: SceneScriptRequest): number {
  return roughMessagesTokenCount(scriptMessages(request, false));
}

/** The same rough count for a dubbed line: the scene, its lines and the one asked for are the prompt. */
export function estimateTranslationTokens(request: LineTranslationRequest | TitleTranslationRequest): number {
  return roughTokenCount(JSON.stringify(request));
}
