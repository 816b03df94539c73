import * as z from 'zod';
import { ProviderOutputInvalid } from '../../../core/errors.js';
import type { CallOptions, ConsistencyRequest, ConsistencyScorer, Metered } from '../../../core/ports.js';
import { requestOptions, type OpenAiConnection } from './connection.js';
import { OPENAI_COMPATIBLE } from './settings.js';

const VerdictSchema = z.object({ score: z.number().min(0).max(1) });

const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

/**
 * Character consistency judged by a vision chat model: the reference sheet and the
 * keyframe side by side, a 0..1 score back as JSON. A real image model does not say
 * where each character stands, so the whole frame is judged with the character
 * named; the pixel scorer's region crops are not available here.
 */
export class VisionConsistencyScorer implements ConsistencyScorer {
  /** A judge's 0.7 is "clearly the same person, minor differences"; calibrate with CONSISTENCY_THRESHOLD. */
  readonly defaultThreshold = 0.7;

  constructor(
    private readonly connection: OpenAiConnection,
    readonly model: string,
  ) {}

  async score(request: ConsistencyRequest, options: CallOptions = {}): Promise<Metered<number>> {
    const completion = await this.connection.call((client, signal) =>
      client.chat.completions.create(
        {
          model: this.model,
          response_format: { type: 'json_object' },
          temperature: 0,
          max_tokens: 50,
          messages: [
            {
              role: 'system',
              content:
                'You check character consistency for an animation studio. Compare the character on the reference sheet (first image) ' +
                'with the same character in the frame (second image): face, hair, build and clothing. Answer {"score": <0..1>} only; ' +
                '1 means certainly the same design, 0 means absent or clearly different.',
            },
            {
              role: 'user',
              content: [
                { type: 'text', text: `Character id: ${request.characterId}` },
                { type: 'image_url', image_url: { url: dataUrl(request.reference.png) } },
                { type: 'image_url', image_url: { url: dataUrl(request.keyframe.png) } },
              ],
            },
          ],
        },
        requestOptions(signal, options.idempotencyKey && `${options.idempotencyKey}:${this.model}`),
      ),
      options.attempts,
    );
    const usage = { inputTokens: completion.usage?.prompt_tokens ?? 0, outputTokens: completion.usage?.completion_tokens ?? 0 };
    const text = completion.choices[0]?.message.content ?? '';
    let verdict;
    try {
      verdict = VerdictSchema.safeParse(JSON.parse(text));
    } catch {
      verdict = undefined;
    }
    if (!verdict?.success) {
      throw new ProviderOutputInvalid(`${this.model} gave no 0..1 score: ${text.slice(0, 120)}`, [{ provider: OPENAI_COMPATIBLE, model: this.model, usage }]);
    }
    return { result: verdict.data.score, usage, provider: OPENAI_COMPATIBLE, model: this.model };
  }
}
