import {
  type PollyClient,
  SynthesizeSpeechCommand,
  type SynthesizeSpeechCommandInput,
  type VoiceId,
} from '@aws-sdk/client-polly';
import { ProviderNotConfigured } from '../../../core/contracts/errors.js';
import type {
  CallOptions,
  Metered,
  ProviderCallGuard,
  SpeechModel,
  SpeechRequest,
  SpeechResult,
  TimedWord,
} from '../../../core/contracts/ports.js';
import { toMonoWav } from '../../media/media-fit.js';
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

const XML_ESCAPES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' };
const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => XML_ESCAPES[c]!);
const unescapeXml = (text: string) =>
  text.replace(
    /&(lt|gt|amp|apos|quot);/g,
    (entity) => Object.keys(XML_ESCAPES).find((c) => XML_ESCAPES[c] === entity)!,
  );

interface SpeechMark {
  time: number;
  type: string;
  value: string;
}

/**
 * Word timings from Polly's speech marks: newline-delimited JSON, `time` in ms from
 * the start of the audio. A word mark carries its start only, so a word ends where
 * the next mark begins and the last one at the end of the audio. SSML tags come back
 * as word marks of their own (a `<break/>`): they end the word before them and are
 * not words themselves.
 */
export function wordsFromSpeechMarks(marks: string, durationSeconds: number): TimedWord[] {
  const inAudio = (ms: number) => Math.min(ms / 1000, durationSeconds);
  const wordMarks = marks
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as SpeechMark)
    .filter((mark) => mark.type === 'word')
    .sort((a, b) => a.time - b.time);
  return wordMarks.flatMap((mark, index) => {
    if (mark.value.startsWith('<')) return [];
    const next = wordMarks[index + 1];
    return [
      {
        text: unescapeXml(mark.value),
        startSeconds: inAudio(mark.time),
        endSeconds: next ? inAudio(next.time) : durationSeconds,
      },
    ];
  });
}

/**
 * Polly neural voices, PCM at 16 kHz wrapped as WAV. The rate goes through SSML
 * prosody (neural voices ignore pitch). A second request for the same SSML asks for
 * word speech marks instead of audio: they time the subtitle cue to the words.
 * Polly bills both requests by their characters, so usage is the sum of the two
 * RequestCharacters (SSML tags are not billed).
 */
export class PollySpeechModel implements SpeechModel {
  readonly model = 'polly-neural';

  constructor(
    private readonly polly: PollyClient,
    private readonly guard: ProviderCallGuard,
  ) {}

  async speak(request: SpeechRequest, options: CallOptions = {}): Promise<Metered<SpeechResult>> {
    const voice = pollyVoice(request.language, request.voice.gender);
    if (!voice) throw new ProviderNotConfigured(`Polly has no neural voice for ${request.language}`);
    const rate = Math.round((request.voice.rate ?? 1) * 100);
    // The marks request names the same voice, engine and SSML as the audio, so the marks fall on the audio's timeline.
    const spoken = {
      Engine: 'neural',
      VoiceId: voice,
      LanguageCode: request.language as never,
      TextType: 'ssml',
      Text: `<speak><prosody rate="${rate}%">${escapeXml(request.text)}</prosody></speak>`,
    } satisfies Partial<SynthesizeSpeechCommandInput>;
    const audio = await guardedAwsCall(
      this.guard,
      (abortSignal) =>
        this.polly.send(new SynthesizeSpeechCommand({ ...spoken, OutputFormat: 'pcm', SampleRate: '16000' }), {
          abortSignal,
        }),
      options.attempts,
    );
    const pcm = Buffer.from(await audio.AudioStream!.transformToByteArray());
    const { wav, durationSeconds } = await toMonoWav(pcm, ['-f', 's16le', '-ar', '16000', '-ac', '1']);
    const marks = await guardedAwsCall(
      this.guard,
      (abortSignal) =>
        this.polly.send(new SynthesizeSpeechCommand({ ...spoken, OutputFormat: 'json', SpeechMarkTypes: ['word'] }), {
          abortSignal,
        }),
      options.attempts,
    );
    const words = wordsFromSpeechMarks(
      Buffer.from(await marks.AudioStream!.transformToByteArray()).toString('utf8'),
      durationSeconds,
    );
    const billed = (response: { RequestCharacters?: number }) => response.RequestCharacters ?? [...request.text].length;
    return {
      result: { wav, durationSeconds, words },
      usage: { speechCharacters: billed(audio) + billed(marks) },
      provider: BEDROCK,
      model: this.model,
    };
  }
}
