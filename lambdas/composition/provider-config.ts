import { openAiMissingSettings, openAiSettingsFromEnv } from '../adapters/providers/openai-compatible/settings.js';
import { syncSoMissingSettings, syncSoSettingsFromEnv } from '../adapters/providers/sync-so/settings.js';
import { processEnvironment } from '../core/contracts/environment.js';
import type { LipSyncMode, RateLimit } from '../core/contracts/ports.js';
import type { ProviderRole } from '../core/contracts/provider-profiles.js';
import type { LIP_SYNC_PROVIDERS, Manifest } from '../core/manifest/schema.js';
import { BEDROCK_DEFAULT_MODELS } from '../core/pricing/bedrock-defaults.js';
import { TIERS, type Tier } from './routing/route.js';

/**
 * Which models serve which role, per profile, from the environment: pure, so the
 * registry, the validator and `dramaforge estimate` read the same routes.
 */

export type ProfileName = Manifest['providers']['profile'];
export const MODEL_ROLES = ['script', 'image', 'consistency', 'speech', 'video'] as const;
export type ModelRole = (typeof MODEL_ROLES)[number];

export interface RungSpec {
  provider: ProfileName;
  model: string;
  tier: Tier;
  maxPromptTokens?: number;
}

/** The most billed calls one rung can make for one logical call (first try, repair prompt, content rewrite). */
export const MAX_BILLED_CALLS: Record<ModelRole, number> = {
  script: 3,
  image: 2,
  consistency: 2,
  speech: 2,
  video: 2,
};

const OFFLINE_MODELS: Record<ModelRole, string> = {
  script: 'phrasebook-v1',
  image: 'storyboard-v1',
  consistency: 'pixel-similarity-v1',
  speech: 'espeak-ng',
  video: 'camera-motion-v1',
};

/** Defaults: a DeepSeek draft, GPT-4.1 mini review and GPT-4.1 final behind one gateway; Bedrock's live models. */
const DEFAULT_MODELS: Record<'openai-compatible' | 'bedrock', Record<ModelRole, string>> = {
  'openai-compatible': {
    script: 'deepseek-chat,gpt-4.1-mini,gpt-4.1',
    image: 'gpt-image-1',
    consistency: 'gpt-4.1-mini',
    speech: 'tts-1',
    video: 'sora-2',
  },
  bedrock: BEDROCK_DEFAULT_MODELS,
};

const ENV_PREFIX: Record<'openai-compatible' | 'bedrock', string> = {
  'openai-compatible': 'DRAMAFORGE_OPENAI',
  bedrock: 'DRAMAFORGE_BEDROCK',
};

/** Prompts longer than this (estimated tokens) skip the draft rung. */
export const DEFAULT_DRAFT_MAX_PROMPT_TOKENS = 3_000;

/** `DRAMAFORGE_<PROFILE>_<STAGE>_MODELS`: comma-separated, draft first; one to three models. */
export function roleRungs(profile: ProfileName, role: ModelRole, env: NodeJS.ProcessEnv): RungSpec[] {
  if (profile === 'offline') return [{ provider: 'offline', model: OFFLINE_MODELS[role], tier: 'final' }];
  const configured = env[`${ENV_PREFIX[profile]}_${role.toUpperCase()}_MODELS`] ?? DEFAULT_MODELS[profile][role];
  const models = configured
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean)
    .slice(0, TIERS.length);
  const draftLimit = Number(env.DRAMAFORGE_DRAFT_MAX_PROMPT_TOKENS ?? DEFAULT_DRAFT_MAX_PROMPT_TOKENS);
  // A single model is the final tier; two are review and final; three are the whole ladder.
  const tiers = TIERS.slice(TIERS.length - models.length);
  return models.map((model, index) => ({
    provider: profile,
    model,
    tier: tiers[index]!,
    ...(role === 'script' && tiers[index] === 'draft' && models.length > 1 ? { maxPromptTokens: draftLimit } : {}),
  }));
}

