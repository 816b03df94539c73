import { offlineText } from '../../composition/offline-ports/text.js';
import { stageDepsWithProviders } from '../../composition/stage-deps-with-providers.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { WriteScriptEventSchema, type WriteScriptPorts, writeScript } from './write-script.js';

export const createHandler = (deps: StageDeps<WriteScriptPorts>) =>
  stageHandler(deps, WriteScriptEventSchema, writeScript);

export const handler = createHandler(stageDepsWithProviders<WriteScriptPorts>({ text: offlineText }));
