import { SFNClient } from '@aws-sdk/client-sfn';
import { stageDepsFromEnv } from '../../composition/stage-deps-from-env.js';
import { withClients } from '../../composition/with-clients.js';
import type { AnswersTasks, StageDeps } from '../../pipeline/stage-deps.js';
import { stageHandler } from '../../pipeline/stage-handler.js';
import { AwaitApprovalEventSchema, awaitApproval } from './await-approval.js';

export const createHandler = (deps: StageDeps & AnswersTasks) =>
  stageHandler(deps, AwaitApprovalEventSchema, awaitApproval);

export const handler = createHandler(withClients(stageDepsFromEnv(), { sfn: new SFNClient({}) }));
