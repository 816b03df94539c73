import { toFile } from 'openai';
import type { ImagesResponse } from 'openai/resources/images';
import { ProviderOutputInvalid } from '../../../core/contracts/errors.js';
import type {
  CallOptions,
  ImageModel,
  KeyframeRequest,
  Metered,
  ReferenceSheetRequest,
  RenderedImage,
  Usage,
} from '../../../core/contracts/ports.js';
import { rewriteForContentPolicy } from '../../../core/prompts/content-rewrite.js';
import { keyframePrompt, referenceSheetPrompt } from '../../../core/prompts/image-prompts.js';
import { coverToPng } from '../../media/media-fit.js';
import { type OpenAiConnection, requestOptions } from './connection.js';
import { OPENAI_COMPATIBLE } from './settings.js';

/** The sizes gpt-image-1 draws; the frame is cut from the one nearest its aspect. */
const SIZES = [
  { size: '1024x1536', ratio: 1024 / 1536 },
  { size: '1024x1024', ratio: 1 },
  { size: '1536x1024', ratio: 1536 / 1024 },
] as const;

const nearestSize = (width: number, height: number) =>
  SIZES.reduce((best, option) =>
    Math.abs(Math.log(option.ratio / (width / height))) < Math.abs(Math.log(best.ratio / (width / height)))
      ? option
      : best,
  ).size;

const REFERENCE_SHEET_SIZE = { width: 1024, height: 1024 };

function usageOf(response: ImagesResponse, images: number): Usage {
  if (!response.usage) return { images };
  const imageTokens = response.usage.input_tokens_details?.image_tokens ?? 0;
  return {
    inputTokens: response.usage.input_tokens - imageTokens,
    inputImageTokens: imageTokens,
    outputTokens: response.usage.output_tokens,
  };
}

/**
 * Image generations (b64_json). A keyframe is drawn from the scene's reference
 * sheets through the edits endpoint, which takes several input images, so the
 * characters are conditioned on their sheets. Real models do not say where each
 * character stands: regions are left empty and scorers judge whole images.
 */
export class OpenAiImageModel implements ImageModel {
  constructor(
    private readonly connection: OpenAiConnection,
    readonly model: string,
  ) {}

  drawReferenceSheet(request: ReferenceSheetRequest, options: CallOptions = {}): Promise<Metered<RenderedImage>> {
    return this.draw(referenceSheetPrompt(request.character, request.style), REFERENCE_SHEET_SIZE, [], options);
  }

  drawKeyframe(request: KeyframeRequest, options: CallOptions = {}): Promise<Metered<RenderedImage>> {
    return this.draw(
      keyframePrompt(request),
      { width: request.width, height: request.height },
      Object.values(request.references),
      options,
    );
  }

  private async draw(
    prompt: string,
    frame: { width: number; height: number },
    references: Buffer[],
    options: CallOptions,
  ): Promise<Metered<RenderedImage>> {
    const text = options.contentRewrite ? rewriteForContentPolicy(prompt) : prompt;
    const size = nearestSize(frame.width, frame.height);
    const withKey = (signal: AbortSignal) =>
      requestOptions(signal, options.idempotencyKey && `${options.idempotencyKey}:${this.model}`);
    const wantsFormat = !this.model.startsWith('gpt-image');
    const response = await this.connection.call(async (client, signal) => {
      if (references.length === 0) {
        return client.images.generate(
          {
            model: this.model,
            prompt: text,
            n: 1,
            size,
            ...(wantsFormat ? { response_format: 'b64_json' as const } : {}),
          },
          withKey(signal),
        );
      }
      const images = await Promise.all(
        references.map((png, index) => toFile(png, `reference-${index}.png`, { type: 'image/png' })),
      );
      return client.images.edit(
        {
          model: this.model,
          prompt: text,
          image: images,
          n: 1,
          size,
          ...(wantsFormat ? { response_format: 'b64_json' as const } : {}),
        },
        withKey(signal),
      );
    }, options.attempts);
    const usage = usageOf(response, 1);
    const encoded = response.data?.[0]?.b64_json;
    const charge = { provider: OPENAI_COMPATIBLE, model: this.model, usage };
    if (!encoded) throw new ProviderOutputInvalid(`${this.model} returned no b64_json image`, [charge]);
    const png = await coverToPng(Buffer.from(encoded, 'base64'), frame.width, frame.height, charge);
    return {
      result: { png, width: frame.width, height: frame.height, regions: {} },
      usage,
      provider: OPENAI_COMPATIBLE,
      model: this.model,
    };
  }
}
