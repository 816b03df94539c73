import { SceneEventSchema } from '../../pipeline/scene-context.js';
import { stageDepsFromEnv, stageHandler } from '../../composition/stage-deps.js';
import { synthesizeVoice } from './synthesize-voice.js';

export const handler = stageHandler(stageDepsFromEnv(), SceneEventSchema, synthesizeVoice);
