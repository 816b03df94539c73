import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { DynamoTokenBucket } from '../adapters/aws/token-bucket.js';
import { ProviderNotConfigured } from '../core/contracts/errors.js';
import type {
  ProviderProfile,
  ProviderProfileContext,
  ProviderProfileFactory,
} from '../core/contracts/provider-profile.js';
import { type ProfileName, profileProblem, rateLimitsFromEnv } from './provider-config.js';
import { ProviderGuard } from './resilience/provider-guard.js';

/*
 * The real providers' side of the registry, imported with the first manifest that routes to a real
 * profile: a function serving offline manifests loads neither the guards (cockatiel), the shared rate
 * limiter nor the presigner at cold start.
 */

export type RealProfileName = Exclude<ProfileName, 'offline'>;

/** What real providers need from the running stage: the table for the shared rate limit, the bucket for video output and shared inputs. */
export interface ProviderEnvironment {
  env: NodeJS.ProcessEnv;
  dynamo: DynamoDBDocumentClient;
  tableName: string;
  bucket: string;
  s3: S3Client;
}

/**
 * Each real profile's module, imported on first use: a function serving offline manifests
 * never loads the openai client or the Bedrock SDK, and one serving bedrock never loads openai.
 */
const PROFILE_MODULES: Record<RealProfileName, () => Promise<{ createProfile: ProviderProfileFactory }>> = {
  'openai-compatible': () => import('../adapters/providers/openai-compatible/profile.js'),
  bedrock: () => import('../adapters/providers/bedrock/profile.js'),
};

/** sync.so serves lip-sync only: its module is imported when a manifest routes lip-sync to it. */
export const loadSyncSo = () => import('../adapters/providers/sync-so/lip-sync.js');

/** How long a provider that fetches its inputs by URL may take to start fetching them. */
const SHARED_OBJECT_SECONDS = 3600;

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

export function realProviders(environment: ProviderEnvironment): RealProviders {
  if (real?.environment !== environment) real = { environment, providers: new RealProviders(environment) };
  return real.providers;
}

export function realProfile(
  environment: ProviderEnvironment | undefined,
  profile: RealProfileName,
): Promise<ProviderProfile> {
  if (!environment) throw new ProviderNotConfigured(`the "${profile}" profile needs the stage's table and bucket`);
  const problem = profileProblem(profile, environment.env);
  if (problem) throw new ProviderNotConfigured(`the "${profile}" provider profile is not configured: ${problem}`);
  return realProviders(environment).profile(profile);
}
