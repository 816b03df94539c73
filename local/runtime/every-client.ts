import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { withClients } from '../../lambdas/composition/with-clients.js';
import type { ProviderPort } from '../../lambdas/core/contracts/bound-providers.js';
import type { AnswersTasks, RequeuesJobs, StageDeps } from '../../lambdas/pipeline/stage-deps.js';

/**
 * One set of dependencies for every stage, as a runtime that serves them all from one set builds it: the
 * clients every stage gets, and those only some stages' handlers add (Step Functions and SQS).
 */
export function withEveryClient(deps: StageDeps<ProviderPort>): StageDeps<ProviderPort> & AnswersTasks & RequeuesJobs {
  return withClients(deps, { sfn: new SFNClient({}), sqs: new SQSClient({}) });
}
