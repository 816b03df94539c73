import { toFile } from 'openai';
import type {
  CallOptions,
  Metered,
  SpeechTranscriber,
  TimedWord,
  TranscriptionRequest,
} from '../../../core/contracts/ports.js';
import { type OpenAiConnection, requestOptions } from './connection.js';
import { OPENAI_COMPATIBLE } from './settings.js';

/**
 * Audio transcriptions with word timestamps (`verbose_json`, granularity `word`;
 * whisper-1 is the OpenAI model that gives them). The script's line goes along as
 * the prompt so names are spelled as written. Transcription bills per second of
 * audio, rounded to the nearest second; the usage is the duration the provider
 * reports (`usage.seconds`, else `duration`), the measured one when it reports none.
 */
export class OpenAiTranscriber implements SpeechTranscriber {
  constructor(
    private readonly connection: OpenAiConnection,
    readonly model: string,
  ) {}

  async transcribe(request: TranscriptionRequest, options: CallOptions = {}): Promise<Metered<TimedWord[]>> {
    const transcript = await this.connection.call(
      async (client, signal) =>
        client.audio.transcriptions.create(
          {
            file: await toFile(request.wav, 'line.wav', { type: 'audio/wav' }),
            model: this.model,
            response_format: 'verbose_json',
            timestamp_granularities: ['word'],
            // Transcription takes ISO-639-1; the manifest's language is a BCP 47 tag (vi-VN).
            language: request.language.split('-')[0]!.toLowerCase(),
            prompt: request.text,
          },
          requestOptions(signal, options.idempotencyKey && `${options.idempotencyKey}:${this.model}`),
        ),
      options.attempts,
    );
    const seconds = transcript.usage?.seconds ?? transcript.duration ?? request.durationSeconds;
    return {
      result: (transcript.words ?? []).map((word) => ({
        text: word.word,
        startSeconds: word.start,
        endSeconds: word.end,
      })),
      usage: { transcribedAudioSeconds: Math.round(seconds) },
      provider: OPENAI_COMPATIBLE,
      model: this.model,
    };
  }
}
