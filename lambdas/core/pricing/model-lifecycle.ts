/**
 * The model lifecycle table: for each model in the price table, the state its provider
 * published when we read it (Active, Legacy) and its end-of-life date, with the page and
 * the day it was read. After its end of life every request to a model fails, so a route
 * to it is refused before anything is bought (composition/model-lifecycle-check.ts).
 *
 * `Unknown` says that no page read here gave the model's state: it is not refused, and
 * docs/providers.md names each such entry. Re-read the sources before a large run, and
 * bump LIFECYCLE_TABLE_READ_ON with any edit.
 */
export const LIFECYCLE_TABLE_READ_ON = '2026-12-06';

export type PublishedState = 'Active' | 'Legacy' | 'Unknown';

export interface ModelLifecycle {
  state: PublishedState;
  /** ISO date (YYYY-MM-DD) after which every request fails. */
  endOfLife?: string;
  /** What to route the stage to instead, as the provider's docs or this project recommend. */
  successor?: string;
  source: string;
  readOn: string;
}

/** The state on a given day: a model past its end-of-life date is EOL whatever it was when read. */
export type LifecycleState = PublishedState | 'EOL';

const READ = LIFECYCLE_TABLE_READ_ON;
const OURS: ModelLifecycle = { state: 'Active', source: 'this project (offline models ship with it)', readOn: READ };
const NOT_PUBLISHED = (provider: string): ModelLifecycle => ({
  state: 'Unknown',
  source: `${provider} publishes no per-model lifecycle that was read here`,
  readOn: READ,
});

const LUMA_RAY_2 = 'luma.ray-v2:0';
const STABLE_IMAGE_CORE = 'stability.stable-image-core-v1:1';
const NOVA_MULTIMODAL_EMBEDDINGS = 'amazon.nova-2-multimodal-embeddings-v1:0';
const NOVA_2_LITE = 'us.amazon.nova-2-lite-v1:0';

