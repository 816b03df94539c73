import { ProviderContentFiltered, ProviderOutputInvalid } from '../contracts/errors.js';
import type { Charge, Metered, Repair, Usage } from '../contracts/ports.js';
import type * as z from '../contracts/zod-mini.js';

/**
 * Repair before refusing: a structured answer from a text model is first mended where the
 * pipeline can decide what was meant, and only what it cannot decide goes back to the model in a
 * repair prompt. The same loop serves scene cards, scripts and consistency judgements, on every profile.
 */

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

/** Something only the model can put right: an invented character, a wrong number of scenes, an unparseable answer. */
export interface Problem {
  path: string;
  reason: string;
}

export type Checked<T> = { ok: true; value: T; repairs: Repair[] } | { ok: false; problems: Problem[] };

/** A schema's issues as problems, each at its path in the answer. */
export const zodProblems = (error: z.core.$ZodError): Problem[] =>
  error.issues.map((issue) => ({ path: issue.path.join('.') || '(answer)', reason: issue.message }));

export const describeProblems = (problems: Problem[]) =>
  problems.map((problem) => `${problem.path}: ${problem.reason}`).join('; ');

/**
 * The JSON object in a model's answer. Models wrap it in prose or code fences now and then; the
 * object is what counts, and the text dropped around it is recorded as a repair.
 */
function extractAnswer(text: string): Checked<unknown> {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start)
    return { ok: false, problems: [{ path: '(answer)', reason: 'no JSON object in the answer' }] };
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start, end + 1));
  } catch (error) {
    return { ok: false, problems: [{ path: '(answer)', reason: `not parseable JSON (${(error as Error).message})` }] };
  }
  const around = (text.slice(0, start) + text.slice(end + 1)).trim();
  const repairs: Repair[] =
    around.length > 0
      ? [
          {
            path: '(answer)',
            repaired: `dropped ${around.length} characters of text around the JSON object`,
            by: 'pipeline',
          },
        ]
      : [];
  return { ok: true, value, repairs };
}

const SENTENCES = new Intl.Segmenter('und', { granularity: 'sentence' });

/**
 * A line over `limit` characters as lines within it, cut only between sentences (packed greedily,
 * so a line just over the limit becomes two). Undefined when one sentence alone is over the limit:
 * where to cut it is the writer's call.
 */
export function splitAtSentences(line: string, limit: number): string[] | undefined {
  const pieces: string[] = [];
  let current = '';
  for (const { segment } of SENTENCES.segment(line.trim())) {
    if ((current + segment).trim().length <= limit) {
      current += segment;
      continue;
    }
    if (segment.trim().length > limit) return undefined;
    pieces.push(current.trim());
    current = segment;
  }
  if (current.trim().length > 0) pieces.push(current.trim());
  return pieces;
}

/** A plain JSON object, or undefined: the repairs below only mend objects. */
export const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/**
 * Lines over `limit` cut between sentences into lines of the same speaker; a line with a sentence
 * over the limit is left for the schema to name.
 */
export function mendDialogue(
  dialogue: unknown[],
  limit: number,
  mend: (index: number, repaired: string) => void,
): unknown[] {
  return dialogue.flatMap((raw, l) => {
    const spoken = asRecord(raw);
    if (!spoken || typeof spoken.line !== 'string' || spoken.line.trim().length <= limit) return [raw];
    const pieces = splitAtSentences(spoken.line, limit);
    if (!pieces) return [raw];
    mend(
      l,
      `${spoken.line.trim().length} characters, over ${limit}: cut between sentences into ${pieces.length} lines of ${JSON.stringify(spoken.character)}`,
    );
    return pieces.map((line) => ({ ...spoken, line }));
  });
}

export interface RepairLoop<T> {
  messages: ChatMessage[];
  serving: { provider: string; model: string };
  /** What is asked for, for the refusal's message: "scene cards", "script", "consistency score". */
  what: string;
  complete: (messages: ChatMessage[]) => Promise<ChatAnswer>;
  /** Mends what the pipeline can decide, then names what it cannot. */
  check: (answer: unknown) => Checked<T>;
}

/**
 * Asks, mends, and on what cannot be mended asks once more with a repair prompt naming every
 * problem. The kept answer carries its repairs: the pipeline's on it, and the model's for each
 * problem the repair prompt put right. A second answer with problems is ProviderOutputInvalid
 * carrying both billed calls, so the router climbs a tier and the cost includes them.
 */
export async function answerWithRepair<T>(loop: RepairLoop<T>): Promise<Metered<{ value: T; repairs: Repair[] }>> {
  const { serving } = loop;
  const messages = [...loop.messages];
  const charges: Charge[] = [];
  let asked: Problem[] = [];
  for (let attempt = 0; attempt < 2; attempt++) {
    const answer = await loop.complete(messages);
    if (answer.filtered)
      throw new ProviderContentFiltered(
        `${serving.provider}/${serving.model} stopped the ${loop.what} on content grounds`,
      );
    const extracted = extractAnswer(answer.text);
    const checked: Checked<T> = extracted.ok
      ? loop.check(extracted.value)
      : { ok: false, problems: extracted.problems };
    if (extracted.ok && checked.ok) {
      const byModel = asked.map((problem): Repair => ({ path: problem.path, repaired: problem.reason, by: 'model' }));
      return {
        result: { value: checked.value, repairs: [...byModel, ...extracted.repairs, ...checked.repairs] },
        usage: answer.usage,
        ...serving,
        earlierCharges: charges.length > 0 ? charges : undefined,
      };
    }
    asked = checked.ok ? [] : checked.problems;
    charges.push({ ...serving, usage: answer.usage });
    messages.push(
      { role: 'assistant', content: answer.text },
      {
        role: 'user',
        content: `That answer is not valid (${describeProblems(asked)}). Reply with the corrected JSON object only.`,
      },
    );
  }
  throw new ProviderOutputInvalid(
    `${serving.provider}/${serving.model} gave no valid ${loop.what} after a repair prompt (${describeProblems(asked)})`,
    charges,
  );
}

/**
 * answerWithRepair for an answer that carries its own repairs (scene cards, a script, a listing, a
 * translation): `repairs` is on it only when there were some.
 */
export async function answerCarryingRepairs<T extends object>(
  loop: RepairLoop<T>,
): Promise<Metered<T & { repairs?: Repair[] }>> {
  const metered = await answerWithRepair(loop);
  const { value, repairs } = metered.result;
  return { ...metered, result: { ...value, ...(repairs.length > 0 && { repairs }) } };
}

/** A rough token count for routing: about 3 bytes of UTF-8 a token across Latin, Vietnamese and Chinese text. */
export const roughTokenCount = (text: string): number => Math.ceil(Buffer.byteLength(text, 'utf8') / 3);

/** The same rough count for a conversation: every message's text. */
export const roughMessagesTokenCount = (messages: ChatMessage[]): number =>
  roughTokenCount(messages.map((message) => message.content).join('\n'));
