import { VOICE_SAMPLE_RATE, wavFromPcm } from '../../lambdas/adapters/media/voice-track.js';
import type { SpeechRequest } from '../../lambdas/core/contracts/ports.js';

/** A voice (priced as the offline one, $0) that says a tenth of a second a character: a line's length is its time. */
export const pacedSpeech = {
  provider: 'offline',
  model: 'espeak-ng',
  port: {
    speak: async (request: SpeechRequest) => {
      const seconds = request.text.length * 0.1;
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