/** `DRAMAFORGE_FAILOVER_PROFILES`: where a role goes when its profile is out of quota, failing or refuses content. */
export function failoverProfiles(env: NodeJS.ProcessEnv): ProfileName[] {
  return (env.DRAMAFORGE_FAILOVER_PROFILES ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p): p is 'openai-compatible' | 'bedrock' => p === 'openai-compatible' || p === 'bedrock');
}

const MANIFEST_ROLE: Record<ModelRole, ProviderRole> = {
  script: 'script',
  image: 'image',
  consistency: 'image',
  speech: 'speech',
  video: 'video',
};

/** The profile serving a role: the manifest's per-role override, else its profile. */
export function roleProfile(settings: Manifest['providers'], role: ModelRole): ProfileName {
  return settings.overrides?.[MANIFEST_ROLE[role]] ?? settings.profile;
}

/**
 * A role's ladders in failover order. Video is not failed over: an async job
 * belongs to the provider that accepted it, and the state machine retries the Task.
 */
export function roleRoute(settings: Manifest['providers'], role: ModelRole, env: NodeJS.ProcessEnv): RungSpec[][] {
  const primary = roleProfile(settings, role);
  const profiles =
    primary === 'offline' || role === 'video'
      ? [primary]
      : [primary, ...failoverProfiles(env).filter((p) => p !== primary)];
  return profiles.map((profile) => roleRungs(profile, role, env));
}

/** `DRAMAFORGE_SUBTITLE_TIMING`: how subtitle cues are timed where the speech model reports no word timings. */
const SUBTITLE_TIMINGS = ['audio', 'transcription'] as const;
export const DEFAULT_TRANSCRIPTION_MODEL = 'whisper-1';

/**
 * The model that times subtitles by transcribing each line's audio, or undefined when
 * cues span the audio. Only for speech served by openai-compatible: its audio speech
 * reports no word timings (Polly's speech marks do, espeak's scratch voice needs none).
 */
export function transcriptionRung(settings: Manifest['providers'], env: NodeJS.ProcessEnv): RungSpec | undefined {
  const timing = env.DRAMAFORGE_SUBTITLE_TIMING ?? 'audio';
  if (!(SUBTITLE_TIMINGS as readonly string[]).includes(timing)) {
    throw new Error(`DRAMAFORGE_SUBTITLE_TIMING: unknown value "${timing}" (use ${SUBTITLE_TIMINGS.join(' or ')})`);
  }
  if (timing !== 'transcription' || roleProfile(settings, 'speech') !== 'openai-compatible') return undefined;
  return {
    provider: 'openai-compatible',
    model: env.DRAMAFORGE_OPENAI_TRANSCRIPTION_MODEL ?? DEFAULT_TRANSCRIPTION_MODEL,
    tier: 'final',
  };
}

/** Why a profile cannot run in this environment, or undefined when it can. */
export function profileProblem(profile: ProfileName, env: NodeJS.ProcessEnv): string | undefined {
  if (profile === 'openai-compatible') return openAiMissingSettings(openAiSettingsFromEnv(env));
  if (profile === 'bedrock' && !(env.AWS_REGION ?? env.AWS_DEFAULT_REGION)) return 'AWS_REGION is not set';
  return undefined;
}

/** Shared per-provider limits; override with DRAMAFORGE_RATE_LIMITS='{"bedrock":{"requestsPerSecond":1,"burst":2}}'. */
const DEFAULT_RATE_LIMITS: Record<string, RateLimit> = {
  'openai-compatible': { requestsPerSecond: 5, burst: 10 },
  bedrock: { requestsPerSecond: 2, burst: 4 },
};

export function rateLimitsFromEnv(env: NodeJS.ProcessEnv): (provider: string) => RateLimit {
  const configured = env.DRAMAFORGE_RATE_LIMITS
    ? (JSON.parse(env.DRAMAFORGE_RATE_LIMITS) as Record<string, RateLimit>)
    : {};
  return (provider) => configured[provider] ?? DEFAULT_RATE_LIMITS[provider] ?? { requestsPerSecond: 1, burst: 1 };
}

