import type { CharacterBrief } from '../../../../core/contracts/ports.js';
import { characterLook, type Gender, statedYears } from '../storyboard/character-look.js';

/** Who the listener is to the speaker, as the languages that mark it in address need to know. */
export interface Standing {
  /** The listener's age less the speaker's, in years, when both can be told. */
  gap: number | undefined;
  speaker: Gender;
  listener: Gender;
}

/** An age in years: the one the description states, else a child's or an elder's from the words that say so. */
function yearsOf(character: CharacterBrief): number | undefined {
  const stated = statedYears(character.description);
  if (stated !== undefined) return stated;
  const { age } = characterLook(character);
  return age === 'elder' ? 70 : age === 'child' ? 10 : undefined;
}

/** Gender as the painter reads it: the description first, then the voice. */
function genderOf(character: CharacterBrief): Gender {
  return characterLook(character).gender;
}

export function standing(speaker: CharacterBrief, listener: CharacterBrief): Standing {
  const [from, to] = [yearsOf(speaker), yearsOf(listener)];
  return {
    gap: from === undefined || to === undefined ? undefined : to - from,
    speaker: genderOf(speaker),
    listener: genderOf(listener),
  };
}

/** Old enough to be the speaker's parent or grandparent: the languages below address them with respect. */
export const PARENT_GAP = 15;
export const GRANDPARENT_GAP = 40;
/** Old enough to be an elder sibling. */
export const SIBLING_GAP = 3;

/** Replaces the listener's name where it is said, as a whole word in scripts with spaces. */
export function renamed(line: string, name: string, addressedAs: string): string {
  return line.split(name).join(addressedAs);
}
