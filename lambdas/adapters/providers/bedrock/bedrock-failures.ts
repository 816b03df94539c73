import {
  DramaforgeError,
  ProviderContentFiltered,
  ProviderQuotaExceeded,
  ProviderRejected,
  ProviderThrottled,
  ProviderTimeout,
  ProviderUnavailable,
} from '../../../core/errors.js';

interface AwsError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

/**
 * An AWS SDK error from Bedrock or Polly as the pipeline names it. Bedrock reports a
 * content-filter block as a ValidationException whose message says so.
 */
export function awsProviderFailure(provider: string, error: unknown): unknown {
  if (error instanceof DramaforgeError) return error;
  const failure = error as AwsError;
  const detail = `${provider}: ${failure.name ?? 'Error'}: ${failure.message ?? ''}`;
  const status = failure.$metadata?.httpStatusCode ?? 0;
  if (/content filter|blocked by our content|responsible ai|guardrail/i.test(failure.message ?? '')) return new ProviderContentFiltered(detail);
  if (failure.name === 'ServiceQuotaExceededException') return new ProviderQuotaExceeded(detail);
  if (failure.name === 'ThrottlingException' || failure.name === 'TooManyRequestsException' || failure.$retryable?.throttling || status === 429) {
    return new ProviderThrottled(detail);
  }
  if (failure.name === 'ModelTimeoutException' || failure.name === 'TimeoutError' || status === 408) return new ProviderTimeout(detail);
  if (status >= 500 || ['ServiceUnavailableException', 'InternalServerException', 'ModelNotReadyException', 'ServiceFailureException'].includes(failure.name ?? '')) {
    return new ProviderUnavailable(detail);
  }
  if (status >= 400) return new ProviderRejected(detail);
  return error;
}
