import { InvokeModelCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { ProviderOutputInvalid } from '../../../core/errors.js';
import type { CallOptions, ConsistencyRequest, ConsistencyScorer, Metered, ProviderCallGuard } from '../../../core/ports.js';
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

/**
 * Titan Multimodal Embeddings: the reference sheet and the keyframe embedded, the
 * score their cosine similarity (clamped to 0..1). Real image models give no
 * character regions, so the whole keyframe is embedded: in a scene with several
 * characters every one of them is scored against the same frame.
 */
export class TitanEmbeddingConsistencyScorer implements ConsistencyScorer {
  /** Uncalibrated starting point for same-character pairs; tune with CONSISTENCY_THRESHOLD. */
  readonly defaultThreshold = 0.75;

  constructor(
    private readonly bedrock: BedrockRuntimeClient,
    private readonly guard: ProviderCallGuard,
    readonly model: string,
  ) {}

  private async embed(png: Buffer): Promise<number[]> {
    const answer = await invokeModelJson<{ embedding?: number[] }>(this.guard, (abortSignal) =>
      this.bedrock.send(
        new InvokeModelCommand({
          modelId: this.model,
          contentType: 'application/json',
          accept: 'application/json',
          body: JSON.stringify({ inputImage: png.toString('base64'), embeddingConfig: { outputEmbeddingLength: 1024 } }),
        }),
        { abortSignal },
      ),
    );
    if (!answer.embedding?.length) throw new ProviderOutputInvalid(`${this.model} returned no embedding`, [{ provider: BEDROCK, model: this.model, usage: { images: 1 } }]);
    return answer.embedding;
  }

  async score(request: ConsistencyRequest, _options: CallOptions = {}): Promise<Metered<number>> {
    const reference = await this.embed(request.reference.png);
    const keyframe = await this.embed(request.keyframe.png);
    return { result: Math.max(0, Math.min(1, cosine(reference, keyframe))), usage: { images: 2 }, provider: BEDROCK, model: this.model };
  }
}
