import * as z from 'zod';

/** Dollars per unit of the usage a provider reports; the one list of price fields the table and its overrides share. */
export const ModelPriceSchema = z.strictObject({
  perInputToken: z.number().min(0).optional(),
  perInputImageToken: z.number().min(0).optional(),
  perOutputToken: z.number().min(0).optional(),
  perImage: z.number().min(0).optional(),
  perVideoSecond: z.number().min(0).optional(),
  /** Video is generated (and billed) in whole steps of this many seconds. */
  videoSecondsStep: z.number().positive().optional(),
  /** Video is generated (and billed) only at these lengths: the shortest that covers a clip, else the longest. */
  videoDurations: z.array(z.number().positive()).min(1).optional(),
  perSpeechCharacter: z.number().min(0).optional(),
  /** Transcription is listed per minute of audio and billed by the second. */
  perTranscribedAudioMinute: z.number().min(0).optional(),
  /** Lip-sync is billed per second of the video it re-renders. */
  perLipSyncSecond: z.number().min(0).optional(),
  perMusicSecond: z.number().min(0).optional(),
  /**
   * A video model that renders the scene's dialogue with the picture (docs/providers.md, Native voice):
   * `in-prompt` hears the lines and how each voice sounds in the prompt alone; `reference-voice` also takes
   * each speaker's reference voice. Absent: the model renders no dialogue.
   */
  dialogue: z.enum(['in-prompt', 'reference-voice']).optional(),
});

export type ModelPrice = z.infer<typeof ModelPriceSchema>;
export type VideoDialogue = NonNullable<ModelPrice['dialogue']>;
