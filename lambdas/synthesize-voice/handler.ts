import { SceneEventSchema } from '../shared/scene-context.js';
import { stageDepsFromEnv, stageHandler } from '../shared/stage-runtime.js';
import { synthesizeVoice } from './synthesize-voice.js';

export const handler = stageHandler(stageDepsFromEnv(), SceneEventSchema, synthesizeVoice);
