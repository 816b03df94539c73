import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import {
  causedBy,
  DramaforgeError,
  ProviderContentFiltered,
  ProviderQuotaExceeded,
  ProviderTimeout,
} from '../../../core/contracts/errors.js';
import { describeCause } from '../../../core/contracts/failure-cause.js';
import {
  connectionFailure,
  failureForStatus,
  malformedBodyFailure,
  providerAnswer,
  retryAfterSeconds,
} from '../../../core/domain/provider-failures.js';

/** Codes OpenAI and the gateways that copy it use for a content-policy refusal. */
const CONTENT_FILTER_CODES = new Set([
  'content_filter',
  'content_policy_violation',
  'moderation_blocked',
  'safety_violation',
]);

function errorCode(error: APIError): string | undefined {
  const body = error.error as { code?: unknown; type?: unknown } | undefined;
  const code =
    error.code ??
    (typeof body?.code === 'string' ? body.code : undefined) ??
    (typeof body?.type === 'string' ? body.type : undefined);
  return code ?? undefined;
}

/**
 * What a producer should check when the gateway refuses the request itself: a wrong or missing key
 * (401), a key without access to the model (403), a model the gateway does not serve (404).
 */
function hintFor(status: number): string | undefined {
  if (status === 401) return 'check OPENAI_API_KEY (or DRAMAFORGE_OPENAI_API_KEY, or the provider secret in AWS)';
  if (status === 403) return "check that the key's project may use this model";
  if (status === 404) return 'check OPENAI_BASE_URL and the DRAMAFORGE_OPENAI_* model names';
  return undefined;
}

/** The openai client puts the status in front of the provider's words ("401 Incorrect API key..."): the cause carries them apart. */
const providerWords = (error: APIError) => error.message.replace(new RegExp(`^${error.status} `), '');

/**
 * An error from the openai client as the pipeline names it, with what the provider answered as its
 * cause. The message carries the provider's words, never the request (which would hold the key in a header).
 */
export function providerFailure(provider: string, error: unknown): unknown {
  if (error instanceof DramaforgeError) return error;
  if (error instanceof APIUserAbortError || error instanceof APIConnectionTimeoutError) {
    return causedBy(
      new ProviderTimeout(`${provider} did not answer in time`),
      providerAnswer(provider, undefined, { message: 'did not answer in time' }),
    );
  }
  if (error instanceof APIConnectionError) return connectionFailure(provider, error, 'check OPENAI_BASE_URL');
  if (error instanceof APIError && error.status !== undefined) {
    const code = errorCode(error);
    const cause = providerAnswer(
      provider,
      error.status,
      { code, message: providerWords(error) },
      hintFor(error.status),
    );
    const detail = describeCause(cause);
    if (code && CONTENT_FILTER_CODES.has(code)) return causedBy(new ProviderContentFiltered(detail), cause);
    if (error.status === 429 && code === 'insufficient_quota')
      return causedBy(new ProviderQuotaExceeded(detail), cause);
    const retryAfterMs = Number(error.headers?.get('retry-after-ms'));
    const seconds =
      Number.isFinite(retryAfterMs) && retryAfterMs > 0
        ? retryAfterMs / 1000
        : retryAfterSeconds(error.headers?.get('retry-after'));
    return failureForStatus(cause, error.status, seconds);
  }
  if (error instanceof SyntaxError) return malformedBodyFailure(provider, '', error.message);
  return error;
}
