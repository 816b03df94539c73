import type { ProviderProfile, ProviderProfileFactory } from '../../../core/contracts/provider-profile.js';
import { ChatEpisodeDeveloper } from './chat-episode-developer.js';
import { ChatScriptWriter } from './chat-script-writer.js';
import { OpenAiConnection } from './connection.js';
import { OpenAiImageModel } from './image-model.js';
import { OpenAiLipSyncModel } from './lip-sync-model.js';
import { OPENAI_COMPATIBLE, openAiSettingsFromEnv, structuredOutputFromEnv } from './settings.js';
import { OpenAiSpeechModel } from './speech-model.js';
import { OpenAiTranscriber } from './transcriber.js';
import { OpenAiVideoModel } from './video-model.js';
import { VisionConsistencyScorer } from './vision-consistency.js';

/** Any OpenAI-compatible API, through one client per process. */
export const createProfile: ProviderProfileFactory = (context): ProviderProfile => {
  const connection = new OpenAiConnection(openAiSettingsFromEnv(context.env), context.guard(OPENAI_COMPATIBLE));
  return {
    text: (model) => new ChatScriptWriter(connection, model, structuredOutputFromEnv(context.env)),
    translator: (model) => new ChatScriptWriter(connection, model, structuredOutputFromEnv(context.env)),
    developer: (model) => new ChatEpisodeDeveloper(connection, model, structuredOutputFromEnv(context.env)),
    image: (model) => new OpenAiImageModel(connection, model),
    consistency: (model) => new VisionConsistencyScorer(connection, model),
    speech: (model) => new OpenAiSpeechModel(connection, model),
    transcriber: (model) => new OpenAiTranscriber(connection, model),
    video: (model, polling) => new OpenAiVideoModel(connection, model, polling.pollIntervalSeconds, polling.maxPolls),
    lipSync: (model, polling) =>
      new OpenAiLipSyncModel(
        connection,
        model,
        polling.pollIntervalSeconds,
        context.env.DRAMAFORGE_OPENAI_LIPSYNC_PATH,
      ),
  };
};
