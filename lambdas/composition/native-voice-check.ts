import type { ManifestProblem } from '../core/contracts/errors.js';
import { asksForNativeVoice, nativeVoiceModelProblems } from '../core/domain/native-voice.js';
import type { SeriesManifest } from '../core/manifest/schema.js';
import { roleRoute } from './provider-config.js';

/**
 * A manifest that asks for native voice, checked against the video model its profile routes to
 * (`DRAMAFORGE_<PROFILE>_VIDEO_MODELS` included): `validate` and the Validate manifest stage refuse a
 * model that renders no dialogue, by name.
 */
export function nativeVoiceProblems(
  manifest: Pick<SeriesManifest, 'providers' | 'voice' | 'characters'>,
  env: NodeJS.ProcessEnv,
): ManifestProblem[] {
  if (!asksForNativeVoice(manifest)) return [];
  const video = roleRoute(manifest.providers, 'video', env)[0]![0]!;
  return nativeVoiceModelProblems(manifest, video);
}
