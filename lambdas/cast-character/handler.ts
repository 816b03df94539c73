import { stageDepsFromEnv, stageHandler } from '../shared/stage-runtime.js';
import { CastCharacterEventSchema, castCharacter } from './cast-character.js';

export const handler = stageHandler(stageDepsFromEnv(), CastCharacterEventSchema, castCharacter);
