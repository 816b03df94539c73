import {
  causedBy,
  ProviderRejected,
  ProviderThrottled,
  ProviderTimeout,
  ProviderUnavailable,
} from '../contracts/errors.js';
import { describeCause, type FailureCause, withoutSecrets } from '../contracts/failure-cause.js';

/** Retry-After is either seconds or an HTTP date. */
export function retryAfterSeconds(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/** The error an OpenAI-style JSON body gives (`{"error": {"code", "type", "message"}}`), else the body's first words. */
function answerOf(body: string): { code?: string; message: string } {
  try {
    const { error } = JSON.parse(body) as { error?: { code?: unknown; type?: unknown; message?: unknown } };
    const code = [error?.code, error?.type].find((value): value is string => typeof value === 'string');
    if (typeof error?.message === 'string') return { ...(code && { code }), message: error.message };
  } catch {
    // Not JSON: the body is the message.
  }
  return { message: body.slice(0, 300) };
}

/** What a provider answered, as the cause a producer reads: its status, code and words, never a key. */
export function providerAnswer(
  provider: string,
  status: number | undefined,
  answer: { code?: string; message: string },
  hint?: string,
): FailureCause {
  return {
    kind: 'provider',
    provider,
    ...(status !== undefined && { status }),
    ...(answer.code && { code: answer.code }),
    message: withoutSecrets(answer.message.split('\n')[0]!.trim()),
    ...(hint && { hint }),
  };
}

/**
 * What a provider's HTTP failure means to the pipeline, by the names the state
 * machine's Retry and Catch rules match: 429 -> ProviderThrottled (honouring
 * Retry-After), 408/504 -> ProviderTimeout, other 5xx -> ProviderUnavailable,
 * anything else -> ProviderRejected (retrying the same request will not help).
 * The message is the cause's one line, so the execution history reads as report.json does.
 */
export function failureFromHttpResponse(
  provider: string,
  status: number,
  headers: Record<string, string | undefined>,
  body: string,
) {
  return failureForStatus(
    providerAnswer(provider, status, answerOf(body)),
    status,
    retryAfterSeconds(headers['retry-after']),
  );
}

/** `failureFromHttpResponse` for an answer a provider's client has already read. */
export function failureForStatus(cause: FailureCause, status: number, retryAfter?: number) {
  const detail = describeCause(cause);
  if (status === 429) return causedBy(new ProviderThrottled(detail, retryAfter), cause);
  if (status === 408 || status === 504) return causedBy(new ProviderTimeout(detail), cause);
  if (status >= 500) return causedBy(new ProviderUnavailable(detail), cause);
  return causedBy(new ProviderRejected(detail), cause);
}

/** A 200 whose body does not parse is a broken response, not a refusal: worth another try. */
export function malformedBodyFailure(provider: string, body: string, reason: string) {
  return new ProviderUnavailable(`${provider} sent a malformed body (${reason}): ${body.slice(0, 120)}`);
}

/** Connection failures that happen before a request can be sent: the provider never saw it. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The system or undici code of a network failure, however deep a client wrapped it (fetch puts it in a TypeError's cause). */
export function connectionCode(error: unknown): string | undefined {
  for (let inner: unknown = error; inner instanceof Error; inner = inner.cause) {
    const code = (inner as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * A connection that failed without an answer. One never made is a plain ProviderUnavailable (the
 * provider saw nothing); one dropped after the request went out is unanswered, since the provider
 * may have done, and billed, the work.
 */
export function connectionFailure(provider: string, error: unknown, hint?: string) {
  const code = connectionCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (NOT_CONNECTED.has(code ?? '')) {
    const cause = providerAnswer(provider, undefined, { message: `could not be reached: ${message}` }, hint);
    return causedBy(new ProviderUnavailable(describeCause(cause)), cause);
  }
  const cause = providerAnswer(provider, undefined, {
    message: `closed the connection before answering: ${code ?? message}`,
  });
  return causedBy(new ProviderUnavailable(describeCause(cause), true), cause);
}
