import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { PollyClient } from '@aws-sdk/client-polly';
import { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ProviderNotConfigured } from '../core/errors.js';
import type { Manifest } from '../core/manifest/schema.js';
import { BEDROCK } from '../adapters/providers/bedrock/aws-call.js';
import { ConverseScriptWriter } from '../adapters/providers/bedrock/converse-script-writer.js';
import { NovaCanvasImageModel } from '../adapters/providers/bedrock/nova-canvas-image-model.js';
import { NovaReelVideoModel } from '../adapters/providers/bedrock/nova-reel-video-model.js';
import { PollySpeechModel } from '../adapters/providers/bedrock/polly-speech-model.js';
import { TitanEmbeddingConsistencyScorer } from '../adapters/providers/bedrock/titan-embedding-consistency.js';
import { CameraMotionVideoModel } from '../adapters/providers/offline/camera-motion-video-model.js';
import { EspeakSpeechModel } from '../adapters/providers/offline/espeak-speech-model.js';
import { OfflineScriptWriter } from '../adapters/providers/offline/offline-script-writer.js';
import { StoryboardImageModel } from '../adapters/providers/offline/offline-image-model.js';
import { PixelConsistencyScorer } from '../adapters/providers/offline/pixel-consistency.js';
import { ChatScriptWriter } from '../adapters/providers/openai-compatible/chat-script-writer.js';
import { OPENAI_COMPATIBLE, OpenAiConnection, openAiSettingsFromEnv } from '../adapters/providers/openai-compatible/connection.js';
import { OpenAiImageModel } from '../adapters/providers/openai-compatible/image-model.js';
import { OpenAiSpeechModel } from '../adapters/providers/openai-compatible/speech-model.js';
import { OpenAiTranscriber } from '../adapters/providers/openai-compatible/transcriber.js';
import { OpenAiVideoModel } from '../adapters/providers/openai-compatible/video-model.js';
import { VisionConsistencyScorer } from '../adapters/providers/openai-compatible/vision-consistency.js';
import type { AsyncVideoModel, ConsistencyScorer, ImageModel, SpeechModel, SpeechTranscriber, TextModel } from '../core/ports.js';
import type { Bound, BoundProviders } from '../core/bound-providers.js';
import {
  MAX_BILLED_CALLS,
  profileProblem,
  rateLimitsFromEnv,
  stageRoute,
  transcriptionRung,
  videoPollSettings,
  type ProfileName,
  type RoutedStage,
  type RungSpec,
} from './provider-config.js';
import { ProviderGuard } from './resilience/provider-guard.js';
import { DynamoTokenBucket } from './resilience/token-bucket.js';
import type { Rung } from './routing/route.js';
import { RoutedConsistencyScorer, RoutedImageModel, RoutedSpeechModel, RoutedTextModel } from './routing/routed-ports.js';
import { processEnvironment } from '../core/environment.js';

/** What real providers need from the running stage: the table for the shared rate limit, the bucket for video output. */
export interface ProviderEnvironment {
  env: NodeJS.ProcessEnv;
  dynamo: DynamoDBDocumentClient;
  tableName: string;
  bucket: string;
}

let offline: BoundProviders | undefined;

function offlineProviders(): BoundProviders {
  offline ??= {
    text: { port: new OfflineScriptWriter(), provider: 'offline', model: 'phrasebook-v1' },
    image: { port: new StoryboardImageModel(), provider: 'offline', model: 'storyboard-v1' },
    consistency: { port: new PixelConsistencyScorer(), provider: 'offline', model: 'pixel-similarity-v1' },
    speech: { port: new EspeakSpeechModel(), provider: 'offline', model: 'espeak-ng' },
    video: { port: new CameraMotionVideoModel(), provider: 'offline', model: 'camera-motion-v1' },
  };
  return offline;
}

/**
 * The real providers of one process: one guard (bulkhead, breaker, retry) per
 * provider, one openai client, one set of AWS clients, all built on first use.
 */
class RealProviders {
  private readonly guards = new Map<string, ProviderGuard>();
  private openAi?: OpenAiConnection;
  private bedrockClient?: BedrockRuntimeClient;
  private pollyClient?: PollyClient;
  private s3Client?: S3Client;
  private readonly rateLimiter: DynamoTokenBucket;

  constructor(private readonly environment: ProviderEnvironment) {
    this.rateLimiter = new DynamoTokenBucket(environment.dynamo, environment.tableName, {
      limits: rateLimitsFromEnv(environment.env),
      maxWaitMs: 2_000,
    });
  }

  private guard(provider: string): ProviderGuard {
    let guard = this.guards.get(provider);
    if (!guard) {
      guard = new ProviderGuard(provider, this.rateLimiter);
      this.guards.set(provider, guard);
    }
    return guard;
  }

  private connection(): OpenAiConnection {
    this.openAi ??= new OpenAiConnection(openAiSettingsFromEnv(this.environment.env), this.guard(OPENAI_COMPATIBLE));
    return this.openAi;
  }

  private bedrock(): BedrockRuntimeClient {
    this.bedrockClient ??= new BedrockRuntimeClient({});
    return this.bedrockClient;
  }

  text(rung: RungSpec): TextModel {
    return rung.provider === BEDROCK ? new ConverseScriptWriter(this.bedrock(), this.guard(BEDROCK), rung.model) : new ChatScriptWriter(this.connection(), rung.model);
  }

