import * as z from '../contracts/zod-mini.js';

/** Dollars per unit, when the model bills that unit. */
const price = () => z.optional(z.number().check(z.gte(0)));

/** Dollars per unit of the usage a provider reports; the one list of price fields the table and its overrides share. */
export const ModelPriceSchema = z.strictObject({
  perInputToken: price(),
  perInputImageToken: price(),
  perOutputToken: price(),
  perImage: price(),
  perVideoSecond: price(),
  /** Video is generated (and billed) in whole steps of this many seconds. */
  videoSecondsStep: z.optional(z.number().check(z.positive())),
  /** Video is generated (and billed) only at these lengths: the shortest that covers a clip, else the longest. */
  videoDurations: z.optional(z.array(z.number().check(z.positive())).check(z.minLength(1))),
  perSpeechCharacter: price(),
  /** Transcription is listed per minute of audio and billed by the second. */
  perTranscribedAudioMinute: price(),
  /** Lip-sync is billed per second of the video it re-renders. */
  perLipSyncSecond: price(),
  perMusicSecond: price(),
  /**
   * A video model that renders the scene's dialogue with the picture (docs/providers.md, Native voice):
   * `in-prompt` hears the lines and how each voice sounds in the prompt alone; `reference-voice` also takes
   * each speaker's reference voice. Absent: the model renders no dialogue.
   */
  dialogue: z.optional(z.enum(['in-prompt', 'reference-voice'])),
});

export type ModelPrice = z.infer<typeof ModelPriceSchema>;
export type VideoDialogue = NonNullable<ModelPrice['dialogue']>;
