import { ConverseCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { CallOptions, Metered, SceneScript, SceneScriptRequest, TextModel, ProviderCallGuard } from '../../../core/ports.js';
import { writeSceneWithRepair } from '../../../core/script-prompt.js';
import { BEDROCK, guardedAwsCall } from './aws-call.js';

/** Bedrock Converse: the same script prompt, schema check and repair as every text model. */
export class ConverseScriptWriter implements TextModel {
  constructor(
    private readonly bedrock: BedrockRuntimeClient,
    private readonly guard: ProviderCallGuard,
    readonly model: string,
  ) {}

  writeScene(request: SceneScriptRequest, options: CallOptions = {}): Promise<Metered<SceneScript>> {
    return writeSceneWithRepair(request, { provider: BEDROCK, model: this.model }, options.contentRewrite ?? false, async (messages) => {
      const response = await guardedAwsCall(this.guard, (abortSignal) =>
        this.bedrock.send(
          new ConverseCommand({
            modelId: this.model,
            system: messages.filter((m) => m.role === 'system').map((m) => ({ text: m.content })),
            messages: messages.filter((m) => m.role !== 'system').map((m) => ({ role: m.role as 'user' | 'assistant', content: [{ text: m.content }] })),
            inferenceConfig: { maxTokens: 4000, temperature: 0.8 },
          }),
          { abortSignal },
        ),
      );
      return {
        text: (response.output?.message?.content ?? []).map((block) => block.text ?? '').join(''),
        filtered: response.stopReason === 'content_filtered' || response.stopReason === 'guardrail_intervened',
        usage: { inputTokens: response.usage?.inputTokens ?? 0, outputTokens: response.usage?.outputTokens ?? 0 },
      };
    });
  }
}
