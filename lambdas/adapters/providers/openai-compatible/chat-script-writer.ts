import type {
  CallOptions,
  EpisodeListing,
  EpisodeListingRequest,
  LineTranslation,
  LineTranslationRequest,
  LineTranslator,
  ListingTranslationRequest,
  Metered,
  SceneScript,
  SceneScriptRequest,
  TextModel,
  TitleTranslationRequest,
} from '../../../core/contracts/ports.js';
import type { ChatAnswer, ChatMessage } from '../../../core/prompts/answer-repair.js';
import { listingJsonSchema, writeListingWithRepair } from '../../../core/prompts/listing-prompt.js';
import { scriptJsonSchema, writeSceneWithRepair } from '../../../core/prompts/script-prompt.js';
import {
  lineTranslationJsonSchema,
  listingTranslationJsonSchema,
  translateLineWithRepair,
  translateListingWithRepair,
  translateTitleWithRepair,
} from '../../../core/prompts/translation-prompt.js';
import { chatAnswerOf, type OpenAiConnection, requestOptions } from './connection.js';
import { OPENAI_COMPATIBLE, type ResponseFormatMode } from './settings.js';

/**
 * Chat completions writing a scene's dialogue and an episode's listing, and translating them for a
 * dub: structured output (the answer's JSON schema, a scene's speakers an enum of its cast) where
 * the provider has it, JSON mode otherwise; either way the answer is mended, validated and repaired here.
 */
export class ChatScriptWriter implements TextModel, LineTranslator {
  constructor(
    private readonly connection: OpenAiConnection,
    readonly model: string,
    private readonly responseFormat: ResponseFormatMode,
  ) {}

  writeScene(request: SceneScriptRequest, options: CallOptions = {}): Promise<Metered<SceneScript>> {
    const complete = this.completion('scene_script', scriptJsonSchema(request), request.seed, 4000, options);
    return writeSceneWithRepair(request, this.serving, options.contentRewrite ?? false, complete);
  }

  writeListing(request: EpisodeListingRequest, options: CallOptions = {}): Promise<Metered<EpisodeListing>> {
    const complete = this.completion('episode_listing', listingJsonSchema(), request.seed, 1500, options);
    return writeListingWithRepair(request, this.serving, options.contentRewrite ?? false, complete);
  }

  translateLine(request: LineTranslationRequest, options: CallOptions = {}): Promise<Metered<LineTranslation>> {
    const complete = this.completion('dub_line', lineTranslationJsonSchema('line'), request.seed, 800, options);
    return translateLineWithRepair(request, this.serving, options.contentRewrite ?? false, complete);
  }

  translateTitle(request: TitleTranslationRequest, options: CallOptions = {}): Promise<Metered<LineTranslation>> {
    const complete = this.completion('dub_title', lineTranslationJsonSchema('title'), request.seed, 400, options);
    return translateTitleWithRepair(request, this.serving, options.contentRewrite ?? false, complete);
  }

  translateListing(request: ListingTranslationRequest, options: CallOptions = {}): Promise<Metered<EpisodeListing>> {
    const schema = listingTranslationJsonSchema(request.listing.hashtags.length);
    const complete = this.completion('dub_listing', schema, request.seed, 1500, options);
    return translateListingWithRepair(request, this.serving, options.contentRewrite ?? false, complete);
  }

  private get serving() {
    return { provider: OPENAI_COMPATIBLE, model: this.model };
  }

  /** One chat completion per attempt of the repair loop, each with its own idempotency key. */
  private completion(
    name: string,
    schema: Record<string, unknown>,
    seed: number,
    maxTokens: number,
    options: CallOptions,
  ): (messages: ChatMessage[]) => Promise<ChatAnswer> {
    const response_format =
      this.responseFormat === 'json_schema'
        ? ({ type: 'json_schema', json_schema: { name, strict: true, schema } } as const)
        : ({ type: 'json_object' } as const);
    let attempt = 0;
    return async (messages) => {
      attempt++;
      const completion = await this.connection.call(
        (client, signal) =>
          client.chat.completions.create(
            { model: this.model, messages, response_format, temperature: 0.8, seed, max_tokens: maxTokens },
            requestOptions(signal, options.idempotencyKey && `${options.idempotencyKey}:${this.model}:${attempt}`),
          ),
        options.attempts,
      );
      return chatAnswerOf(completion);
    };
  }
}
