import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { DynamoTokenBucket } from '../adapters/aws/token-bucket.js';
import { CameraMotionVideoModel } from '../adapters/providers/offline/camera-motion-video-model.js';
import { EspeakSpeechModel } from '../adapters/providers/offline/espeak-speech-model.js';
import { OfflineEpisodeDeveloper } from '../adapters/providers/offline/offline-episode-developer.js';
import { StoryboardImageModel } from '../adapters/providers/offline/offline-image-model.js';
import { OfflineScriptWriter } from '../adapters/providers/offline/offline-script-writer.js';
import { PaintedLipSyncModel } from '../adapters/providers/offline/painted-lip-sync-model.js';
import { PhrasebookTranslator } from '../adapters/providers/offline/phrasebook-translator.js';
import { PixelConsistencyScorer } from '../adapters/providers/offline/pixel-consistency.js';
import {
  PROCEDURAL_MUSIC_MODEL,
  PROCEDURAL_MUSIC_PROVIDER,
  ProceduralMusicModel,
} from '../adapters/providers/offline/procedural-music-model.js';
import type { Bound, BoundProviders } from '../core/contracts/bound-providers.js';
import { processEnvironment } from '../core/contracts/environment.js';
import { ProviderNotConfigured } from '../core/contracts/errors.js';
import type { AsyncLipSyncModel, LineTranslator, LipSyncMode, LipSyncModel } from '../core/contracts/ports.js';
import type {
  ProviderProfile,
  ProviderProfileContext,
  ProviderProfileFactory,
  VideoPolling,
} from '../core/contracts/provider-profile.js';
import type { Manifest } from '../core/manifest/schema.js';
import {
  lipSyncModel,
  lipSyncProvider,
  lipSyncProviderProblem,
  MAX_BILLED_CALLS,
  MODEL_ROLES,
  type ModelRole,
  type ProfileName,
  profileProblem,
  rateLimitsFromEnv,
  roleRoute,
  transcriptionRung,
  videoPollSettings,
} from './provider-config.js';
import { ProviderGuard } from './resilience/provider-guard.js';
import type { Rung } from './routing/route.js';
import {
  RoutedConsistencyScorer,
  RoutedEpisodeDeveloper,
  RoutedImageModel,
  RoutedLineTranslator,
  RoutedSpeechModel,
  RoutedTextModel,
} from './routing/routed-ports.js';

type RealProfileName = Exclude<ProfileName, 'offline'>;

/**
 * Each real profile's module, imported on first use: a function serving offline manifests
 * never loads the openai client or the Bedrock SDK, and one serving bedrock never loads openai.
 */
const PROFILE_MODULES: Record<RealProfileName, () => Promise<{ createProfile: ProviderProfileFactory }>> = {
  'openai-compatible': () => import('../adapters/providers/openai-compatible/profile.js'),
  bedrock: () => import('../adapters/providers/bedrock/profile.js'),
};

/** sync.so serves lip-sync only: its module is imported when a manifest routes lip-sync to it. */
const loadSyncSo = () => import('../adapters/providers/sync-so/lip-sync.js');

/** What real providers need from the running stage: the table for the shared rate limit, the bucket for video output and shared inputs. */
export interface ProviderEnvironment {
  env: NodeJS.ProcessEnv;
  dynamo: DynamoDBDocumentClient;
  tableName: string;
  bucket: string;
  s3: S3Client;
}

/** How long a provider that fetches its inputs by URL may take to start fetching them. */
const SHARED_OBJECT_SECONDS = 3600;

let offline: (BoundProviders & { lipSync: Bound<LipSyncModel> }) | undefined;

function offlineProviders(): BoundProviders & { lipSync: Bound<LipSyncModel> } {
  offline ??= {
    text: { port: new OfflineScriptWriter(), provider: 'offline', model: 'phrasebook-v1' },
    development: { port: new OfflineEpisodeDeveloper(), provider: 'offline', model: 'phrasebook-v1' },
    translation: { port: new PhrasebookTranslator(), provider: 'offline', model: 'phrasebook-v1' },
    image: { port: new StoryboardImageModel(), provider: 'offline', model: 'storyboard-v1' },
    consistency: { port: new PixelConsistencyScorer(), provider: 'offline', model: 'pixel-similarity-v1' },
    speech: { port: new EspeakSpeechModel(), provider: 'offline', model: 'espeak-ng' },
    video: { port: new CameraMotionVideoModel(), provider: 'offline', model: 'camera-motion-v1' },
    lipSync: { port: new PaintedLipSyncModel(), provider: 'offline', model: 'painted-mouths-v1' },
    music: { port: new ProceduralMusicModel(), provider: PROCEDURAL_MUSIC_PROVIDER, model: PROCEDURAL_MUSIC_MODEL },
  };
  return offline;
}

