import type { CallOptions, Metered, SpeechModel, SpeechRequest, SpeechResult } from '../../../core/contracts/ports.js';
import { toMonoWav } from '../../media/media-fit.js';
import { type OpenAiConnection, requestOptions } from './connection.js';
import { OPENAI_COMPATIBLE } from './settings.js';

const VOICES = { female: 'nova', male: 'onyx', neutral: 'alloy' } as const;

/**
 * Audio speech. The endpoint returns audio and no usage; it bills per input
 * character, so the usage is the characters sent. Voices have no pitch control:
 * `pitch` is not applied; `rate` maps to `speed`.
 */
export class OpenAiSpeechModel implements SpeechModel {
  constructor(
    private readonly connection: OpenAiConnection,
    readonly model: string,
  ) {}

  async speak(request: SpeechRequest, options: CallOptions = {}): Promise<Metered<SpeechResult>> {
    const audio = await this.connection.call(async (client, signal) => {
      const response = await client.audio.speech.create(
        {
          model: this.model,
          voice: VOICES[request.voice.gender ?? 'neutral'],
          input: request.text,
          response_format: 'wav',
          speed: request.voice.rate ?? 1,
        },
        requestOptions(signal, options.idempotencyKey && `${options.idempotencyKey}:${this.model}`),
      );
      return Buffer.from(await response.arrayBuffer());
    }, options.attempts);
    const { wav, durationSeconds } = await toMonoWav(audio);
    return {
      result: { wav, durationSeconds },
      usage: { speechCharacters: [...request.text].length },
      provider: OPENAI_COMPATIBLE,
      model: this.model,
    };
  }
}
