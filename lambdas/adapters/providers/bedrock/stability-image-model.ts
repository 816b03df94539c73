import { type BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { ProviderContentFiltered, ProviderOutputInvalid, ProviderUnavailable } from '../../../core/contracts/errors.js';
import type {
  CallOptions,
  ImageModel,
  KeyframeRequest,
  Metered,
  ProviderCallGuard,
  ReferenceSheetRequest,
  RenderedImage,
} from '../../../core/contracts/ports.js';
import { rewriteForContentPolicy } from '../../../core/prompts/content-rewrite.js';
import { keyframePrompt, referenceSheetPrompt } from '../../../core/prompts/image-prompts.js';
import { coverToPng } from '../../media/media-fit.js';
import { BEDROCK, invokeModelJson } from './aws-call.js';
import { nearestAspectRatio } from './luma-ray-video-model.js';

/**
 * Stable Image Core on Bedrock (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-diffusion-stable-image-core-text-image-request-response.html,
 * read 2026-12-06): InvokeModel with `prompt` (up to 10,000 characters), `aspect_ratio`, `seed` (0 to 4294967295),
 * `output_format`; the answer is `{ seeds, finish_reasons, images }`, a finish reason of null meaning success and
 * "Filter reason: ..." a refusal.
 */
const MAX_PROMPT = 10_000;
const ASPECT_RATIOS = ['16:9', '1:1', '21:9', '2:3', '3:2', '4:5', '5:4', '9:16', '9:21'] as const;

interface StabilityAnswer {
  seeds?: number[];
  finish_reasons?: (string | null)[];
  images?: string[];
}

/**
 * Stability AI's text-to-image models on Bedrock. The model draws in the documented aspect ratio
 * nearest the frame (9:16 for a vertical drama), and the image is fitted to the manifest's size.
 * It takes no reference image for text-to-image, so a keyframe is drawn from the prompt alone,
 * which describes each character as the reference sheet does; regions are unknown (empty).
 */
export class StabilityImageModel implements ImageModel {
  constructor(
    private readonly bedrock: BedrockRuntimeClient,
    private readonly guard: ProviderCallGuard,
    readonly model: string,
  ) {}

  drawReferenceSheet(request: ReferenceSheetRequest, options: CallOptions = {}): Promise<Metered<RenderedImage>> {
    return this.draw(
      referenceSheetPrompt(request.character, request.style),
      { width: 1024, height: 1024 },
      request.seed,
      options,
    );
  }

  drawKeyframe(request: KeyframeRequest, options: CallOptions = {}): Promise<Metered<RenderedImage>> {
    return this.draw(keyframePrompt(request), { width: request.width, height: request.height }, request.seed, options);
  }

  private async draw(
    prompt: string,
    frame: { width: number; height: number },
    seed: number,
    options: CallOptions,
  ): Promise<Metered<RenderedImage>> {
    const body = {
      prompt: (options.contentRewrite ? rewriteForContentPolicy(prompt) : prompt).slice(0, MAX_PROMPT),
      aspect_ratio: nearestAspectRatio(frame.width, frame.height, ASPECT_RATIOS),
      seed: seed % 4_294_967_295,
      output_format: 'png',
    };
    const answer = await invokeModelJson<StabilityAnswer>(
      this.guard,
      (abortSignal) =>
        this.bedrock.send(
          new InvokeModelCommand({
            modelId: this.model,
            contentType: 'application/json',
            accept: 'application/json',
            body: JSON.stringify(body),
          }),
          { abortSignal },
        ),
      options.attempts,
    );
    const usage = { images: answer.images?.length ?? 0 };
    const charge = { provider: BEDROCK, model: this.model, usage };
    const reason = answer.finish_reasons?.[0];
    if (reason && /^Filter reason/i.test(reason)) throw new ProviderContentFiltered(`${this.model}: ${reason}`);
    if (reason) throw new ProviderUnavailable(`${this.model}: ${reason}`);
    const encoded = answer.images?.[0];
    if (!encoded) throw new ProviderOutputInvalid(`${this.model} returned no image`, [charge]);
    const png = await coverToPng(Buffer.from(encoded, 'base64'), frame.width, frame.height, charge);
    return {
      result: { png, width: frame.width, height: frame.height, regions: {} },
      usage,
      provider: BEDROCK,
      model: this.model,
    };
  }
}
