import type { z } from 'zod';
import { assetKeys } from '../../core/contracts/keys.js';
import type { StoredVoiceCues } from '../../core/domain/scene-artifacts.js';
import { resolveSubtitleStyle, subtitleOptionsFor } from '../../core/text/subtitle-style.js';
import { toSrt, toVtt } from '../../core/text/subtitles.js';
import type { SceneEventSchema } from '../../pipeline/scene-context.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';

/** Scene subtitles, timed from the voice track's measured cues, their lines broken as the episode's burned ones are. */
export async function buildSubtitles(event: z.output<typeof SceneEventSchema>, deps: StageDeps): Promise<void> {
  await deps.productions.updateScene(event, { status: 'SUBTITLES' });
  const [voice, manifest] = await Promise.all([
    deps.assets.getJson<StoredVoiceCues>(assetKeys.voiceCues(event)),
    deps.loadManifest(event.productionId),
  ]);
  const layout = subtitleOptionsFor(resolveSubtitleStyle(manifest.subtitles, manifest.format));
  const cues = voice.cues.map((cue) => ({
    startSeconds: cue.startSeconds,
    endSeconds: cue.endSeconds,
    text: cue.text,
    speaker: cue.speaker,
  }));
  await deps.assets.putBytes(assetKeys.sceneSubtitles(event, 'srt'), toSrt(cues, layout), 'application/x-subrip');
  await deps.assets.putBytes(assetKeys.sceneSubtitles(event, 'vtt'), toVtt(cues, layout), 'text/vtt');
  await deps.productions.updateScene(event, {
    assets: { srt: assetKeys.sceneSubtitles(event, 'srt'), vtt: assetKeys.sceneSubtitles(event, 'vtt') },
  });
}
