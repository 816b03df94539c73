import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { PollyClient } from '@aws-sdk/client-polly';
import { S3Client } from '@aws-sdk/client-s3';
import type { ProviderProfile, ProviderProfileFactory } from '../../../core/provider-profile.js';
import { BEDROCK } from './aws-call.js';
import { ConverseScriptWriter } from './converse-script-writer.js';
import { NovaCanvasImageModel } from './nova-canvas-image-model.js';
import { NovaReelVideoModel } from './nova-reel-video-model.js';
import { PollySpeechModel } from './polly-speech-model.js';
import { TitanEmbeddingConsistencyScorer } from './titan-embedding-consistency.js';

/** Bedrock models and Polly in the function's region, each AWS client built on first use. */
export const createProfile: ProviderProfileFactory = (context): ProviderProfile => {
  const guard = context.guard(BEDROCK);
  let bedrock: BedrockRuntimeClient | undefined;
  let polly: PollyClient | undefined;
  let s3: S3Client | undefined;
  const runtime = () => (bedrock ??= new BedrockRuntimeClient({}));
  return {
    text: (model) => new ConverseScriptWriter(runtime(), guard, model),
    developer: (model) => new ConverseScriptWriter(runtime(), guard, model),
    image: (model) => new NovaCanvasImageModel(runtime(), guard, model),
    consistency: (model) => new TitanEmbeddingConsistencyScorer(runtime(), guard, model),
    speech: () => new PollySpeechModel((polly ??= new PollyClient({})), guard),
    video: (model, polling) =>
      new NovaReelVideoModel(runtime(), (s3 ??= new S3Client({})), guard, model, context.bucket, polling.pollIntervalSeconds, polling.maxPolls),
  };
};
