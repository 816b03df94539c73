import type { ManifestProblem } from '../contracts/errors.js';
import type { ManifestCharacter, SeriesManifest, VoiceMode } from '../manifest/schema.js';
import { dialogueOf, type VideoDialogue } from '../pricing/pricing.js';
import { speaks } from './creatures.js';
import type { StoredVoiceCue } from './scene-artifacts.js';

/**
 * Native voice (docs/providers.md): a video model that renders dialogue speaks a scene's lines in
 * its clip, and the scene buys no speech or lip-sync. Which scenes are native, what the model is
 * told about each voice, and how the clip's measured speech becomes the scene's cues.
 */

type VoiceManifest = Pick<SeriesManifest, 'voice' | 'characters'>;

export function characterVoiceMode(manifest: VoiceManifest, character: ManifestCharacter): VoiceMode {
  return character.voice?.mode ?? manifest.voice?.mode ?? 'synthesized';
}

/** Whether any character of the manifest is voiced natively. */
export function asksForNativeVoice(manifest: VoiceManifest): boolean {
  return manifest.characters.some((character) => characterVoiceMode(manifest, character) === 'native');
}

/** The speaking members of a scene's cast, by voice mode. */
function speakingCastByMode(manifest: VoiceManifest, cast: readonly string[]) {
  const speaking = manifest.characters.filter((character) => cast.includes(character.id) && speaks(character));
  return {
    native: speaking.filter((character) => characterVoiceMode(manifest, character) === 'native'),
    synthesized: speaking.filter((character) => characterVoiceMode(manifest, character) === 'synthesized'),
  };
}

/**
 * A scene is voiced natively when its cast has someone who speaks and every one who speaks is native:
 * one clip speaks with one kind of voice. A developed scene whose cast mixes the two is synthesized
 * (validation refuses the mix where the manifest writes the cast).
 */
export function sceneVoiceMode(manifest: VoiceManifest, scene: { characters: readonly string[] }): VoiceMode {
  const { native, synthesized } = speakingCastByMode(manifest, scene.characters);
  return native.length > 0 && synthesized.length === 0 ? 'native' : 'synthesized';
}

/** What a manifest that asks for native voice must not also ask: checked with the schema, before any model is known. */
export function nativeVoiceManifestProblems(manifest: SeriesManifest): ManifestProblem[] {
  if (!asksForNativeVoice(manifest)) return [];
  const problems: ManifestProblem[] = [];
  if (manifest.review?.before === 'video')
    problems.push({
      path: 'review.before',
      reason:
        'the animatic is made with the offline video model, which renders no dialogue, so it cannot review native voices: use review.before delivery, or voice.mode synthesized',
    });
  for (const [e, episode] of manifest.episodes.entries()) {
    for (const [s, scene] of (episode.scenes ?? []).entries()) {
      const { native, synthesized } = speakingCastByMode(manifest, scene.characters);
      if (native.length > 0 && synthesized.length > 0)
        problems.push({
          path: `episodes[${e}].scenes[${s}].characters`,
          reason: `mixes native voices (${native.map((c) => c.id).join(', ')}) with synthesized ones (${synthesized.map((c) => c.id).join(', ')}): one clip speaks with one kind of voice`,
        });
    }
  }
  return problems;
}

/** Where the manifest asks for native voice, for a problem to point at: the manifest's setting, else the first character's. */
function nativeVoicePath(manifest: VoiceManifest): string {
  if (manifest.voice?.mode === 'native') return 'voice.mode';
  const index = manifest.characters.findIndex((character) => character.voice?.mode === 'native');
  return `characters[${index}].voice.mode`;
}

/** A native voice needs a video model that renders dialogue: one that renders none is refused by name. */
export function nativeVoiceModelProblems(
  manifest: VoiceManifest,
  video: { provider: string; model: string },
): ManifestProblem[] {
  if (!asksForNativeVoice(manifest) || dialogueOf(video.provider, video.model)) return [];
  return [
    {
      path: nativeVoicePath(manifest),
      reason: `native voice needs a video model that renders dialogue, and ${video.provider}/${video.model} renders none (openai-compatible/sora-2 does)`,
    },
  ];
}

/** How a voice sounds, in words a video model's prompt can carry: gender, age, timbre and pace. */
export function describeVoice(voice: ManifestCharacter['voice']): string {
  const pitch = voice?.pitch === undefined || voice.pitch === 1 ? undefined : voice.pitch < 1 ? 'low' : 'high';
  const pace =
    voice?.rate === undefined || voice.rate === 1 ? 'at an even pace' : voice.rate < 1 ? 'slowly' : 'quickly';
  const who = [voice?.age, voice?.gender === 'neutral' ? undefined : voice?.gender].filter(Boolean).join(' ');
  const colour = [pitch && `${pitch}-pitched`, voice?.timbre].filter(Boolean).join(', ');
  return `${who ? `a ${who} voice` : 'a voice'}${colour ? `, ${colour}` : ''}, speaking ${pace}`;
}

