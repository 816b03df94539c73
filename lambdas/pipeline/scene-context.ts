import { AssetMissing } from '../core/contracts/errors.js';
import type { SceneRef } from '../core/contracts/keys.js';
import type { CharacterBrief, SceneBrief } from '../core/contracts/ports.js';
import * as z from '../core/contracts/zod-mini.js';
import { seedFrom } from '../core/domain/content-hash.js';
import { speaks } from '../core/domain/creatures.js';
import type { Manifest, ManifestCharacter, ManifestEpisode, ManifestScene } from '../core/manifest/schema.js';

const safeId = z.string().check(z.regex(/^[a-z0-9-]{1,63}$/));

/** What every scene task receives from the state machine: ids only. */
export const SceneEventSchema = z.object({
  productionId: safeId,
  episodeId: safeId,
  sceneId: safeId,
});

export const ProductionEventSchema = z.object({ productionId: safeId });

/** A dub of an episode, as the Dub episode Map sends it: the language is one of the manifest's dubs. */
export const DubEventSchema = z.extend(z.pick(SceneEventSchema, { productionId: true, episodeId: true }), {
  language: z.string().check(z.regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/)),
});

export interface SceneContext {
  ref: SceneRef;
  manifest: Manifest;
  episode: ManifestEpisode;
  scene: ManifestScene;
  brief: SceneBrief;
  /** Base of every seed this scene uses: stable across runs, different per scene and per render generation. */
  seed: number;
  generation: number;
}

export function characterBrief(character: ManifestCharacter): CharacterBrief {
  return {
    id: character.id,
    name: character.name,
    description: character.description,
    voice: character.voice,
    ...(speaks(character) ? {} : { speaks: false }),
  };
}

export function findCharacter(manifest: Manifest, characterId: string): ManifestCharacter {
  const character = manifest.characters.find((c) => c.id === characterId);
  if (!character) throw new AssetMissing(`character ${characterId} is not in production ${manifest.production}`);
  return character;
}

export function sceneContext(manifest: Manifest, ref: SceneRef, generation = 0): SceneContext {
  const episode = manifest.episodes.find((e) => e.id === ref.episodeId);
  const index = episode?.scenes.findIndex((s) => s.id === ref.sceneId) ?? -1;
  const scene = episode?.scenes[index];
  if (!episode || !scene)
    throw new AssetMissing(`scene ${ref.episodeId}/${ref.sceneId} is not in production ${ref.productionId}`);
  return {
    ref,
    manifest,
    episode,
    scene,
    brief: {
      episodeId: episode.id,
      sceneId: scene.id,
      index,
      location: scene.location,
      outline: scene.outline,
      mood: scene.mood,
      camera: scene.camera,
      style: manifest.style,
      characters: scene.characters.map((id) => characterBrief(findCharacter(manifest, id))),
    },
    seed:
      generation === 0
        ? seedFrom(manifest.seed, manifest.production, episode.id, scene.id)
        : seedFrom(manifest.seed, manifest.production, episode.id, scene.id, generation),
    generation,
  };
}
