import { ProviderNotConfigured } from '../shared/errors.js';
import type { Manifest } from '../shared/manifest/schema.js';
import { CameraMotionVideoModel } from './offline/camera-motion-video-model.js';
import { EspeakSpeechModel } from './offline/espeak-speech-model.js';
import { OfflineScriptWriter } from './offline/offline-script-writer.js';
import { StoryboardImageModel } from './offline/offline-image-model.js';
import { PixelConsistencyScorer } from './offline/pixel-consistency.js';
import type { ConsistencyScorer, ImageModel, SpeechModel, TextModel, VideoModel } from './ports.js';

/** A port together with who serves it, known before the call so cache keys can name them. */
export interface Bound<Port> {
  port: Port;
  provider: string;
  model: string;
}

export interface BoundProviders {
  text: Bound<TextModel>;
  image: Bound<ImageModel>;
  consistency: Bound<ConsistencyScorer>;
  speech: Bound<SpeechModel>;
  video: Bound<VideoModel>;
}

type ProfileName = Manifest['providers']['profile'];

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

export const AVAILABLE_PROFILES: readonly ProfileName[] = ['offline'];

function profileProviders(profile: ProfileName): BoundProviders {
  if (profile === 'offline') return offlineProviders();
  throw new ProviderNotConfigured(`the "${profile}" provider profile is not available in this build; use "offline"`);
}

/** The providers a manifest asks for: its profile, with per-stage overrides. */
export function providersFor(settings: Manifest['providers']): BoundProviders {
  const base = profileProviders(settings.profile);
  const overrides = settings.overrides ?? {};
  return {
    text: overrides.script ? profileProviders(overrides.script).text : base.text,
    image: overrides.image ? profileProviders(overrides.image).image : base.image,
    consistency: overrides.image ? profileProviders(overrides.image).consistency : base.consistency,
    speech: overrides.speech ? profileProviders(overrides.speech).speech : base.speech,
    video: overrides.video ? profileProviders(overrides.video).video : base.video,
  };
}

/** Names every requested profile this build cannot serve, as manifest problems. */
export function unavailableProfiles(settings: Manifest['providers']): { path: string; reason: string }[] {
  const problems: { path: string; reason: string }[] = [];
  const check = (path: string, profile: ProfileName | undefined) => {
    if (profile && !AVAILABLE_PROFILES.includes(profile)) {
      problems.push({ path, reason: `the "${profile}" provider profile is not available in this build (available: ${AVAILABLE_PROFILES.join(', ')})` });
    }
  };
  check('providers.profile', settings.profile);
  for (const [stage, profile] of Object.entries(settings.overrides ?? {})) check(`providers.overrides.${stage}`, profile);
  return problems;
}
