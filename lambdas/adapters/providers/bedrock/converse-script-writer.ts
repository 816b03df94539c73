import { type BedrockRuntimeClient, ConverseCommand, type ToolInputSchema } from '@aws-sdk/client-bedrock-runtime';
import type {
  AttemptLedger,
  CallOptions,
  DevelopedPart,
  EpisodeDeveloper,
  EpisodeDevelopmentRequest,
  EpisodeListing,
  EpisodeListingRequest,
  LineTranslation,
  LineTranslationRequest,
  LineTranslator,
  ListingTranslationRequest,
  Metered,
  ProviderCallGuard,
  SceneScript,
  SceneScriptRequest,
  TextModel,
  TitleTranslationRequest,
} from '../../../core/contracts/ports.js';
import type { ChatAnswer, ChatMessage } from '../../../core/prompts/answer-repair.js';
import { developmentJsonSchema, developPartWithRepair } from '../../../core/prompts/development-prompt.js';
import { listingJsonSchema, writeListingWithRepair } from '../../../core/prompts/listing-prompt.js';
import { scriptJsonSchema, writeSceneWithRepair } from '../../../core/prompts/script-prompt.js';
import {
  lineTranslationJsonSchema,
  listingTranslationJsonSchema,
  translateLineWithRepair,
  translateListingWithRepair,
  translateTitleWithRepair,
} from '../../../core/prompts/translation-prompt.js';
import { BEDROCK, guardedAwsCall } from './aws-call.js';

/** The one tool a structured answer is forced through: its input schema is the answer's JSON schema. */
interface AnswerTool {
  name: string;
  description: string;
  schema: Record<string, unknown>;
}

/**
 * Bedrock Converse: the same script, listing, development and translation prompts, repairs and checks as every text
 * model. Converse has no JSON mode; its documented way to a schema-valid answer is tool use, so
 * each call forces one tool (`toolChoice: { tool }`) whose input schema is the answer's, and the
 * answer is the tool call's input.
 */
export class ConverseScriptWriter implements TextModel, EpisodeDeveloper, LineTranslator {
  constructor(
    private readonly bedrock: BedrockRuntimeClient,
    private readonly guard: ProviderCallGuard,
    readonly model: string,
  ) {}

  writeScene(request: SceneScriptRequest, options: CallOptions = {}): Promise<Metered<SceneScript>> {
    const tool = {
      name: 'scene_script',
      description: "Records the scene's dialogue.",
      schema: scriptJsonSchema(request),
    };
    return writeSceneWithRepair(
      request,
      { provider: BEDROCK, model: this.model },
      options.contentRewrite ?? false,
      (messages) => this.converse(messages, 4000, tool, options.attempts),
    );
  }

  writeListing(request: EpisodeListingRequest, options: CallOptions = {}): Promise<Metered<EpisodeListing>> {
    const tool = {
      name: 'episode_listing',
      description: "Records the episode's platform description and hashtags.",
      schema: listingJsonSchema(),
    };
    return writeListingWithRepair(
      request,
      { provider: BEDROCK, model: this.model },
      options.contentRewrite ?? false,
      (messages) => this.converse(messages, 1500, tool, options.attempts),
    );
  }

  developPart(request: EpisodeDevelopmentRequest, options: CallOptions = {}): Promise<Metered<DevelopedPart>> {
    const tool = {
      name: 'scene_cards',
      description: "Records the part's scene cards and the story so far.",
      schema: developmentJsonSchema(request),
    };
    return developPartWithRepair(
      request,
      { provider: BEDROCK, model: this.model },
      options.contentRewrite ?? false,
      (messages) => this.converse(messages, 12_000, tool, options.attempts),
    );
  }

  translateLine(request: LineTranslationRequest, options: CallOptions = {}): Promise<Metered<LineTranslation>> {
    const tool = {
      name: 'dub_line',
      description: 'Records the line translated for the dub.',
      schema: lineTranslationJsonSchema('line'),
    };
    return translateLineWithRepair(
      request,
      { provider: BEDROCK, model: this.model },
      options.contentRewrite ?? false,
      (messages) => this.converse(messages, 800, tool, options.attempts),
    );
  }

  translateTitle(request: TitleTranslationRequest, options: CallOptions = {}): Promise<Metered<LineTranslation>> {
    const tool = {
      name: 'dub_title',
      description: "Records the episode's title translated for the dub's cover.",
      schema: lineTranslationJsonSchema('title'),
    };
    return translateTitleWithRepair(
      request,
      { provider: BEDROCK, model: this.model },
      options.contentRewrite ?? false,
      (messages) => this.converse(messages, 400, tool, options.attempts),
    );
  }

  translateListing(request: ListingTranslationRequest, options: CallOptions = {}): Promise<Metered<EpisodeListing>> {
    const tool = {
      name: 'dub_listing',
      description: "Records the episode's platform description and hashtags translated for the dub.",
      schema: listingTranslationJsonSchema(request.listing.hashtags.length),
    };
    return translateListingWithRepair(
      request,
      { provider: BEDROCK, model: this.model },
      options.contentRewrite ?? false,
      (messages) => this.converse(messages, 1500, tool, options.attempts),
    );
  }

  private async converse(
    messages: ChatMessage[],
    maxTokens: number,
    tool: AnswerTool,
    attempts: AttemptLedger | undefined,
  ): Promise<ChatAnswer> {
    const response = await guardedAwsCall(
      this.guard,
      (abortSignal) =>
        this.bedrock.send(
          new ConverseCommand({
            modelId: this.model,
            system: messages.filter((m) => m.role === 'system').map((m) => ({ text: m.content })),
            messages: messages
              .filter((m) => m.role !== 'system')
              .map((m) => ({ role: m.role as 'user' | 'assistant', content: [{ text: m.content }] })),
            inferenceConfig: { maxTokens, temperature: 0.8 },
            toolConfig: {
              tools: [
                {
                  toolSpec: {
                    name: tool.name,
                    description: tool.description,
                    inputSchema: { json: tool.schema } as ToolInputSchema,
                  },
                },
              ],
              toolChoice: { tool: { name: tool.name } },
            },
          }),
          { abortSignal },
        ),
      attempts,
    );
    const content = response.output?.message?.content ?? [];
    const called = content.find((block) => block.toolUse?.name === tool.name)?.toolUse;
    return {
      // A model that answers in text after all is read as any text answer is: the JSON in it, mended and checked.
      text: called ? JSON.stringify(called.input ?? null) : content.map((block) => block.text ?? '').join(''),
      filtered: response.stopReason === 'content_filtered' || response.stopReason === 'guardrail_intervened',
      usage: { inputTokens: response.usage?.inputTokens ?? 0, outputTokens: response.usage?.outputTokens ?? 0 },
    };
  }
}