export function videoPollSettings(env: NodeJS.ProcessEnv): { pollIntervalSeconds: number; maxPolls: number } {
  const interval = Math.min(900, Math.max(1, Number(env.DRAMAFORGE_VIDEO_POLL_SECONDS ?? 20)));
  // The Generate video Task waits up to an hour for its token.
  return { pollIntervalSeconds: interval, maxPolls: Math.floor(3300 / interval) };
}

export type LipSyncProvider = (typeof LIP_SYNC_PROVIDERS)[number];

/**
 * Who syncs lips: the manifest's `providers.overrides.lipSync`, else its profile's own
 * lip-sync (an OpenAI-compatible gateway's); Bedrock has none, so it syncs offline.
 */
export function lipSyncProvider(settings: Manifest['providers']): LipSyncProvider {
  return settings.overrides?.lipSync ?? (settings.profile === 'openai-compatible' ? 'openai-compatible' : 'offline');
}

const LIP_SYNC_MODELS: Record<
  Exclude<LipSyncProvider, 'offline'>,
  { prefix: string; models: Record<LipSyncMode, string> }
> = {
  'openai-compatible': {
    prefix: 'DRAMAFORGE_OPENAI_LIPSYNC_MODEL',
    models: { fast: 'lipsync-2', high_precision: 'lipsync-2-pro' },
  },
  'sync-so': { prefix: 'DRAMAFORGE_SYNC_SO_MODEL', models: { fast: 'lipsync-2', high_precision: 'lipsync-2-pro' } },
};

/** The lip-sync model for a mode: `DRAMAFORGE_<PROVIDER>_..._FAST` / `_HIGH_PRECISION`, else sync.so's lipsync-2 and lipsync-2-pro. */
export function lipSyncModel(provider: LipSyncProvider, mode: LipSyncMode, env: NodeJS.ProcessEnv): string {
  if (provider === 'offline') return 'painted-mouths-v1';
  const { prefix, models } = LIP_SYNC_MODELS[provider];
  return env[`${prefix}_${mode.toUpperCase()}`] ?? models[mode];
}

/** Why a lip-sync provider cannot run in this environment, or undefined when it can. */
export function lipSyncProviderProblem(provider: LipSyncProvider, env: NodeJS.ProcessEnv): string | undefined {
  if (provider === 'sync-so') return syncSoMissingSettings(syncSoSettingsFromEnv(env));
  return profileProblem(provider, env);
}

export const AVAILABLE_PROFILES: readonly ProfileName[] = ['offline', 'openai-compatible', 'bedrock'];

/** Names every requested profile this environment cannot serve, as manifest problems. */
export function unavailableProfiles(
  settings: Manifest['providers'],
  env: NodeJS.ProcessEnv = processEnvironment(),
): { path: string; reason: string }[] {
  const problems: { path: string; reason: string }[] = [];
  const check = (path: string, profile: ProfileName | undefined) => {
    if (!profile) return;
    const problem = AVAILABLE_PROFILES.includes(profile) ? profileProblem(profile, env) : 'unknown profile';
    if (problem)
      problems.push({
        path,
        reason: `the "${profile}" provider profile is not available in this environment: ${problem}`,
      });
  };
  check('providers.profile', settings.profile);
  const { lipSync, ...roles } = settings.overrides ?? {};
  for (const [role, profile] of Object.entries(roles)) check(`providers.overrides.${role}`, profile);
  const lipSyncProblem = lipSync && lipSyncProviderProblem(lipSync, env);
  if (lipSyncProblem)
    problems.push({
      path: 'providers.overrides.lipSync',
      reason: `lip-sync by "${lipSync}" is not available in this environment: ${lipSyncProblem}`,
    });
  return problems;
}
