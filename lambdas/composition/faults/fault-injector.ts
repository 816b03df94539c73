import { createHash } from 'node:crypto';
import type { IPolicy } from 'cockatiel';
import type { BoundPorts, BoundProviders, ProviderPort } from '../../core/contracts/bound-providers.js';
import { ProviderTimeout } from '../../core/contracts/errors.js';
import { type CallOptions, type ClipRequest, isAsyncVideoModel } from '../../core/contracts/ports.js';
import type { ProviderRole } from '../../core/contracts/provider-profiles.js';
import { failureFromHttpResponse, malformedBodyFailure } from '../../core/domain/provider-failures.js';
import { DEFAULT_GUARD_SETTINGS, type GuardSettings, inProcessRetry } from '../resilience/provider-guard.js';
import { FAULT_KINDS, type FaultKind, type FaultPlan } from './fault-plan.js';

/** One fault the injector made a call fail with: its role, kind, and the idempotency key the call was sent. */
export interface InjectedFault {
  role: ProviderRole;
  operation: string;
  provider: string;
  kind: FaultKind;
  idempotencyKey?: string;
}

function withBuffersHashed(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return `sha256:${createHash('sha256').update(value).digest('hex')}`;
  if (Array.isArray(value)) return value.map(withBuffersHashed);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, withBuffersHashed(inner)]));
  return value;
}

/** A stable fingerprint of a request; buffers count by their hash so large images stay cheap to key. */
function fingerprint(request: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(withBuffersHashed(request)))
    .digest('hex');
}

function uniform(...parts: (string | number)[]): number {
  return createHash('sha256').update(parts.join('\u0000')).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * Decides, deterministically for the plan's seed, whether a provider call fails and how.
 * The n-th attempt of the same request draws a fresh number, so a retried call can pass.
 *
 * A real provider's failure happens inside the adapter's guard, which retries it in process
 * before the workflow's Retry sees it. The injector wraps the ports, outside every guard, so it
 * retries the faults it injects with the guard's own retry policy: otherwise every injected fault
 * costs a retry of the workflow's Task, and a Task that makes many calls (Render keyframes: a
 * keyframe and a score per character, up to three times) runs out of the Task's retries, which
 * all its calls share. Only injected faults are retried here, so a real provider's failure is not
 * retried twice.
 */
export class FaultInjector {
  private readonly attempts = new Map<string, number>();
  private readonly madeHere = new WeakSet<Error>();
  private readonly retries: IPolicy;

  constructor(
    private readonly plan: FaultPlan,
    private readonly onFault: (fault: InjectedFault) => void = () => undefined,
    retrySettings: GuardSettings = DEFAULT_GUARD_SETTINGS,
  ) {
    this.retries = inProcessRetry(retrySettings, (error) => error instanceof Error && this.madeHere.has(error));
  }

  decide(role: ProviderRole, operation: string, request: unknown): FaultKind | undefined {
    const key = `${role}:${operation}:${fingerprint(request)}`;
    const attempt = this.attempts.get(key) ?? 0;
    this.attempts.set(key, attempt + 1);
    const draw = uniform(this.plan.seed, key, attempt);
    let threshold = 0;
    for (const kind of FAULT_KINDS) {
      threshold += this.plan.rates[role][kind];
      if (draw < threshold) return kind;
    }
    return undefined;
  }

  /** The error a real provider's failure of this kind turns into, through the same mapping the HTTP clients use. */
  failure(kind: FaultKind, provider: string, request: unknown): Error {
    const draw = uniform(this.plan.seed, 'shape', fingerprint(request));
    switch (kind) {
      case 'throttle':
        return failureFromHttpResponse(
          provider,
          429,
          { 'retry-after': String(1 + Math.floor(draw * 3)) },
          '{"error":{"type":"rate_limit_exceeded","message":"Rate limit reached"}}',
        );
      case 'error':
        return failureFromHttpResponse(
          provider,
          [500, 502, 503][Math.floor(draw * 3)]!,
          {},
          '{"error":{"type":"server_error","message":"The server had an error"}}',
        );
      case 'timeout':
        return new ProviderTimeout(`${provider} did not answer within the request timeout`);
      case 'malformed':
        return malformedBodyFailure(
          provider,
          '{"id":"resp_8f2a","choices":[{"message":{"content":"',
          'Unexpected end of JSON input',
        );
    }
  }

  wrap<Args extends unknown[], Result>(
    role: ProviderRole,
    operation: string,
    provider: string,
    call: (...args: Args) => Promise<Result>,
  ) {
    return (...args: Args): Promise<Result> =>
      this.retries.execute(async () => {
        const kind = this.decide(role, operation, args);
        if (!kind) return call(...args);
        if (kind === 'timeout') await new Promise((resolve) => setTimeout(resolve, 20));
        const failure = this.failure(kind, provider, args);
        this.madeHere.add(failure);
        const idempotencyKey = (args[1] as CallOptions | undefined)?.idempotencyKey;
        this.onFault({ role, operation, provider, kind, ...(idempotencyKey && { idempotencyKey }) });
        throw failure;
      });
  }
}

