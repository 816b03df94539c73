import { stageDepsFromEnv } from '../../composition/stage-deps-from-env.js';
import type { StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { AwaitApprovalEventSchema, awaitApproval } from './await-approval.js';

export const createHandler = (deps: StageDeps) => stageHandler(deps, AwaitApprovalEventSchema, awaitApproval);

export const handler = createHandler(stageDepsFromEnv());
