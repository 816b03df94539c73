import { buildSceneVoiceTrack, type VoiceLine } from '../../adapters/media/voice-track.js';
import type { Bound } from '../../core/contracts/bound-providers.js';
import { BudgetExceeded } from '../../core/contracts/errors.js';
import { assetKeys, type SceneRef } from '../../core/contracts/keys.js';
import type { SpeechRequest, SpeechResult, SpeechTranscriber, TimedWord } from '../../core/contracts/ports.js';
import type * as z from '../../core/contracts/zod-mini.js';
import { sha256 } from '../../core/domain/content-hash.js';
import { plannedNativeSeconds, sceneVoiceMode } from '../../core/domain/native-voice.js';
import type { StoredScript, StoredVoiceCues } from '../../core/domain/scene-artifacts.js';
import type { Manifest } from '../../core/manifest/schema.js';
import { estimateUsd } from '../../core/pricing/estimates.js';
import { jsonCodec, paidCall } from '../../pipeline/paid-call.js';
import { findCharacter, type SceneEventSchema } from '../../pipeline/scene-context.js';
import { beginSceneStage } from '../../pipeline/scene-stage.js';
import { speakLine } from '../../pipeline/speak-line.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';

/** The provider ports this stage uses: its handler declares them with their offline models. */
export type SynthesizeVoicePorts = 'speech' | 'transcription';

/**
 * One call per line, each in its character's own voice; then one track for the scene,
 * and the cue timings measured from it: each cue spans its line's words where the
 * speech model timed them (Polly) or a transcription did (DRAMAFORGE_SUBTITLE_TIMING),
 * else the line's whole audio.
 */
export async function synthesizeVoice(
  event: z.output<typeof SceneEventSchema>,
  deps: StageDeps<SynthesizeVoicePorts>,
): Promise<void> {
  const { manifest, generation, scene } = await beginSceneStage(deps, event, 'VOICE');
  const script = await deps.assets.getJson<StoredScript>(assetKeys.script(event));
  if (sceneVoiceMode(manifest, scene) === 'native') {
    await planNativeVoice(deps, manifest, event, script);
    return;
  }
  const { speech, transcription } = await deps.providers(manifest);

  const lines: VoiceLine[] = [];
  for (const line of script.lines) {
    const character = findCharacter(manifest, line.character);
    const request: SpeechRequest = {
      text: line.line,
      language: manifest.language,
      characterId: character.id,
      voice: character.voice ?? {},
    };
    const { result } = await speakLine(deps, {
      manifest,
      scene: event,
      speech,
      request,
      inputs: generation === 0 ? request : { ...request, generation },
    });
    const words = result.words?.length
      ? result.words
      : transcription && (await transcribedWords(deps, manifest, event, transcription, result, request));
    lines.push({ characterId: character.id, text: line.line, audio: result.wav, words });
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

/**
 * A natively voiced scene buys no speech: the video model speaks its lines. The stage records that, and
 * plans the scene's length from its lines (the clip is asked to last that long); Generate video then takes
 * the voice track from the clip and times the cues by the speech measured in it.
 */
async function planNativeVoice(deps: StageDeps, manifest: Manifest, scene: SceneRef, script: StoredScript) {
  const names = new Map(manifest.characters.map((c) => [c.id, c.name]));
  const lines = script.lines.map((line) => ({ characterId: line.character, text: line.line }));
  const durationSeconds = plannedNativeSeconds(lines);
  const stored: StoredVoiceCues = {
    durationSeconds,
    // Laid end to end by length until the clip says where each line falls.
    cues: plannedCues(lines, durationSeconds).map((cue) => ({
      ...cue,
      speaker: names.get(cue.characterId) ?? cue.characterId,
    })),
    native: 'planned',
  };
  await deps.assets.putJson(assetKeys.voiceCues(scene), stored);
  await deps.productions.updateScene(scene, { durationSeconds });
  deps.logger.info('native voice: the video model speaks the lines, no speech is bought', {
    scene,
    lines: lines.length,
  });
}

function plannedCues(lines: { characterId: string; text: string }[], durationSeconds: number) {
  const total = lines.reduce((sum, line) => sum + Array.from(line.text).length, 0) || 1;
  let at = 0;
  return lines.map((line, index) => {
    const startSeconds = at;
    at += (durationSeconds * Array.from(line.text).length) / total;
    return { index, characterId: line.characterId, text: line.text, startSeconds, endSeconds: at };
  });
}

/**
 * A line's word timings from a transcription of its audio, as a paid call of its own
 * (reserved from the audio's measured length, cached by the audio's hash). A failed
 * transcription does not lose the line: its cue spans the whole audio, as without one.
 */
async function transcribedWords(
  deps: StageDeps,
  manifest: Manifest,
  scene: SceneRef,
  transcription: Bound<SpeechTranscriber>,
  speech: SpeechResult,
  request: SpeechRequest,
): Promise<TimedWord[] | undefined> {
  const transcriptionRequest = {
    wav: speech.wav,
    durationSeconds: speech.durationSeconds,
    text: request.text,
    language: request.language,
  };
  try {
    const { result } = await paidCall(deps, {
      productionId: manifest.production,
      priority: manifest.priority,
      stage: 'subtitle-timing',
      scene,
      provider: transcription.provider,
      model: transcription.model,
      inputs: { audio: sha256(speech.wav), text: request.text, language: request.language },
      estimateUsd: estimateUsd(transcription, { transcribedAudioSeconds: Math.ceil(speech.durationSeconds) }),
      codec: jsonCodec<TimedWord[]>(),
      call: (options) => transcription.port.transcribe(transcriptionRequest, options),
    });
    if (result.length === 0)
      deps.logger.warn("the transcription heard no words; the cue spans the line's whole audio", {
        scene,
        text: request.text,
      });
    return result;
  } catch (error) {
    // Running out of budget stops the production as everywhere else; any other failure only costs the finer timing.
    if (error instanceof BudgetExceeded) throw error;
    deps.logger.warn("transcription failed; the cue spans the line's whole audio", {
      scene,
      text: request.text,
      error: (error as Error).message,
    });
    return undefined;
  }
}
