import { ConverseCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type {
  AttemptLedger,
  CallOptions,
  DevelopedPart,
  EpisodeDeveloper,
  EpisodeDevelopmentRequest,
  Metered,
  ProviderCallGuard,
  SceneScript,
  SceneScriptRequest,
  TextModel,
} from '../../../core/ports.js';
import { developPartWithRepair } from '../../../core/development-prompt.js';
import { writeSceneWithRepair, type ChatAnswer, type ChatMessage } from '../../../core/script-prompt.js';
import { BEDROCK, guardedAwsCall } from './aws-call.js';

/**
 * Bedrock Converse: the same script and development prompts, schema checks and repair as every
 * text model. Converse has no JSON mode: the prompt asks for the JSON object and the repair
 * prompt names what was wrong with it.
 */
export class ConverseScriptWriter implements TextModel, EpisodeDeveloper {
  constructor(
    private readonly bedrock: BedrockRuntimeClient,
    private readonly guard: ProviderCallGuard,
    readonly model: string,
  ) {}

  writeScene(request: SceneScriptRequest, options: CallOptions = {}): Promise<Metered<SceneScript>> {
    return writeSceneWithRepair(request, { provider: BEDROCK, model: this.model }, options.contentRewrite ?? false, (messages) => this.converse(messages, 4000, options.attempts));
  }

  developPart(request: EpisodeDevelopmentRequest, options: CallOptions = {}): Promise<Metered<DevelopedPart>> {
    return developPartWithRepair(request, { provider: BEDROCK, model: this.model }, options.contentRewrite ?? false, (messages) => this.converse(messages, 12_000, options.attempts));
  }

  private async converse(messages: ChatMessage[], maxTokens: number, attempts: AttemptLedger | undefined): Promise<ChatAnswer> {
    const response = await guardedAwsCall(this.guard, (abortSignal) =>
      this.bedrock.send(
        new ConverseCommand({
          modelId: this.model,
          system: messages.filter((m) => m.role === 'system').map((m) => ({ text: m.content })),
          messages: messages.filter((m) => m.role !== 'system').map((m) => ({ role: m.role as 'user' | 'assistant', content: [{ text: m.content }] })),
          inferenceConfig: { maxTokens, temperature: 0.8 },
        }),
        { abortSignal },
      ),
      attempts,
    );
    return {
      text: (response.output?.message?.content ?? []).map((block) => block.text ?? '').join(''),
      filtered: response.stopReason === 'content_filtered' || response.stopReason === 'guardrail_intervened',
      usage: { inputTokens: response.usage?.inputTokens ?? 0, outputTokens: response.usage?.outputTokens ?? 0 },
    };
  }
}
