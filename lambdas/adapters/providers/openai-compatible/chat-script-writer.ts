import type { ChatMessage } from '../../../core/answer-repair.js';
import type { CallOptions, Metered, SceneScript, SceneScriptRequest, TextModel } from '../../../core/ports.js';
import { scriptJsonSchema, writeSceneWithRepair } from '../../../core/script-prompt.js';
import { chatAnswerOf, type OpenAiConnection, requestOptions } from './connection.js';
import { OPENAI_COMPATIBLE, type ResponseFormatMode } from './settings.js';

/**
 * Chat completions writing a scene's dialogue: structured output (the script's JSON schema, the
 * speakers an enum of the scene's cast) where the provider has it, JSON mode otherwise; either way
 * the answer is mended, validated and repaired here.
 */
export class ChatScriptWriter implements TextModel {
  constructor(
    private readonly connection: OpenAiConnection,
    readonly model: string,
    private readonly responseFormat: ResponseFormatMode,
  ) {}

  writeScene(request: SceneScriptRequest, options: CallOptions = {}): Promise<Metered<SceneScript>> {
    const serving = { provider: OPENAI_COMPATIBLE, model: this.model };
    const response_format =
      this.responseFormat === 'json_schema'
        ? ({
            type: 'json_schema',
            json_schema: { name: 'scene_script', strict: true, schema: scriptJsonSchema(request) },
          } as const)
        : ({ type: 'json_object' } as const);
    let attempt = 0;
    return writeSceneWithRepair(request, serving, options.contentRewrite ?? false, async (messages: ChatMessage[]) => {
      attempt++;
      const completion = await this.connection.call(
        (client, signal) =>
          client.chat.completions.create(
            { model: this.model, messages, response_format, temperature: 0.8, seed: request.seed, max_tokens: 4000 },
            requestOptions(signal, options.idempotencyKey && `${options.idempotencyKey}:${this.model}:${attempt}`),
          ),
        options.attempts,
      );
      return chatAnswerOf(completion);
    });
  }
}
