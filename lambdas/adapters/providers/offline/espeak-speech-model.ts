import type { Metered, SpeechModel, SpeechRequest, SpeechResult } from '../../../core/contracts/ports.js';
import { readWavLayout, wavDurationSeconds } from '../../media/wav-header.js';
import { espeakVoiceFor } from './espeak-voice.js';
import { EspeakWorkerClient, type EspeakWorkerOptions } from './espeak-worker-client.js';
import { speakableText } from './speakable-text.js';

export const ESPEAK_PROVIDER = 'offline';
export const ESPEAK_MODEL = 'espeak-ng';

/**
 * Scratch voices for the animatic: espeak-ng, run in its own process (it is
 * GPL-3), one recognisable voice per character. The same request always gives
 * the same WAV bytes. Call close() when done to end the worker early; an idle
 * worker never keeps the process alive on its own.
 */
export class EspeakSpeechModel implements SpeechModel {
  private readonly worker: EspeakWorkerClient;

  constructor(options: EspeakWorkerOptions = {}) {
    this.worker = new EspeakWorkerClient(options);
  }

  async speak(request: SpeechRequest): Promise<Metered<SpeechResult>> {
    const voice = espeakVoiceFor(request);
    // Empty text still goes to the worker, which answers with a short silence in the same format.
    const { wav } = await this.worker.speak({ ...voice, text: speakableText(request.text) });
    return {
      result: { wav, durationSeconds: wavDurationSeconds(readWavLayout(wav)) },
      usage: { speechCharacters: Array.from(request.text).length },
      provider: ESPEAK_PROVIDER,
      model: ESPEAK_MODEL,
    };
  }

  close(): void {
    this.worker.close();
  }
}
