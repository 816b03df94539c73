import type { ManifestInput } from '../../lambdas/core/manifest/schema.js';

export interface StudioManifestShape {
  episodes: number;
  scenesPerEpisode: number;
  characters: number;
}

export interface StudioProduction {
  /** Also the production id: `a-z0-9-`. */
  name: string;
  priority: number;
  shape: StudioManifestShape;
}

/**
 * A studio-sized series for the orchestration benchmark. Scenes carry no dialogue, so the
 * script stage really calls the text model; two characters a scene make it write a
 * dialogue, so speech is called for every scene, as in the source's workload. The format is the smallest the manifest allows at 1 fps:
 * the media the handlers encode themselves (voice tracks, episode assembly) then costs
 * little, and the run measures the workflow rather than the encoder.
 */
export function studioManifest({ name, priority, shape }: StudioProduction): ManifestInput {
  const characters = Array.from({ length: shape.characters }, (_, index) => ({
    id: `c${index + 1}`,
    name: `Character ${index + 1}`,
    description: `${20 + index * 3}, ${index % 2 ? 'short hair, grey coat' : 'long hair, red scarf'}`,
  }));
  return {
    version: 1,
    production: name,
    title: `Studio season: ${name}`,
    priority,
    language: 'en-US',
    format: { aspectRatio: '9:16', width: 64, height: 114, fps: 1 },
    budgetUsd: 1000,
    characters,
    episodes: Array.from({ length: shape.episodes }, (_, e) => ({
      id: `ep${String(e + 1).padStart(3, '0')}`,
      title: `Episode ${e + 1}`,
      scenes: Array.from({ length: shape.scenesPerEpisode }, (_, s) => ({
        id: `s${String(s + 1).padStart(2, '0')}`,
        location: ['a rooftop at dusk', 'a crowded night market', 'a quiet hospital corridor'][(e + s) % 3]!,
        characters: [0, 1].map(
          (offset) => characters[(e * shape.scenesPerEpisode + s + offset) % characters.length]!.id,
        ),
        outline: `Scene ${s + 1} of episode ${e + 1}: a decision that cannot wait.`,
      })),
    })),
  };
}