/** How long a reference voice is at most: a sentence or two is all a model needs to hold a voice. */
export const REFERENCE_VOICE_CHARACTERS = 200;

/** One speaker of a native scene as the video model is told of it. */
export interface NativeSpeaker {
  characterId: string;
  name: string;
  /** Gender, age, timbre and pace in words: every model gets it; one that takes no reference voice has only this. */
  voice: string;
}

/** The dialogue a native scene's clip is to speak, in order, after the scene's own prompt. */
export function nativeDialoguePrompt(
  speakers: readonly NativeSpeaker[],
  lines: readonly { characterId: string; text: string }[],
): string {
  if (lines.length === 0) return 'Nobody speaks.';
  const names = new Map(speakers.map((speaker) => [speaker.characterId, speaker.name]));
  return [
    'The characters speak these lines aloud, in this order, with a short pause between lines, and say nothing else:',
    ...lines.map((line) => `${names.get(line.characterId) ?? line.characterId}: "${line.text}"`),
    'Voices:',
    ...speakers.map((speaker) => `${speaker.name}: ${speaker.voice}.`),
  ].join('\n');
}

/** Speech runs about 14 characters a second: what a native scene is asked to last before its clip exists. */
const CHARACTERS_PER_SECOND = 14;
const PAUSE_SECONDS = 0.4;
const LEAD_AND_TAIL_SECONDS = 1;
const SHORTEST_SCENE_SECONDS = 2;

/** How long a native scene should last, planned from its lines: the clip's own audio then says how long it does. */
export function plannedNativeSeconds(lines: readonly { text: string }[]): number {
  const characters = lines.reduce((sum, line) => sum + Array.from(line.text).length, 0);
  return Math.max(
    SHORTEST_SCENE_SECONDS,
    characters / CHARACTERS_PER_SECOND + PAUSE_SECONDS * Math.max(0, lines.length - 1) + LEAD_AND_TAIL_SECONDS,
  );
}

export interface SpeechSpan {
  startSeconds: number;
  endSeconds: number;
}

/**
 * The scene's cues from the speech measured in its clip: as many stretches of speech as lines, each
 * line on its own stretch, in order. More stretches than lines are joined across their shortest
 * pauses (a line said with a breath in it); fewer are split, the longest first, in half. Every cue
 * therefore starts and ends inside the clip's speech. Undefined when the clip holds no speech at all.
 */
export function cuesFromSpeech(
  lines: readonly { characterId: string; speaker: string; text: string }[],
  speech: readonly SpeechSpan[],
): StoredVoiceCue[] | undefined {
  if (lines.length === 0) return [];
  if (speech.length === 0) return undefined;
  const spans = speech.map((span) => ({ ...span }));
  while (spans.length > lines.length) {
    let shortest = 0;
    for (let i = 1; i < spans.length - 1; i++) if (pauseAfter(spans, i) < pauseAfter(spans, shortest)) shortest = i;
    spans.splice(shortest, 2, {
      startSeconds: spans[shortest]!.startSeconds,
      endSeconds: spans[shortest + 1]!.endSeconds,
    });
  }
  while (spans.length < lines.length) {
    let longest = 0;
    for (let i = 1; i < spans.length; i++) if (lengthOf(spans[i]!) > lengthOf(spans[longest]!)) longest = i;
    const { startSeconds, endSeconds } = spans[longest]!;
    const middle = (startSeconds + endSeconds) / 2;
    spans.splice(longest, 1, { startSeconds, endSeconds: middle }, { startSeconds: middle, endSeconds });
  }
  return lines.map((line, index) => ({
    index,
    characterId: line.characterId,
    speaker: line.speaker,
    text: line.text,
    startSeconds: round(spans[index]!.startSeconds),
    endSeconds: round(spans[index]!.endSeconds),
  }));
}

const lengthOf = (span: SpeechSpan) => span.endSeconds - span.startSeconds;
const pauseAfter = (spans: SpeechSpan[], index: number) => spans[index + 1]!.startSeconds - spans[index]!.endSeconds;
const round = (seconds: number) => Math.round(seconds * 1000) / 1000;

/** How the scene's voices reached the video model, as the scene's row and the report keep it. */
export interface NativeVoiceRecord {
  mode: 'native';
  provider: string;
  model: string;
  /** `reference-voice`: each speaker's reference voice went with the request; `in-prompt`: only its description did. */
  voices: VideoDialogue;
}

/** The report's warning for scenes whose voices were only described: nothing holds a voice from one clip to the next. */
export function voiceDriftWarning(records: readonly NativeVoiceRecord[]): string | undefined {
  const described = records.filter((record) => record.voices === 'in-prompt');
  if (described.length === 0) return undefined;
  const models = [...new Set(described.map((record) => `${record.provider}/${record.model}`))].join(', ');
  return `voices may drift between clips: ${models} takes no reference voice, so ${described.length} native scene${described.length === 1 ? '' : 's'} had each voice described in the prompt only`;
}
