import { type BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { ProviderOutputInvalid } from '../../../core/contracts/errors.js';
import type {
  AttemptLedger,
  CallOptions,
  ConsistencyRequest,
  ConsistencyScorer,
  ConsistencyVerdict,
  Metered,
  ProviderCallGuard,
} from '../../../core/contracts/ports.js';
import { BEDROCK, invokeModelJson } from './aws-call.js';

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** How one embeddings model takes an image and answers its vector. */
export interface ImageEmbeddingShape {
  request(png: Buffer): unknown;
  vector(answer: unknown): number[] | undefined;
}

/**
 * Amazon Nova Multimodal Embeddings (`amazon.nova-2-multimodal-embeddings-v1:0`), synchronous InvokeModel
 * (https://docs.aws.amazon.com/nova/latest/userguide/embeddings-schema.html, read 2026-12-06): a SINGLE_EMBEDDING
 * task with the image inline, answered as `{ embeddings: [{ embeddingType, embedding }] }`.
 */
export const NOVA_MULTIMODAL_EMBEDDINGS: ImageEmbeddingShape = {
  request: (png) => ({
    schemaVersion: 'nova-multimodal-embed-v1',
    taskType: 'SINGLE_EMBEDDING',
    singleEmbeddingParams: {
      embeddingPurpose: 'GENERIC_INDEX',
      embeddingDimension: 1024,
      image: { detailLevel: 'STANDARD_IMAGE', format: 'png', source: { bytes: png.toString('base64') } },
    },
  }),
  vector: (answer) => (answer as { embeddings?: { embedding?: number[] }[] }).embeddings?.[0]?.embedding,
};

/** Titan Multimodal Embeddings G1 (`amazon.titan-embed-image-v1`): `{ inputImage, embeddingConfig }`, answered as `{ embedding }`. */
export const TITAN_MULTIMODAL_EMBEDDINGS: ImageEmbeddingShape = {
  request: (png) => ({ inputImage: png.toString('base64'), embeddingConfig: { outputEmbeddingLength: 1024 } }),
  vector: (answer) => (answer as { embedding?: number[] }).embedding,
};

/** The request shape a consistency model id takes: Titan's for Titan, Nova's otherwise. */
export const embeddingShapeOf = (model: string): ImageEmbeddingShape =>
  /titan-embed-image/.test(model) ? TITAN_MULTIMODAL_EMBEDDINGS : NOVA_MULTIMODAL_EMBEDDINGS;

/**
 * The reference sheet and the keyframe embedded, the score their cosine similarity (clamped to 0..1).
 * Real image models give no character regions, so the whole keyframe is embedded: in a scene with
 * several characters every one of them is scored against the same frame.
 */
export class EmbeddingConsistencyScorer implements ConsistencyScorer {
  /** Uncalibrated starting point for same-character pairs; tune with CONSISTENCY_THRESHOLD. */
  readonly defaultThreshold = 0.75;

  constructor(
    private readonly bedrock: BedrockRuntimeClient,
    private readonly guard: ProviderCallGuard,
    readonly model: string,
    private readonly shape: ImageEmbeddingShape = embeddingShapeOf(model),
  ) {}

  private async embed(png: Buffer, attempts: AttemptLedger | undefined): Promise<number[]> {
    const answer = await invokeModelJson<unknown>(
      this.guard,
      (abortSignal) =>
        this.bedrock.send(
          new InvokeModelCommand({
            modelId: this.model,
            contentType: 'application/json',
            accept: 'application/json',
            body: JSON.stringify(this.shape.request(png)),
          }),
          { abortSignal },
        ),
      attempts,
    );
    const vector = this.shape.vector(answer);
    if (!vector?.length)
      throw new ProviderOutputInvalid(`${this.model} returned no embedding`, [
        { provider: BEDROCK, model: this.model, usage: { images: 1 } },
      ]);
    return vector;
  }

  async score(request: ConsistencyRequest, options: CallOptions = {}): Promise<Metered<ConsistencyVerdict>> {
    const reference = await this.embed(request.reference.png, options.attempts);
    const keyframe = await this.embed(request.keyframe.png, options.attempts);
    return {
      result: { score: Math.max(0, Math.min(1, cosine(reference, keyframe))) },
      usage: { images: 2 },
      provider: BEDROCK,
      model: this.model,
    };
  }
}
