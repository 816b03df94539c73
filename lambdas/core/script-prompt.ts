import * as z from 'zod';
import { ProviderContentFiltered, ProviderOutputInvalid } from './errors.js';
import type { Charge, DialogueLine, EpisodeContinuity, LineTranslationRequest, Metered, SceneScript, SceneScriptRequest, TitleTranslationRequest, Usage } from './ports.js';
import { rewriteForContentPolicy } from './content-rewrite.js';

/** What every real text model is asked for, and how its answer is checked: the same for every profile. */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatAnswer {
  text: string;
  usage: Usage;
  /** The provider stopped on content grounds (OpenAI finish_reason content_filter, Bedrock content_filtered). */
  filtered: boolean;
}

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

function scriptSchema(request: SceneScriptRequest) {
  const cast = request.scene.characters.filter((c) => c.speaks !== false).map((c) => c.id);
  return z.strictObject({
    lines: z
      .array(
        z.strictObject({
          character: z.string().refine((id) => cast.includes(id), { message: `character must be one of ${cast.join(', ')}` }),
          line: z.string().trim().min(1).max(LINE_LIMIT),
        }),
      )
      .min(cast.length > 0 ? 1 : 0)
      .max(MAX_LINES),
  });
}

export function scriptMessages(request: SceneScriptRequest, rewrite: boolean): ChatMessage[] {
  const { scene } = request;
  const cast = scene.characters.map((c) => `- ${c.id}: ${c.name}, ${c.description}${c.speaks === false ? ' (does not speak: give it no lines)' : ''}`).join('\n');
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

/** Models wrap JSON in prose or code fences now and then; the object itself is what counts. */
function extractJson(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) throw new Error('no JSON object in the answer');
  return JSON.parse(text.slice(start, end + 1));
}

function parseScript(request: SceneScriptRequest, text: string): { script: SceneScript } | { problem: string } {
  try {
    const parsed = scriptSchema(request).safeParse(extractJson(text));
    if (parsed.success) return { script: { lines: parsed.data.lines } };
    return { problem: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

/**
 * Asks for the scene, validates the answer against the script schema, and on an
 * invalid answer asks once more with a repair prompt naming the problem. A second
 * invalid answer is ProviderOutputInvalid carrying both billed calls, so the router
 * can escalate a tier and the eventual cost includes them.
 */
export async function writeSceneWithRepair(
  request: SceneScriptRequest,
  serving: { provider: string; model: string },
  rewrite: boolean,
  complete: (messages: ChatMessage[]) => Promise<ChatAnswer>,
): Promise<Metered<SceneScript>> {
  const messages = scriptMessages(request, rewrite);
  const charges: Charge[] = [];
  for (let attempt = 0; attempt < 2; attempt++) {
    const answer = await complete(messages);
    if (answer.filtered) throw new ProviderContentFiltered(`${serving.provider}/${serving.model} stopped the script on content grounds`);
    const parsed = parseScript(request, answer.text);
    if ('script' in parsed) return { result: parsed.script, usage: answer.usage, ...serving, earlierCharges: charges.length > 0 ? charges : undefined };
    charges.push({ ...serving, usage: answer.usage });
    messages.push(
      { role: 'assistant', content: answer.text },
      { role: 'user', content: `That answer is not valid (${parsed.problem}). Reply with the corrected JSON object only.` },
    );
  }
  throw new ProviderOutputInvalid(`${serving.provider}/${serving.model} gave no valid script after a repair prompt`, charges);
}

/** A rough token count for routing (about 3 bytes of UTF-8 a token across Latin, Vietnamese and Chinese text). */
export function estimatePromptTokens(request: SceneScriptRequest): number {
  const text = scriptMessages(request, false)
    .map((m) => m.content)
    .join('\n');
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 3);
}

/** The same rough count for a dubbed line: the scene, its lines and the one asked for are the prompt. */
export function estimateTranslationTokens(request: LineTranslationRequest | TitleTranslationRequest): number {
  return Math.ceil(Buffer.byteLength(JSON.stringify(request), 'utf8') / 3);
}
