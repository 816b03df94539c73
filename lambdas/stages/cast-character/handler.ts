import { stageDepsWithProviders } from '../../composition/stage-deps-with-providers.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { CastCharacterEventSchema, castCharacter } from './cast-character.js';

export const createHandler = (deps: StageDeps) => stageHandler(deps, CastCharacterEventSchema, castCharacter);

export const handler = createHandler(stageDepsWithProviders());