const LIFECYCLE: Record<string, ModelLifecycle> = {
  'offline/phrasebook-v1': OURS,
  'offline/storyboard-v1': OURS,
  'offline/pixel-similarity-v1': OURS,
  'offline/espeak-ng': OURS,
  'offline/camera-motion-v1': OURS,
  'offline/painted-mouths-v1': OURS,
  'offline/procedural-bed-v1': OURS,

  'openai-compatible/deepseek-chat': NOT_PUBLISHED('DeepSeek'),
  'openai-compatible/gpt-4.1-mini': NOT_PUBLISHED('OpenAI'),
  'openai-compatible/gpt-4.1': NOT_PUBLISHED('OpenAI'),
  'openai-compatible/gpt-4o-mini': NOT_PUBLISHED('OpenAI'),
  'openai-compatible/gpt-image-1': NOT_PUBLISHED('OpenAI'),
  'openai-compatible/tts-1': NOT_PUBLISHED('OpenAI'),
  'openai-compatible/whisper-1': NOT_PUBLISHED('OpenAI'),
  'openai-compatible/sora-2': NOT_PUBLISHED('OpenAI'),
  'openai-compatible/lipsync-2': NOT_PUBLISHED('sync.so'),
  'openai-compatible/lipsync-2-pro': NOT_PUBLISHED('sync.so'),
  'sync-so/lipsync-2': NOT_PUBLISHED('sync.so'),
  'sync-so/lipsync-2-pro': NOT_PUBLISHED('sync.so'),

  // Bedrock: the model cards (https://docs.aws.amazon.com/bedrock/latest/userguide/model-card-<model>.html) and the
  // lifecycle policy for models launched before 2026-09-07 (https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle-legacy.html).
  'bedrock/amazon.nova-reel-v1:1': {
    state: 'Legacy',
    endOfLife: '2026-09-30',
    successor: LUMA_RAY_2,
    source:
      'https://docs.aws.amazon.com/bedrock/latest/userguide/model-card-amazon-nova-reel.html (Legacy in certain Regions, EOL 2026-09-30)',
    readOn: READ,
  },
  'bedrock/amazon.nova-canvas-v1:0': {
    state: 'Legacy',
    endOfLife: '2026-09-30',
    successor: STABLE_IMAGE_CORE,
    source:
      'Legacy with EOL 2026-09-30 as quoted from AWS by https://www.skills.sh/calesthio/generative-media-skills/amazon-nova-canvas (verified there 2026-07-09); its Bedrock model card was not readable here',
    readOn: READ,
  },
  'bedrock/amazon.titan-embed-image-v1': {
    state: 'Unknown',
    successor: NOVA_MULTIMODAL_EMBEDDINGS,
    source:
      'https://docs.aws.amazon.com/bedrock/latest/userguide/titan-multiemb-models.html (no lifecycle on the page); the migration to Nova Multimodal Embeddings is documented by AWS, its dates were not found here',
    readOn: READ,
  },
  'bedrock/amazon.nova-lite-v1:0': {
    state: 'Active',
    successor: NOVA_2_LITE,
    source:
      'Active per its model card as quoted by https://github.com/quattro004/Agent004/wiki/Source-Amazon-Nova-Lite (read there 2026-09-29)',
    readOn: READ,
  },
  'bedrock/amazon.nova-pro-v1:0': {
    state: 'Unknown',
    successor: NOVA_2_LITE,
    source: 'no model card for Nova Pro was readable here',
    readOn: READ,
  },
  'bedrock/amazon.nova-premier-v1:0': {
    state: 'Unknown',
    successor: NOVA_2_LITE,
    source: 'no model card for Nova Premier was readable here',
    readOn: READ,
  },
  'bedrock/amazon.nova-2-lite-v1:0': {
    state: 'Active',
    source:
      'https://docs.aws.amazon.com/nova/latest/nova2-userguide/core-inference.html (ids global.amazon.nova-2-lite-v1:0, us.amazon.nova-2-lite-v1:0; launched 2025-12-02); Active per its model card as quoted by https://github.com/quattro004/Agent004/wiki/Source-Amazon-Nova-Lite',
    readOn: READ,
  },
  'bedrock/amazon.nova-2-multimodal-embeddings-v1:0': {
    state: 'Active',
    source:
      'https://docs.aws.amazon.com/bedrock/latest/userguide/model-card-amazon-amazon-nova-multimodal-embeddings.html (no Legacy state or EOL date shown); launched 2025-10-28 per https://docs.aws.amazon.com/nova/latest/userguide/doc-history.html',
    readOn: READ,
  },
  'bedrock/luma.ray-v2:0': {
    state: 'Active',
    source:
      'https://docs.aws.amazon.com/bedrock/latest/userguide/model-card-luma-ai-ray2.html (Active; EOL N/A, no sooner than 2026-01-23; Legacy period at least 6 months)',
    readOn: READ,
  },
  'bedrock/stability.stable-image-core-v1:1': {
    state: 'Active',
    source:
      'https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-stability-diffusion.html lists Stable Image Core among the Stability models Bedrock supports ("support for all other Stability AI models is being deprecated"); no model card with dates was readable here',
    readOn: READ,
  },
  'bedrock/polly-neural': {
    state: 'Active',
    source: 'Amazon Polly is a service, not a Bedrock model: neural voices have no published end of life',
    readOn: READ,
  },
};

/** Cross-Region inference profiles (`us.amazon.nova-2-lite-v1:0`) share the lifecycle of the model they route to. */
const INFERENCE_PROFILE_PREFIX = /^(us|eu|apac|us-gov|global|jp|au|ca)\./;

export function foundationModelOf(model: string): string {
  return model.replace(INFERENCE_PROFILE_PREFIX, '');
}

export function lifecycleOf(provider: string, model: string): ModelLifecycle | undefined {
  return LIFECYCLE[`${provider}/${model}`] ?? LIFECYCLE[`${provider}/${foundationModelOf(model)}`];
}

/** `today` as YYYY-MM-DD in UTC, the form the end-of-life dates are written in. */
export function isoDay(today: Date): string {
  return today.toISOString().slice(0, 10);
}

/** The state on `today`: EOL on and after the end-of-life date, else as published. */
export function lifecycleStateOn(entry: ModelLifecycle, today: Date): LifecycleState {
  return entry.endOfLife && isoDay(today) >= entry.endOfLife ? 'EOL' : entry.state;
}

/** Every entry, for the tests that hold the table and the price table to the same models. */
export function lifecycleTable(): Readonly<Record<string, ModelLifecycle>> {
  return LIFECYCLE;
}
