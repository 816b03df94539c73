import * as z from 'zod';
import type {
  CallOptions,
  ConsistencyRequest,
  ConsistencyScorer,
  ConsistencyVerdict,
  Metered,
} from '../../../core/contracts/ports.js';
import { answerWithRepair, zodProblems } from '../../../core/prompts/answer-repair.js';
import { chatAnswerOf, type OpenAiConnection, requestOptions } from './connection.js';
import { OPENAI_COMPATIBLE } from './settings.js';

const VerdictSchema = z.object({ score: z.number().min(0).max(1) });

const JUDGE =
  'You check character consistency for an animation studio. Compare the character on the reference sheet (first image) ' +
  'with the same character in the frame (second image): face, hair, build and clothing. Answer {"score": <0..1>} only; ' +
  '1 means certainly the same design, 0 means absent or clearly different.';

const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

/**
 * Character consistency judged by a vision chat model: the reference sheet and the
 * keyframe side by side, a 0..1 score back as JSON. A real image model does not say
 * where each character stands, so the whole frame is judged with the character
 * named; the pixel scorer's region crops are not available here. The verdict is read as
 * every structured answer is: the JSON in it, and one repair prompt before it is refused.
 */
export class VisionConsistencyScorer implements ConsistencyScorer {
  /** A judge's 0.7 is "clearly the same person, minor differences"; calibrate with CONSISTENCY_THRESHOLD. */
  readonly defaultThreshold = 0.7;

  constructor(
    private readonly connection: OpenAiConnection,
    readonly model: string,
  ) {}

  async score(request: ConsistencyRequest, options: CallOptions = {}): Promise<Metered<ConsistencyVerdict>> {
    const pictures = {
      role: 'user' as const,
      content: [
        { type: 'text' as const, text: `Character id: ${request.characterId}` },
        { type: 'image_url' as const, image_url: { url: dataUrl(request.reference.png) } },
        { type: 'image_url' as const, image_url: { url: dataUrl(request.keyframe.png) } },
      ],
    };
    let attempt = 0;
    const metered = await answerWithRepair({
      messages: [{ role: 'system', content: JUDGE }],
      serving: { provider: OPENAI_COMPATIBLE, model: this.model },
      what: 'consistency score',
      // The pictures follow the instructions, and a repair prompt follows the pictures.
      complete: async ([instructions, ...repair]) => {
        attempt++;
        const completion = await this.connection.call(
          (client, signal) =>
            client.chat.completions.create(
              {
                model: this.model,
                response_format: { type: 'json_object' },
                temperature: 0,
                max_tokens: 50,
                messages: [instructions!, pictures, ...repair],
              },
              requestOptions(
                signal,
                options.idempotencyKey && `${options.idempotencyKey}:${this.model}${attempt > 1 ? `:${attempt}` : ''}`,
              ),
            ),
          options.attempts,
        );
        return chatAnswerOf(completion);
      },
      check: (answer) => {
        const verdict = VerdictSchema.safeParse(answer);
        return verdict.success
          ? { ok: true, value: verdict.data.score, repairs: [] }
          : { ok: false, problems: zodProblems(verdict.error) };
      },
    });
    const { value: score, repairs } = metered.result;
    return { ...metered, result: { score, ...(repairs.length > 0 && { repairs }) } };
  }
}
