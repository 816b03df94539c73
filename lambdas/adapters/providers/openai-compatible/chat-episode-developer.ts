import type {
  CallOptions,
  DevelopedPart,
  EpisodeDeveloper,
  EpisodeDevelopmentRequest,
  Metered,
} from '../../../core/contracts/ports.js';
import type { ChatMessage } from '../../../core/prompts/answer-repair.js';
import { developmentJsonSchema, developPartWithRepair } from '../../../core/prompts/development-prompt.js';
import { chatAnswerOf, type OpenAiConnection, requestOptions } from './connection.js';
import { OPENAI_COMPATIBLE, type ResponseFormatMode } from './settings.js';

/**
 * Chat completions writing an episode's scene cards: structured output (`response_format` with the
 * cards' JSON schema) where the provider has it, JSON mode otherwise; either way the answer is
 * validated here and repaired once before the router escalates a tier.
 */
export class ChatEpisodeDeveloper implements EpisodeDeveloper {
  constructor(
    private readonly connection: OpenAiConnection,
    readonly model: string,
    private readonly responseFormat: ResponseFormatMode,
  ) {}

  developPart(request: EpisodeDevelopmentRequest, options: CallOptions = {}): Promise<Metered<DevelopedPart>> {
    const serving = { provider: OPENAI_COMPATIBLE, model: this.model };
    const response_format =
      this.responseFormat === 'json_schema'
        ? ({
            type: 'json_schema',
            json_schema: { name: 'scene_cards', strict: true, schema: developmentJsonSchema(request) },
          } as const)
        : ({ type: 'json_object' } as const);
    let attempt = 0;
    return developPartWithRepair(request, serving, options.contentRewrite ?? false, async (messages: ChatMessage[]) => {
      attempt++;
      const completion = await this.connection.call(
        (client, signal) =>
          client.chat.completions.create(
            { model: this.model, messages, response_format, temperature: 0.8, seed: request.seed, max_tokens: 12_000 },
            requestOptions(signal, options.idempotencyKey && `${options.idempotencyKey}:${this.model}:${attempt}`),
          ),
        options.attempts,
      );
      return chatAnswerOf(completion);
    });
  }
}