/**
 * The real providers of one process: one guard (bulkhead, breaker, retry) per provider,
 * sharing one rate limiter, and each profile's ports built once its module has loaded.
 */
class RealProviders {
  private readonly guards = new Map<string, ProviderGuard>();
  private readonly profiles = new Map<RealProfileName, Promise<ProviderProfile>>();
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

  get context(): ProviderProfileContext {
    const { env, bucket, s3 } = this.environment;
    return {
      env,
      guard: (provider: string) => this.guard(provider),
      bucket,
      shareObject: (key) =>
        getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: SHARED_OBJECT_SECONDS }),
    };
  }

  profile(name: RealProfileName): Promise<ProviderProfile> {
    let profile = this.profiles.get(name);
    if (!profile) {
      const context = this.context;
      profile = PROFILE_MODULES[name]().then((module) => module.createProfile(context));
      this.profiles.set(name, profile);
    }
    return profile;
  }
}

let real: { environment: ProviderEnvironment; providers: RealProviders } | undefined;

function realProviders(environment: ProviderEnvironment): RealProviders {
  if (real?.environment !== environment) real = { environment, providers: new RealProviders(environment) };
  return real.providers;
}

function realProfile(environment: ProviderEnvironment | undefined, profile: RealProfileName): Promise<ProviderProfile> {
  if (!environment) throw new ProviderNotConfigured(`the "${profile}" profile needs the stage's table and bucket`);
  const problem = profileProblem(profile, environment.env);
  if (problem) throw new ProviderNotConfigured(`the "${profile}" provider profile is not configured: ${problem}`);
  return realProviders(environment).profile(profile);
}

/** The lip-sync model a manifest's mode and route ask for: offline, its gateway's, or sync.so's. */
async function bindLipSync(
  settings: Manifest['providers'],
  mode: LipSyncMode,
  environment: ProviderEnvironment | undefined,
  profiles: Map<ProfileName, ProviderProfile>,
  polling: VideoPolling,
): Promise<Bound<LipSyncModel | AsyncLipSyncModel>> {
  const provider = lipSyncProvider(settings);
  const env = environment?.env ?? processEnvironment();
  const model = lipSyncModel(provider, mode, env);
  if (provider === 'offline') return offlineProviders().lipSync;
  if (provider === 'openai-compatible') {
    const profile = profiles.get(provider) ?? (await realProfile(environment, provider));
    return { port: profile.lipSync!(model, polling), provider, model };
  }
  if (!environment) throw new ProviderNotConfigured("sync.so lip-sync needs the stage's table and bucket");
  const problem = lipSyncProviderProblem(provider, env);
  if (problem) throw new ProviderNotConfigured(`sync.so is not configured: ${problem}`);
  const { createLipSyncModel } = await loadSyncSo();
  return { port: createLipSyncModel(realProviders(environment).context, model, polling), provider, model };
}

/** Every real profile a manifest's routes use, loaded: the ports are then built without waiting. */
async function loadProfiles(
  profiles: Iterable<ProfileName>,
  environment: ProviderEnvironment | undefined,
): Promise<Map<ProfileName, ProviderProfile>> {
  const real = [...new Set(profiles)].filter((name): name is RealProfileName => name !== 'offline');
  const loaded = await Promise.all(real.map(async (name) => [name, await realProfile(environment, name)] as const));
  return new Map(loaded);
}

