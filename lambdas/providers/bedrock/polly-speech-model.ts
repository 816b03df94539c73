import { SynthesizeSpeechCommand, type PollyClient, type VoiceId } from '@aws-sdk/client-polly';
import { ProviderNotConfigured } from '../../shared/errors.js';
import { toMonoWav } from '../media-fit.js';
import type { CallOptions, Metered, SpeechModel, SpeechRequest, SpeechResult } from '../ports.js';
import type { ProviderGuard } from '../resilience/provider-guard.js';
import { BEDROCK, guardedAwsCall } from './aws-call.js';

/** Neural voices by language and gender. Polly has no Vietnamese voice: vi-VN needs another speech provider. */
const NEURAL_VOICES: Record<string, { female: VoiceId; male: VoiceId }> = {
  'en-US': { female: 'Joanna', male: 'Matthew' },
  'en-GB': { female: 'Amy', male: 'Brian' },
  'zh-CN': { female: 'Zhiyu', male: 'Zhiyu' },
  'ja-JP': { female: 'Kazuha', male: 'Takumi' },
  'ko-KR': { female: 'Seoyeon', male: 'Seoyeon' },
  'es-ES': { female: 'Lucia', male: 'Sergio' },
  'fr-FR': { female: 'Lea', male: 'Remi' },
  'de-DE': { female: 'Vicki', male: 'Daniel' },
};

export function pollyVoice(language: string, gender: SpeechRequest['voice']['gender']): VoiceId | undefined {
  const voices = NEURAL_VOICES[language];
  return voices ? voices[gender === 'male' ? 'male' : 'female'] : undefined;
}

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/**
 * Polly neural voices, PCM at 16 kHz wrapped as WAV. The rate goes through SSML
 * prosody (neural voices ignore pitch). Usage is RequestCharacters, the count Polly
 * bills (SSML tags are not billed). Each line's subtitle cue is timed from its
 * measured audio, as for every speech model.
 */
export class PollySpeechModel implements SpeechModel {
  readonly model = 'polly-neural';

  constructor(
    private readonly polly: PollyClient,
    private readonly guard: ProviderGuard,
  ) {}

  async speak(request: SpeechRequest, _options: CallOptions = {}): Promise<Metered<SpeechResult>> {
    const voice = pollyVoice(request.language, request.voice.gender);
    if (!voice) throw new ProviderNotConfigured(`Polly has no neural voice for ${request.language}`);
    const rate = Math.round((request.voice.rate ?? 1) * 100);
    const response = await guardedAwsCall(this.guard, (abortSignal) =>
      this.polly.send(
        new SynthesizeSpeechCommand({
          Engine: 'neural',
          VoiceId: voice,
          LanguageCode: request.language as never,
          OutputFormat: 'pcm',
          SampleRate: '16000',
          TextType: 'ssml',
          Text: `<speak><prosody rate="${rate}%">${escapeXml(request.text)}</prosody></speak>`,
        }),
        { abortSignal },
      ),
    );
    const pcm = Buffer.from(await response.AudioStream!.transformToByteArray());
    const { wav, durationSeconds } = await toMonoWav(pcm, ['-f', 's16le', '-ar', '16000', '-ac', '1']);
    return { result: { wav, durationSeconds }, usage: { speechCharacters: response.RequestCharacters ?? [...request.text].length }, provider: BEDROCK, model: this.model };
  }
}
