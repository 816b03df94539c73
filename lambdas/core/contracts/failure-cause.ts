import { round } from './money.js';
import * as z from './zod-mini.js';

/**
 * Why a stage failed, as data beside the error name the state machine matches: what a provider
 * answered (never the request, which holds the key), or the budget that refused a call. A stage
 * records it where the report reads it (the scene's row, or the production's), so the reason a
 * producer reads names the real cause, not the Fail state that ended the workflow.
 */
export const FailureCauseSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('provider'),
    provider: z.string(),
    /** The HTTP status it answered with; absent when it never answered. */
    status: z.optional(z.int()),
    /** Its error code (`invalid_api_key`, `AccessDeniedException`), when it gave one. */
    code: z.optional(z.string()),
    message: z.string(),
    /** What to check, when the answer says (a refused key names the variable that holds it). */
    hint: z.optional(z.string()),
    stage: z.optional(z.string()),
    /** The scene (`ep01/s02`), character or episode the call was for. */
    subject: z.optional(z.string()),
  }),
  z.object({
    kind: z.literal('budget'),
    budgetUsd: z.number(),
    /** Confirmed and unconfirmed spend, what counts against the budget. */
    spentUsd: z.number(),
    /** Held by calls in flight when the call was refused. */
    reservedUsd: z.number(),
    /** What the refused call would have reserved. */
    neededUsd: z.number(),
    stage: z.string(),
    subject: z.optional(z.string()),
  }),
]);
export type FailureCause = z.infer<typeof FailureCauseSchema>;

/** Each paid stage as a producer says what it makes: `before the reference sheets`. */
const STAGE_WORK: Record<string, string> = {
  development: 'the scene cards',
  'reference-sheet': 'the reference sheets',
  script: 'the dialogue',
  keyframe: 'the keyframes',
  consistency: 'the consistency check',
  speech: 'the voices',
  'subtitle-timing': 'the subtitle timing',
  video: 'the video',
  'lip-sync': 'the lip-sync',
  music: 'the music',
};

const usd = (amount: number) => `$${round(amount).toFixed(2)}`;

/** The cause in one line, as the CLI's last line and report.json give it. */
export function describeCause(cause: FailureCause): string {
  if (cause.kind === 'budget') {
    const held = cause.reservedUsd > 0 ? `, ${usd(cause.reservedUsd)} held by calls in flight,` : '';
    const call = cause.subject ? `${cause.subject}'s call` : 'the next call';
    return `stopped at the budget: ${usd(cause.spentUsd)} spent${held} of ${usd(cause.budgetUsd)} before ${STAGE_WORK[cause.stage] ?? cause.stage} (${call} needs up to $${cause.neededUsd.toFixed(4)})`;
  }
  const where = [cause.subject, cause.stage].filter(Boolean).join(' ');
  const answered =
    cause.status === undefined
      ? cause.message
      : `answered ${cause.status}${cause.code ? ` ${cause.code}` : ''}: ${cause.message}`;
  return `${where ? `${where}: ` : ''}${cause.provider} ${answered}${cause.hint ? ` (${cause.hint})` : ''}`;
}

/**
 * A provider's words without anything that looks like a key: OpenAI's 401 quotes the key it was
 * given, masked but for its ends, and a gateway may echo a bearer token.
 */
export function withoutSecrets(text: string): string {
  return text
    .replace(/\b(?:sk|pk|rk|key)[-_][\w*-]{4,}/gi, '[redacted]')
    .replace(/\b(Bearer|Basic)\s+[\w*.~+/=-]+/gi, '$1 [redacted]');
}