  image(rung: RungSpec): ImageModel {
    return rung.provider === BEDROCK ? new NovaCanvasImageModel(this.bedrock(), this.guard(BEDROCK), rung.model) : new OpenAiImageModel(this.connection(), rung.model);
  }

  consistency(rung: RungSpec): ConsistencyScorer {
    return rung.provider === BEDROCK
      ? new TitanEmbeddingConsistencyScorer(this.bedrock(), this.guard(BEDROCK), rung.model)
      : new VisionConsistencyScorer(this.connection(), rung.model);
  }

  speech(rung: RungSpec): SpeechModel {
    if (rung.provider === BEDROCK) {
      this.pollyClient ??= new PollyClient({});
      return new PollySpeechModel(this.pollyClient, this.guard(BEDROCK));
    }
    return new OpenAiSpeechModel(this.connection(), rung.model);
  }

  transcriber(rung: RungSpec): SpeechTranscriber {
    return new OpenAiTranscriber(this.connection(), rung.model);
  }

  video(rung: RungSpec): AsyncVideoModel {
    const { pollIntervalSeconds, maxPolls } = videoPollSettings(this.environment.env);
    if (rung.provider === BEDROCK) {
      this.s3Client ??= new S3Client({});
      return new NovaReelVideoModel(this.bedrock(), this.s3Client, this.guard(BEDROCK), rung.model, this.environment.bucket, pollIntervalSeconds, maxPolls);
    }
    return new OpenAiVideoModel(this.connection(), rung.model, pollIntervalSeconds, maxPolls);
  }
}

let real: { environment: ProviderEnvironment; providers: RealProviders } | undefined;

function realProviders(environment: ProviderEnvironment | undefined, profile: ProfileName): RealProviders {
  if (!environment) throw new ProviderNotConfigured(`the "${profile}" profile needs the stage's table and bucket`);
  const problem = profileProblem(profile, environment.env);
  if (problem) throw new ProviderNotConfigured(`the "${profile}" provider profile is not configured: ${problem}`);
  if (real?.environment !== environment) real = { environment, providers: new RealProviders(environment) };
  return real.providers;
}

function bindRoute<Port>(
  stage: RoutedStage,
  settings: Manifest['providers'],
  environment: ProviderEnvironment | undefined,
  offlinePort: Bound<Port>,
  build: (providers: RealProviders, rung: RungSpec) => Port,
  routed: (ladders: Rung<Port>[][]) => Port,
): Bound<Port> {
  const specs = stageRoute(settings, stage, environment?.env ?? processEnvironment());
  if (specs.length === 1 && specs[0]![0]!.provider === 'offline') return offlinePort;
  const ladders = specs.map((ladder) => ladder.map((rung) => ({ ...rung, port: build(realProviders(environment, rung.provider), rung) })));
  const all = specs.flat();
  return {
    port: routed(ladders),
    provider: all[0]!.provider,
    model: specs.map((ladder) => ladder.map((rung) => rung.model).join('>')).join('|'),
    serving: all.map((rung) => ({ provider: rung.provider, model: rung.model, maxBilledCalls: MAX_BILLED_CALLS[stage] })),
  };
}

/** The providers a manifest asks for: its profile, with per-stage overrides, routed by provider-config.ts. */
export function providersFor(settings: Manifest['providers'], environment?: ProviderEnvironment): BoundProviders {
  const base = offlineProviders();
  const videoRung = stageRoute(settings, 'video', environment?.env ?? processEnvironment())[0]![0]!;
  // Not routed: a line whose transcription fails keeps the timing of its whole audio, so there is nothing to fail over to.
  const transcription = transcriptionRung(settings, environment?.env ?? processEnvironment());
  return {
    text: bindRoute('script', settings, environment, base.text, (p, rung) => p.text(rung), (l) => new RoutedTextModel(l)),
    image: bindRoute('image', settings, environment, base.image, (p, rung) => p.image(rung), (l) => new RoutedImageModel(l)),
    consistency: bindRoute('consistency', settings, environment, base.consistency, (p, rung) => p.consistency(rung), (l) => new RoutedConsistencyScorer(l)),
    speech: bindRoute('speech', settings, environment, base.speech, (p, rung) => p.speech(rung), (l) => new RoutedSpeechModel(l)),
    video:
      videoRung.provider === 'offline'
        ? base.video
        : { port: realProviders(environment, videoRung.provider).video(videoRung), provider: videoRung.provider, model: videoRung.model },
    ...(transcription && {
      transcription: { port: realProviders(environment, transcription.provider).transcriber(transcription), provider: transcription.provider, model: transcription.model },
    }),
  };
}

export const AVAILABLE_PROFILES: readonly ProfileName[] = ['offline', 'openai-compatible', 'bedrock'];

/** Names every requested profile this environment cannot serve, as manifest problems. */
export function unavailableProfiles(settings: Manifest['providers'], env: NodeJS.ProcessEnv = processEnvironment()): { path: string; reason: string }[] {
  const problems: { path: string; reason: string }[] = [];
  const check = (path: string, profile: ProfileName | undefined) => {
    if (!profile) return;
    const problem = AVAILABLE_PROFILES.includes(profile) ? profileProblem(profile, env) : 'unknown profile';
    if (problem) problems.push({ path, reason: `the "${profile}" provider profile is not available in this environment: ${problem}` });
  };
  check('providers.profile', settings.profile);
  for (const [stage, profile] of Object.entries(settings.overrides ?? {})) check(`providers.overrides.${stage}`, profile);
  return problems;
}
