import type { ManifestProblem } from '../contracts/errors.js';
import { speaks, speciesOf } from '../domain/creatures.js';
import { formatIssuePath } from './format-path.js';

type Path = (string | number)[];

const records = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value)
    ? value.map((item) => (item && typeof item === 'object' ? (item as Record<string, unknown>) : {}))
    : [];

/**
 * The rules that tie one part of a manifest to another: unique ids, declared
 * characters, speakers who are in their scene. They run on the raw document, even
 * when the schema has found other problems, so a producer sees every problem in one
 * pass rather than one batch at a time.
 */
export function crossReferenceProblems(document: unknown): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  if (!document || typeof document !== 'object') return problems;
  const root = document as Record<string, unknown>;
  const report = (path: Path, reason: string) => problems.push({ path: formatIssuePath(path), reason });
  const duplicates = (ids: unknown[], path: (index: number) => Path, what: string) => {
    const seen = new Map<string, number>();
    ids.forEach((value, index) => {
      if (typeof value !== 'string') return;
      const first = seen.get(value);
      if (first === undefined) seen.set(value, index);
      else report(path(index), `duplicate ${what} id "${value}" (first at index ${first})`);
    });
  };

  const characters = records(root.characters);
  const declared = new Set(characters.map((c) => c.id).filter((id): id is string => typeof id === 'string'));
  const silent = new Map(
    characters
      .filter(
        (c) =>
          typeof c.id === 'string' &&
          typeof c.description === 'string' &&
          !speaks({
            description: c.description,
            speaks: c.speaks === true ? true : c.speaks === false ? false : undefined,
          }),
      )
      .map((c) => [c.id as string, speciesOf(c.description as string)]),
  );
  duplicates(
    characters.map((c) => c.id),
    (i) => ['characters', i, 'id'],
    'character',
  );
  const episodes = records(root.episodes);
  duplicates(
    episodes.map((e) => e.id),
    (i) => ['episodes', i, 'id'],
    'episode',
  );
  episodes.forEach((episode, e) => {
    const scenes = records(episode.scenes);
    duplicates(
      scenes.map((s) => s.id),
      (i) => ['episodes', e, 'scenes', i, 'id'],
      'scene',
    );
    if (
      typeof episode.cover === 'string' &&
      Array.isArray(episode.scenes) &&
      !scenes.some((s) => s.id === episode.cover)
    ) {
      report(['episodes', e, 'cover'], `scene "${episode.cover}" is not one of this episode's scenes`);
    }
    scenes.forEach((scene, s) => {
      const at: Path = ['episodes', e, 'scenes', s];
      const cast = Array.isArray(scene.characters) ? (scene.characters as unknown[]) : [];
      duplicates(cast, (i) => [...at, 'characters', i], 'character');
      cast.forEach((characterId, c) => {
        if (typeof characterId === 'string' && !declared.has(characterId)) {
          report([...at, 'characters', c], `character "${characterId}" is not declared in characters`);
        }
      });
      records(scene.dialogue).forEach((line, l) => {
        if (typeof line.character === 'string' && !cast.includes(line.character)) {
          report(
            [...at, 'dialogue', l, 'character'],
            `character "${line.character}" speaks but is not in this scene's characters`,
          );
        }
        const species = typeof line.character === 'string' ? silent.get(line.character) : undefined;
        if (species) {
          const what = species === 'person' ? 'is marked speaks: false' : `is a ${species}`;
          report(
            [...at, 'dialogue', l, 'character'],
            `character "${line.character}" ${what} and does not speak; set speaks: true on it to give it lines`,
          );
        }
      });
    });
  });
  return problems;
}
