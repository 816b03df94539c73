import type { z } from 'zod';
import type { SpeechRequest } from '../providers/ports.js';
import { speechCodec } from '../shared/codecs.js';
import { estimateUsd } from '../shared/estimates.js';
import { assetKeys } from '../shared/keys.js';
import { buildSceneVoiceTrack } from '../shared/media/voice-track.js';
import { paidCall } from '../shared/paid-call.js';
import { findCharacter, type SceneEventSchema } from '../shared/scene-context.js';
import { beginSceneStage } from '../shared/scene-stage.js';
import type { StageDeps } from '../shared/stage-runtime.js';
import type { StoredScript, StoredVoiceCues } from '../shared/scene-artifacts.js';

/** One call per line, each in its character's own voice; then one track for the scene, and the cue timings measured from it. */
export async function synthesizeVoice(event: z.output<typeof SceneEventSchema>, deps: StageDeps): Promise<void> {
  const { manifest, generation } = await beginSceneStage(deps, event, 'VOICE');
  const script = await deps.assets.getJson<StoredScript>(assetKeys.script(event));
  const { speech } = deps.providers(manifest);

  const lines = [];
  for (const line of script.lines) {
    const character = findCharacter(manifest, line.character);
    const request: SpeechRequest = { text: line.line, language: manifest.language, characterId: character.id, voice: character.voice ?? {} };
    const { result } = await paidCall(deps, {
      productionId: manifest.production,
      stage: 'speech',
      scene: event,
      provider: speech.provider,
      model: speech.model,
      inputs: generation === 0 ? request : { ...request, generation },
      estimateUsd: estimateUsd(speech, { speechCharacters: line.line.length }),
      codec: speechCodec,
      call: (options) => speech.port.speak(request, options),
    });
    lines.push({ characterId: character.id, text: line.line, audio: result.wav });
  }

  const track = await buildSceneVoiceTrack(lines);
  const names = new Map(manifest.characters.map((c) => [c.id, c.name]));
  const stored: StoredVoiceCues = {
    durationSeconds: track.durationSeconds,
    cues: track.cues.map((cue) => ({ ...cue, speaker: names.get(cue.characterId) ?? cue.characterId })),
  };
  await deps.assets.putBytes(assetKeys.voice(event), track.wav, 'audio/wav');
  await deps.assets.putJson(assetKeys.voiceCues(event), stored);
  await deps.productions.updateScene(event, {
    durationSeconds: track.durationSeconds,
    assets: { voice: assetKeys.voice(event) },
  });
}
