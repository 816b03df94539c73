import { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { awsProviderFailure } from '../../../../../lambdas/adapters/providers/bedrock/bedrock-failures.js';
import { providerFailure } from '../../../../../lambdas/adapters/providers/openai-compatible/openai-failures.js';
import type { DramaforgeError, ProviderUnavailable } from '../../../../../lambdas/core/contracts/errors.js';
import { describeCause, withoutSecrets } from '../../../../../lambdas/core/contracts/failure-cause.js';
import { budgetExceeded } from '../../../../../lambdas/core/domain/ledger.js';
import { failureFromHttpResponse } from '../../../../../lambdas/core/domain/provider-failures.js';

describe('a failure carries its cause as data beside its name', () => {
  it("an OpenAI-compatible 401 keeps its name for the state machine and says the status, the code, the provider's words without the key, and what to check", () => {
    // Prepare: the error the openai client throws for OpenAI's answer to a wrong key
    const body = {
      message:
        'Incorrect API key provided: sk-proj-********************abcd. You can find your API key at https://platform.openai.com/account/api-keys.',
      type: 'invalid_request_error',
      code: 'invalid_api_key',
    };
    const thrown = APIError.generate(401, { error: body }, undefined, new Headers());

    // Act
    const failure = providerFailure('openai-compatible', thrown) as DramaforgeError;

    // Assess
    expect(failure.name).toBe('ProviderRejected');
    expect(failure.failureCause).toMatchObject({
      kind: 'provider',
      provider: 'openai-compatible',
      status: 401,
      code: 'invalid_api_key',
    });
    expect(failure.failureCause?.kind === 'provider' && failure.failureCause.hint).toMatch(/^check OPENAI_API_KEY/);
    expect(failure.message).toMatch(
      /^openai-compatible answered 401 invalid_api_key: Incorrect API key provided: \[redacted\]\. /,
    );
    expect(failure.message).not.toMatch(/abcd|sk-proj/);
  });

  it('every HTTP failure a profile maps keeps its Retry and Catch name and carries the status it answered with', () => {
    // Prepare
    const answers = [429, 503, 504, 400].map(
      (status) => [status, `{"error":{"code":"c${status}","message":"m${status}"}}`] as const,
    );

    // Act
    const failures = answers.map(([status, body]) =>
      failureFromHttpResponse('sync-so', status, { 'retry-after': '2' }, body),
    );

    // Assess
    expect(failures.map((failure) => failure.name)).toEqual([
      'ProviderThrottled',
      'ProviderUnavailable',
      'ProviderTimeout',
      'ProviderRejected',
    ]);
    expect(failures.map((failure) => failure.message)).toEqual([
      'sync-so answered 429 c429: m429',
      'sync-so answered 503 c503: m503',
      'sync-so answered 504 c504: m504',
      'sync-so answered 400 c400: m400',
    ]);
  });

  it("Bedrock's AccessDeniedException names the role and model access to check", () => {
    // Prepare
    const thrown = Object.assign(new Error('You do not have access to the model with the specified model ID.'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
    });

    // Act
    const failure = awsProviderFailure('bedrock', thrown) as DramaforgeError;

    // Assess
    expect(failure.name).toBe('ProviderRejected');
    expect(describeCause({ ...failure.failureCause!, stage: 'keyframe', subject: 'ep01/s02' })).toBe(
      "ep01/s02 keyframe: bedrock answered 403 AccessDeniedException: You do not have access to the model with the specified model ID. (check the function's role, and that the account has been granted access to the model in AWS_REGION)",
    );
  });

  it('a Bedrock call whose connection dropped after sending is unanswered, and one that never connected is not', () => {
    // Prepare: the errors Node's sockets give the AWS SDK, which has no HTTP status for them
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' });

    // Act
    const afterReset = awsProviderFailure('bedrock', reset) as ProviderUnavailable;
    const afterRefusal = awsProviderFailure('bedrock', refused) as ProviderUnavailable;

    // Assess
    expect([afterReset.name, afterReset.unanswered, afterReset.message]).toEqual([
      'ProviderUnavailable',
      true,
      'bedrock closed the connection before answering: ECONNRESET',
    ]);
    expect([afterRefusal.name, afterRefusal.unanswered]).toEqual(['ProviderUnavailable', false]);
  });

  it('a refused reservation says how much was spent and held of the budget, before which stage, and what the call needed', () => {
    // Prepare
    const state = { budgetUsd: 1, spentUsd: 0.75, unconfirmedUsd: 0.25, reservedUsd: 0, availableUsd: 0 };

    // Act
    const refusal = budgetExceeded('reference-sheet', 0.0837, state);
    const inFlight = budgetExceeded(
      'keyframe',
      0.04,
      { ...state, spentUsd: 0.5, reservedUsd: 0.25 },
      { productionId: 'unit-series', episodeId: 'ep01', sceneId: 's03' },
    );

    // Assess
    expect(refusal.name).toBe('BudgetExceeded');
    expect(describeCause(refusal.failureCause!)).toBe(
      'stopped at the budget: $1.00 spent of $1.00 before the reference sheets (the next call needs up to $0.0837)',
    );
    expect(describeCause(inFlight.failureCause!)).toBe(
      "stopped at the budget: $0.75 spent, $0.25 held by calls in flight, of $1.00 before the keyframes (ep01/s03's call needs up to $0.0400)",
    );
  });

  it('takes keys and tokens out of what a provider said', () => {
    // Prepare
    const said = 'key sk-abc123def456 rejected; header was Bearer eyJhbGciOi.payload.sig and key_live_9f8e7d6c';

    // Act
    const cleaned = withoutSecrets(said);

    // Assess
    expect(cleaned).toBe('key [redacted] rejected; header was Bearer [redacted] and [redacted]');
  });
});