/**
 * How each port's calls pass through the injector. The offline bed is the only music model and runs
 * in our own process, so there is no provider to fail; lip-sync has no role to inject faults by.
 */
const WITH_FAULTS: {
  readonly [Port in ProviderPort]: (
    bound: NonNullable<BoundProviders[Port]>,
    injector: FaultInjector,
  ) => NonNullable<BoundProviders[Port]>;
} = {
  music: (music) => music,
  lipSync: (lipSync) => lipSync,
  text: (text, injector) => ({
    ...text,
    port: {
      writeScene: injector.wrap('script', 'writeScene', text.provider, (r, o?: CallOptions) =>
        text.port.writeScene(r, o),
      ),
      writeListing: injector.wrap('script', 'writeListing', text.provider, (r, o?: CallOptions) =>
        text.port.writeListing(r, o),
      ),
    },
  }),
  development: (development, injector) => ({
    ...development,
    port: {
      developPart: injector.wrap('script', 'developPart', development.provider, (r, o?: CallOptions) =>
        development.port.developPart(r, o),
      ),
    },
  }),
  translation: (translation, injector) => ({
    ...translation,
    port: {
      translateLine: injector.wrap('script', 'translateLine', translation.provider, (r, o?: CallOptions) =>
        translation.port.translateLine(r, o),
      ),
      translateTitle: injector.wrap('script', 'translateTitle', translation.provider, (r, o?: CallOptions) =>
        translation.port.translateTitle(r, o),
      ),
      translateListing: injector.wrap('script', 'translateListing', translation.provider, (r, o?: CallOptions) =>
        translation.port.translateListing(r, o),
      ),
    },
  }),
  image: (image, injector) => ({
    ...image,
    port: {
      drawReferenceSheet: injector.wrap('image', 'drawReferenceSheet', image.provider, (r, o?: CallOptions) =>
        image.port.drawReferenceSheet(r, o),
      ),
      drawKeyframe: injector.wrap('image', 'drawKeyframe', image.provider, (r, o?: CallOptions) =>
        image.port.drawKeyframe(r, o),
      ),
    },
  }),
  consistency: (consistency, injector) => ({
    ...consistency,
    port: {
      defaultThreshold: consistency.port.defaultThreshold,
      score: injector.wrap('image', 'score', consistency.provider, (r, o?: CallOptions) =>
        consistency.port.score(r, o),
      ),
    },
  }),
  speech: (speech, injector) => ({
    ...speech,
    port: {
      speak: injector.wrap('speech', 'speak', speech.provider, (r, o?: CallOptions) => speech.port.speak(r, o)),
    },
  }),
  video: (video, injector) => {
    const videoPort = video.port;
    return {
      ...video,
      port: isAsyncVideoModel(videoPort)
        ? {
            pollIntervalSeconds: videoPort.pollIntervalSeconds,
            maxPolls: videoPort.maxPolls,
            startClip: injector.wrap('video', 'startClip', video.provider, (r, o?: CallOptions) =>
              videoPort.startClip(r, o),
            ),
            pollClip: injector.wrap('video', 'pollClip', video.provider, (id: string, r: ClipRequest) =>
              videoPort.pollClip(id, r),
            ),
          }
        : {
            renderClip: injector.wrap('video', 'renderClip', video.provider, (r, o?: CallOptions) =>
              videoPort.renderClip(r, o),
            ),
          },
    };
  },
  transcription: (transcription, injector) => ({
    ...transcription,
    port: {
      transcribe: injector.wrap('speech', 'transcribe', transcription.provider, (r, o?: CallOptions) =>
        transcription.port.transcribe(r, o),
      ),
    },
  }),
};

function portWithFaults<Port extends ProviderPort>(
  port: Port,
  bound: NonNullable<BoundProviders[Port]>,
  injector: FaultInjector,
): NonNullable<BoundProviders[Port]> {
  return WITH_FAULTS[port](bound, injector);
}

/** The same providers, each call of each bound port first passing through the injector. */
export function withFaults<Ports extends ProviderPort>(
  providers: BoundPorts<Ports>,
  injector: FaultInjector,
): BoundPorts<Ports> {
  const bound = Object.entries(providers) as [Ports, NonNullable<BoundProviders[Ports]>][];
  return Object.fromEntries(
    bound.map(([port, value]) => [port, portWithFaults(port, value, injector)]),
  ) as BoundPorts<Ports>;
}
