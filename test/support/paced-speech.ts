import { VOICE_SAMPLE_RATE, wavFromPcm } from '../../lambdas/adapters/media/voice-track.js';
import type { SpeechRequest } from '../../lambdas/core/contracts/ports.js';

/** A voice (priced as the offline one, $0) that says each character in `secondsPerCharacter`: a line's length is its time. */
export function pacedSpeechAt(secondsPerCharacter: number) {
  return {
    provider: 'offline',
    model: 'espeak-ng',
    port: {
      speak: async (request: SpeechRequest) => {
        const seconds = request.text.length * secondsPerCharacter;
        return {
          result: {
            wav: wavFromPcm(Buffer.alloc(Math.round(seconds * VOICE_SAMPLE_RATE) * 2)),
            durationSeconds: seconds,
          },
          usage: {},
          provider: 'offline',
          model: 'espeak-ng',
        };
      },
    },
  };
}

/** The paced voice at a tenth of a second a character. */
export const pacedSpeech = pacedSpeechAt(0.1);
