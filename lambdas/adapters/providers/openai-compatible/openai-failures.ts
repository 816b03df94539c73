import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import {
  DramaforgeError,
  ProviderContentFiltered,
  ProviderQuotaExceeded,
  ProviderThrottled,
  ProviderTimeout,
  ProviderUnavailable,
} from '../../../core/errors.js';
import { failureFromHttpResponse, malformedBodyFailure, retryAfterSeconds } from '../../../core/provider-failures.js';

/** Codes OpenAI and the gateways that copy it use for a content-policy refusal. */
const CONTENT_FILTER_CODES = new Set(['content_filter', 'content_policy_violation', 'moderation_blocked', 'safety_violation']);

function errorCode(error: APIError): string | undefined {
  const body = error.error as { code?: unknown; type?: unknown } | undefined;
  const code = error.code ?? (typeof body?.code === 'string' ? body.code : undefined) ?? (typeof body?.type === 'string' ? body.type : undefined);
  return code ?? undefined;
}

/**
 * An error from the openai client as the pipeline names it. The message carries the
 * provider's words, never the request (which would hold the key in a header).
 */
export function providerFailure(provider: string, error: unknown): unknown {
  if (error instanceof DramaforgeError) return error;
  if (error instanceof APIUserAbortError || error instanceof APIConnectionTimeoutError) return new ProviderTimeout(`${provider} did not answer in time`);
  if (error instanceof APIConnectionError) return new ProviderUnavailable(`${provider} could not be reached: ${error.message}`);
  if (error instanceof APIError && error.status !== undefined) {
    const code = errorCode(error);
    if (code && CONTENT_FILTER_CODES.has(code)) return new ProviderContentFiltered(`${provider} refused on content grounds (${code}): ${error.message}`);
    if (error.status === 429 && code === 'insufficient_quota') return new ProviderQuotaExceeded(`${provider}: ${error.message}`);
    if (error.status === 429) {
      const retryAfterMs = Number(error.headers?.get('retry-after-ms'));
      const seconds = Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? retryAfterMs / 1000 : retryAfterSeconds(error.headers?.get('retry-after'));
      return new ProviderThrottled(`${provider} answered HTTP 429: ${error.message}`, seconds);
    }
    return failureFromHttpResponse(provider, error.status, {}, error.message);
  }
  if (error instanceof SyntaxError) return malformedBodyFailure(provider, '', error.message);
  return error;
}
