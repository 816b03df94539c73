import { stageDepsFromEnv, stageHandler } from '../../composition/stage-deps.js';
import { CastCharacterEventSchema, castCharacter } from './cast-character.js';

export const handler = stageHandler(stageDepsFromEnv(), CastCharacterEventSchema, castCharacter);