function bindRoute<Port>(
  stage: ModelRole,
  settings: Manifest['providers'],
  env: Record<string, string | undefined>,
  profiles: Map<ProfileName, ProviderProfile>,
  offlinePort: Bound<Port>,
  build: (profile: ProviderProfile, model: string) => Port,
  routed: (ladders: Rung<Port>[][]) => Port,
): Bound<Port> {
  const specs = roleRoute(settings, stage, env);
  if (specs.length === 1 && specs[0]![0]!.provider === 'offline') return offlinePort;
  const ladders = specs.map((ladder) =>
    ladder.map((rung) => ({ ...rung, port: build(profiles.get(rung.provider)!, rung.model) })),
  );
  const all = specs.flat();
  return {
    port: routed(ladders),
    provider: all[0]!.provider,
    model: specs.map((ladder) => ladder.map((rung) => rung.model).join('>')).join('|'),
    serving: all.map((rung) => ({
      provider: rung.provider,
      model: rung.model,
      maxBilledCalls: MAX_BILLED_CALLS[stage],
    })),
  };
}

/** Validation refuses dubs routed to a profile without a translator (none today); this only answers a manifest that skipped it. */
function untranslatable(model: string): LineTranslator {
  const refuse = () =>
    Promise.reject(new ProviderNotConfigured(`${model} cannot translate a dub: its profile has no translator yet`));
  return { translateLine: refuse, translateTitle: refuse, translateListing: refuse };
}

/**
 * The providers a manifest asks for: its profile, with per-stage overrides, routed by provider-config.ts,
 * and a lip-sync model when the manifest sets a lip-sync mode.
 */
export async function providersFor(
  settings: Manifest['providers'],
  environment?: ProviderEnvironment,
  lipSyncMode?: LipSyncMode,
): Promise<BoundProviders> {
  const env = environment?.env ?? processEnvironment();
  const base = offlineProviders();
  const videoRung = roleRoute(settings, 'video', env)[0]![0]!;
  // Not routed: a line whose transcription fails keeps the timing of its whole audio, so there is nothing to fail over to.
  const transcription = transcriptionRung(settings, env);
  const routedProfiles = MODEL_ROLES.flatMap((stage) =>
    roleRoute(settings, stage, env)
      .flat()
      .map((rung) => rung.provider),
  );
  const profiles = await loadProfiles(
    [...routedProfiles, ...(transcription ? [transcription.provider] : [])],
    environment,
  );
  const transcriber = transcription && profiles.get(transcription.provider)?.transcriber;
  if (transcription && !transcriber)
    throw new ProviderNotConfigured(
      `the "${transcription.provider}" profile has no speech-to-text for subtitle timing`,
    );
  return {
    // No real profile offers a music model: every profile lays the offline bed, at $0 (docs/audio-and-qa.md).
    music: base.music,
    text: bindRoute(
      'script',
      settings,
      env,
      profiles,
      base.text,
      (p, model) => p.text(model),
      (l) => new RoutedTextModel(l),
    ),
    development: bindRoute(
      'script',
      settings,
      env,
      profiles,
      base.development,
      (p, model) => p.developer(model),
      (l) => new RoutedEpisodeDeveloper(l),
    ),
    translation: bindRoute(
      'script',
      settings,
      env,
      profiles,
      base.translation,
      (p, model) => p.translator?.(model) ?? untranslatable(model),
      (l) => new RoutedLineTranslator(l),
    ),
    image: bindRoute(
      'image',
      settings,
      env,
      profiles,
      base.image,
      (p, model) => p.image(model),
      (l) => new RoutedImageModel(l),
    ),
    consistency: bindRoute(
      'consistency',
      settings,
      env,
      profiles,
      base.consistency,
      (p, model) => p.consistency(model),
      (l) => new RoutedConsistencyScorer(l),
    ),
    speech: bindRoute(
      'speech',
      settings,
      env,
      profiles,
      base.speech,
      (p, model) => p.speech(model),
      (l) => new RoutedSpeechModel(l),
    ),
    video:
      videoRung.provider === 'offline'
        ? base.video
        : {
            port: profiles.get(videoRung.provider)!.video(videoRung.model, videoPollSettings(env)),
            provider: videoRung.provider,
            model: videoRung.model,
          },
    ...(lipSyncMode && {
      lipSync: await bindLipSync(settings, lipSyncMode, environment, profiles, videoPollSettings(env)),
    }),
    ...(transcription &&
      transcriber && {
        transcription: {
          port: transcriber(transcription.model),
          provider: transcription.provider,
          model: transcription.model,
        },
      }),
  };
}
