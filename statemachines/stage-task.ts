import type { WorkflowStageDescriptor } from '../lambdas/pipeline/stage-descriptor.js';
import type { StateDefinition } from './production-definition.js';
import { OWN_WORK_RETRY, PROVIDER_CALL_RETRY, type Retrier } from './workflow-policies.js';

/** What a state says of its own: where it goes, what it passes, how it catches. */
type TaskStateFields = Omit<StateDefinition, 'Type' | 'Resource' | 'TimeoutSeconds' | 'Retry'>;

/** A paid call may be throttled by its provider and is worth the longer wait; our own work only meets transient failures. */
export const retryPolicyOf = (stage: WorkflowStageDescriptor): Retrier[] =>
  stage.work === 'paid-provider-call' ? PROVIDER_CALL_RETRY : OWN_WORK_RETRY;

/** The placeholder the stack and the local runtime replace with the stage function's ARN. */
export const resourceOf = (stage: WorkflowStageDescriptor): string => `\${${stage.substitution}}`;

/**
 * A Lambda Task that calls `stage`. Its resource, timeout and retry policy come from the stage's
 * descriptor, so the state cannot disagree with the function it calls: the Task times out with the
 * function (an environment's override moves both, lib/constructs/workflow-state-machine.ts), and a
 * stage that pays a provider retries as a paid call wherever it runs.
 */
export function task(
  stage: WorkflowStageDescriptor,
  { Comment, Parameters, ResultSelector, ResultPath, ...transitions }: TaskStateFields,
) {
  // The keys keep the order the states were written in by hand, so the generated ASL changed only where a Task's facts did.
  return {
    Type: 'Task',
    ...(Comment === undefined ? {} : { Comment }),
    Resource: resourceOf(stage),
    ...(Parameters === undefined ? {} : { Parameters }),
    ...(ResultSelector === undefined ? {} : { ResultSelector }),
    ...(ResultPath === undefined ? {} : { ResultPath }),
    TimeoutSeconds: stage.timeoutSeconds,
    Retry: retryPolicyOf(stage),
    ...transitions,
  } satisfies StateDefinition;
}
