import {
  causedBy,
  DramaforgeError,
  ProviderContentFiltered,
  ProviderQuotaExceeded,
  ProviderRejected,
  ProviderThrottled,
  ProviderTimeout,
  ProviderUnavailable,
} from '../../../core/contracts/errors.js';
import { describeCause } from '../../../core/contracts/failure-cause.js';
import { connectionCode, connectionFailure, providerAnswer } from '../../../core/domain/provider-failures.js';

interface AwsError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

/** What a producer should check when AWS refuses the caller rather than the request. */
function hintFor(name: string | undefined, status: number): string | undefined {
  if (name === 'AccessDeniedException' || status === 403)
    return "check the function's role, and that the account has been granted access to the model in AWS_REGION";
  if (name === 'UnrecognizedClientException' || name === 'ExpiredTokenException' || status === 401)
    return 'check the AWS credentials';
  if (name === 'ResourceNotFoundException') return 'check the DRAMAFORGE_BEDROCK_* model ids and AWS_REGION';
  return undefined;
}

/**
 * An AWS SDK error from Bedrock or Polly as the pipeline names it, with what AWS answered as its
 * cause. Bedrock reports a content-filter block as a ValidationException whose message says so.
 */
export function awsProviderFailure(provider: string, error: unknown): unknown {
  if (error instanceof DramaforgeError) return error;
  const failure = error as AwsError;
  const status = failure.$metadata?.httpStatusCode ?? 0;
  const cause = providerAnswer(
    provider,
    status || undefined,
    { code: failure.name, message: failure.message ?? '' },
    hintFor(failure.name, status),
  );
  const detail = describeCause(cause);
  const named = <E extends DramaforgeError>(refusal: E) => causedBy(refusal, cause);
  if (/content filter|blocked by our content|responsible ai|guardrail/i.test(failure.message ?? ''))
    return named(new ProviderContentFiltered(detail));
  if (failure.name === 'ServiceQuotaExceededException') return named(new ProviderQuotaExceeded(detail));
  if (
    failure.name === 'ThrottlingException' ||
    failure.name === 'TooManyRequestsException' ||
    failure.$retryable?.throttling ||
    status === 429
  ) {
    return named(new ProviderThrottled(detail));
  }
  if (failure.name === 'ModelTimeoutException' || failure.name === 'TimeoutError' || status === 408)
    return named(new ProviderTimeout(detail));
  if (
    status >= 500 ||
    [
      'ServiceUnavailableException',
      'InternalServerException',
      'ModelNotReadyException',
      'ServiceFailureException',
    ].includes(failure.name ?? '')
  ) {
    return named(new ProviderUnavailable(detail));
  }
  if (status >= 400) return named(new ProviderRejected(detail));
  // No HTTP answer at all: a connection refused before sending, or dropped after it.
  if (connectionCode(error)) return connectionFailure(provider, error);
  return error;
}
