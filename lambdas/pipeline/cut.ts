import * as z from '../core/contracts/zod-mini.js';
import type { Manifest } from '../core/manifest/schema.js';

/** What an episode is made as: the animatic a producer reviews before paid video, or the final cut. */
export const CutSchema = z.enum(['animatic', 'final']);
export type Cut = z.output<typeof CutSchema>;

/**
 * The manifest as a cut's stages see it: the animatic is made with the offline video and
 * lip-sync models (camera motion, painted mouths, $0) over the real script, keyframes and
 * voices, so approving it costs nothing on video and the final cut reuses all three.
 */
export function manifestForCut(manifest: Manifest, cut: Cut | undefined): Manifest {
  if (cut !== 'animatic') return manifest;
  return {
    ...manifest,
    providers: {
      ...manifest.providers,
      overrides: { ...manifest.providers.overrides, video: 'offline', lipSync: 'offline' },
    },
  };
}
