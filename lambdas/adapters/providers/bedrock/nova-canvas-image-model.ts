import { InvokeModelCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { ProviderContentFiltered, ProviderOutputInvalid } from '../../../core/errors.js';
import { coverToPng, fitWithin } from '../../media/media-fit.js';
import type { CallOptions, ImageModel, KeyframeRequest, Metered, ReferenceSheetRequest, RenderedImage, ProviderCallGuard } from '../../../core/ports.js';
import { rewriteForContentPolicy } from '../../../core/content-rewrite.js';
import { BEDROCK, invokeModelJson } from './aws-call.js';
import { keyframePrompt, referenceSheetPrompt } from '../../../core/image-prompts.js';

/** Nova Canvas takes at most 5 images for a variation and a 1024-character prompt. */
const MAX_REFERENCES = 5;
const MAX_PROMPT = 1024;
/** Drawn inside 1024x1024 (the price table's standard tier), in multiples of 16 as Nova Canvas requires. */
const DRAW_BOX = 1024;

/**
 * Nova Canvas. A keyframe is an IMAGE_VARIATION of the scene's reference sheets,
 * so the characters keep their look; a reference sheet is TEXT_IMAGE. The model's
 * frame is scaled to the manifest's size. Regions are unknown (empty).
 */
export class NovaCanvasImageModel implements ImageModel {
  constructor(
    private readonly bedrock: BedrockRuntimeClient,
    private readonly guard: ProviderCallGuard,
    readonly model: string,
  ) {}

  drawReferenceSheet(request: ReferenceSheetRequest, options: CallOptions = {}): Promise<Metered<RenderedImage>> {
    return this.draw(referenceSheetPrompt(request.character, request.style), { width: 1024, height: 1024 }, [], request.seed, options);
  }

  drawKeyframe(request: KeyframeRequest, options: CallOptions = {}): Promise<Metered<RenderedImage>> {
    return this.draw(keyframePrompt(request), { width: request.width, height: request.height }, Object.values(request.references), request.seed, options);
  }

  private async draw(prompt: string, frame: { width: number; height: number }, references: Buffer[], seed: number, options: CallOptions): Promise<Metered<RenderedImage>> {
    const text = (options.contentRewrite ? rewriteForContentPolicy(prompt) : prompt).slice(0, MAX_PROMPT);
    const drawn = fitWithin(frame.width, frame.height, DRAW_BOX, 16);
    const imageGenerationConfig = { numberOfImages: 1, width: drawn.width, height: drawn.height, quality: 'standard', cfgScale: 7, seed: seed % 2_147_483_647 };
    const body =
      references.length === 0
        ? { taskType: 'TEXT_IMAGE', textToImageParams: { text }, imageGenerationConfig }
        : {
            taskType: 'IMAGE_VARIATION',
            imageVariationParams: { text, images: references.slice(0, MAX_REFERENCES).map((png) => png.toString('base64')), similarityStrength: 0.7 },
            imageGenerationConfig,
          };
    const answer = await invokeModelJson<{ images?: string[]; error?: string }>(this.guard, (abortSignal) =>
      this.bedrock.send(
        new InvokeModelCommand({ modelId: this.model, contentType: 'application/json', accept: 'application/json', body: JSON.stringify(body) }),
        { abortSignal },
      ),
    );
    const usage = { images: answer.images?.length ?? 0 };
    const charge = { provider: BEDROCK, model: this.model, usage };
    if (answer.error && /content|filter|blocked/i.test(answer.error)) throw new ProviderContentFiltered(`${this.model}: ${answer.error}`);
    const encoded = answer.images?.[0];
    if (!encoded) throw new ProviderOutputInvalid(`${this.model} returned no image${answer.error ? `: ${answer.error}` : ''}`, [charge]);
    const png = await coverToPng(Buffer.from(encoded, 'base64'), frame.width, frame.height, charge);
    return { result: { png, width: frame.width, height: frame.height, regions: {} }, usage, provider: BEDROCK, model: this.model };
  }
}
