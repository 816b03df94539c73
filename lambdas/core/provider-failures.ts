import { ProviderRejected, ProviderThrottled, ProviderTimeout, ProviderUnavailable } from './errors.js';

/** Retry-After is either seconds or an HTTP date. */
export function retryAfterSeconds(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/**
 * What a provider's HTTP failure means to the pipeline, by the names the state
 * machine's Retry and Catch rules match: 429 -> ProviderThrottled (honouring
 * Retry-After), 408/504 -> ProviderTimeout, other 5xx -> ProviderUnavailable,
 * anything else -> ProviderRejected (retrying the same request will not help).
 */
export function failureFromHttpResponse(provider: string, status: number, headers: Record<string, string | undefined>, body: string) {
  const detail = `${provider} answered HTTP ${status}${body ? `: ${body.slice(0, 300)}` : ''}`;
  if (status === 429) return new ProviderThrottled(detail, retryAfterSeconds(headers['retry-after']));
  if (status === 408 || status === 504) return new ProviderTimeout(detail);
  if (status >= 500) return new ProviderUnavailable(detail);
  return new ProviderRejected(detail);
}

/** A 200 whose body does not parse is a broken response, not a refusal: worth another try. */
export function malformedBodyFailure(provider: string, body: string, reason: string) {
  return new ProviderUnavailable(`${provider} sent a malformed body (${reason}): ${body.slice(0, 120)}`);
}
