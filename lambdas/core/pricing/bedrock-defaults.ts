import { foundationModelOf } from './model-lifecycle.js';

/**
 * The bedrock profile's default model per stage, chosen 2026-12-06 from what Bedrock serves
 * (docs/providers.md, "Bedrock models"): Nova 2 Lite through its US cross-Region inference
 * profile, Stable Image Core, Nova Multimodal Embeddings, Polly, Luma Ray 2. In the core so
 * that the routes and the stack's IAM grants read the same list.
 */
export const BEDROCK_DEFAULT_MODELS = {
  script: 'us.amazon.nova-2-lite-v1:0',
  image: 'stability.stable-image-core-v1:1',
  consistency: 'amazon.nova-2-multimodal-embeddings-v1:0',
  speech: 'polly-neural',
  video: 'luma.ray-v2:0',
} as const;

export interface InferenceProfileRoute {
  profile: string;
  foundationModel: string;
}

/**
 * The cross-Region inference profiles among the defaults, each with the foundation model it
 * routes to. Calling one needs bedrock:InvokeModel on the profile's ARN and on the foundation
 * model in every Region the profile may route to.
 */
export function defaultInferenceProfiles(): InferenceProfileRoute[] {
  return Object.values(BEDROCK_DEFAULT_MODELS)
    .filter((model) => foundationModelOf(model) !== model)
    .map((profile) => ({ profile, foundationModel: foundationModelOf(profile) }));
}
