import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { PollyClient } from '@aws-sdk/client-polly';
import { S3Client } from '@aws-sdk/client-s3';
import type { ProviderProfile, ProviderProfileFactory } from '../../../core/contracts/provider-profile.js';
import { BEDROCK } from './aws-call.js';
import { ConverseScriptWriter } from './converse-script-writer.js';
import { EmbeddingConsistencyScorer } from './embedding-consistency.js';
import { LumaRayVideoModel } from './luma-ray-video-model.js';
import { PollySpeechModel } from './polly-speech-model.js';
import { StabilityImageModel } from './stability-image-model.js';

/** Bedrock models and Polly in the function's region, each AWS client built on first use. */
export const createProfile: ProviderProfileFactory = (context): ProviderProfile => {
  const guard = context.guard(BEDROCK);
  const runtime = builtOnFirstUse(() => new BedrockRuntimeClient({}));
  const polly = builtOnFirstUse(() => new PollyClient({}));
  const s3 = builtOnFirstUse(() => new S3Client({}));
  return {
    text: (model) => new ConverseScriptWriter(runtime(), guard, model),
    developer: (model) => new ConverseScriptWriter(runtime(), guard, model),
    translator: (model) => new ConverseScriptWriter(runtime(), guard, model),
    image: (model) => new StabilityImageModel(runtime(), guard, model),
    consistency: (model) => new EmbeddingConsistencyScorer(runtime(), guard, model),
    speech: () => new PollySpeechModel(polly(), guard),
    video: (model, polling) =>
      new LumaRayVideoModel(
        runtime(),
        s3(),
        guard,
        model,
        context.bucket,
        polling.pollIntervalSeconds,
        polling.maxPolls,
      ),
  };
};

function builtOnFirstUse<Client>(build: () => Client): () => Client {
  let client: Client | undefined;
  return () => {
    client ??= build();
    return client;
  };
}
