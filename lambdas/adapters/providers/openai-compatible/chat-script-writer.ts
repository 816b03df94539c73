import type { CallOptions, Metered, SceneScript, SceneScriptRequest, TextModel } from '../../../core/ports.js';
import { writeSceneWithRepair, type ChatMessage } from '../../../core/script-prompt.js';
import { requestOptions, type OpenAiConnection } from './connection.js';
import { OPENAI_COMPATIBLE } from './settings.js';

/** Chat completions in JSON mode: scene dialogue validated against the script schema, one repair prompt. */
export class ChatScriptWriter implements TextModel {
  constructor(
    private readonly connection: OpenAiConnection,
    readonly model: string,
  ) {}

  writeScene(request: SceneScriptRequest, options: CallOptions = {}): Promise<Metered<SceneScript>> {
    const serving = { provider: OPENAI_COMPATIBLE, model: this.model };
    let attempt = 0;
    return writeSceneWithRepair(request, serving, options.contentRewrite ?? false, async (messages: ChatMessage[]) => {
      attempt++;
      const completion = await this.connection.call((client, signal) =>
        client.chat.completions.create(
          { model: this.model, messages, response_format: { type: 'json_object' }, temperature: 0.8, seed: request.seed, max_tokens: 4000 },
          requestOptions(signal, options.idempotencyKey && `${options.idempotencyKey}:${this.model}:${attempt}`),
        ),
        options.attempts,
      );
      const choice = completion.choices[0];
      return {
        text: choice?.message.content ?? '',
        filtered: choice?.finish_reason === 'content_filter',
        usage: { inputTokens: completion.usage?.prompt_tokens ?? 0, outputTokens: completion.usage?.completion_tokens ?? 0 },
      };
    });
  }
}
