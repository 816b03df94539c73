import {
  type CameraMoveClip,
  type ClipResult,
  type ConsistencyVerdict,
  isCameraMoveClip,
  type LipSyncResult,
  type RenderedImage,
  type SpeechResult,
} from '../core/contracts/ports.js';
import type { ObjectStore } from '../core/domain/store-ports.js';
import type { ResultCodec } from './paid-call.js';

export const imageCodec: ResultCodec<RenderedImage> = {
  encode: ({ png, ...layout }) => ({ header: layout, payload: png }),
  decode: (header, payload) => ({ ...(header as Omit<RenderedImage, 'png'>), png: payload }),
};

/** The audio is the payload; its duration and word timings ride in the header, so a cached line keeps its subtitle timing. */
export const speechCodec: ResultCodec<SpeechResult> = {
  encode: ({ wav, ...timing }) => ({ header: timing, payload: wav }),
  decode: (header, payload) => ({ ...(header as Omit<SpeechResult, 'wav'>), wav: payload }),
};

/** A rendered clip is its MP4; a camera move is its header alone (its keyframe is the call's input). */
export const clipCodec: ResultCodec<ClipResult> = {
  encode: (clip) =>
    isCameraMoveClip(clip) ? { header: { cameraMove: clip.cameraMove } } : { header: {}, payload: clip.mp4 },
  decode: (header, payload) => {
    const { cameraMove } = header as Partial<CameraMoveClip>;
    return cameraMove ? { cameraMove } : { mp4: payload };
  },
};

export const lipSyncCodec: ResultCodec<LipSyncResult> = {
  encode: ({ mp4 }) => ({ header: {}, payload: mp4 }),
  decode: (_header, payload) => ({ mp4: payload }),
};

export const scoreCodec: ResultCodec<ConsistencyVerdict> = {
  encode: (verdict) => ({ header: verdict }),
  decode: (header) => header as ConsistencyVerdict,
};

/** An image and its layout live side by side: `<base>.png` and `<base>.json`. */
export async function putRenderedImage(assets: ObjectStore, baseKey: string, image: RenderedImage): Promise<void> {
  const { png, ...layout } = image;
  await assets.putBytes(`${baseKey}.png`, png, 'image/png');
  await assets.putJson(`${baseKey}.json`, layout);
}

export async function getRenderedImage(assets: ObjectStore, baseKey: string): Promise<RenderedImage> {
  const [png, layout] = await Promise.all([
    assets.getBytes(`${baseKey}.png`),
    assets.getJson<Omit<RenderedImage, 'png'>>(`${baseKey}.json`),
  ]);
  return { ...layout, png };
}
