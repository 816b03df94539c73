import { StateMachine } from 'aws-local-stepfunctions';

/**
 * Step Functions stops a Map state's iterations once one fails: the Map fails, and no
 * iteration still waiting for a concurrency slot starts. aws-local-stepfunctions 3 aborts the
 * iterations already running but still starts every queued one, so a failed Map kept calling
 * handlers (and buying) after its failure, as much as timing allowed.
 *
 * Each Map state run builds one iterator StateMachine and runs every iteration through it,
 * with the parent's abort signal in `_rootAbortSignal` (a top-level run has none). So an
 * iteration that fails marks its iterator machine failed, and a later iteration of that Map
 * does not start: its result rejects at once, after the Map's own result has already
 * rejected, so nothing waits for it. Import this module before the engine runs anything.
 */
type Run = StateMachine['run'];
type RunResult = ReturnType<Run>;

const failedMaps = new WeakSet<StateMachine>();
const engineRun: Run = StateMachine.prototype.run;

class IterationNotStarted extends Error {
  override readonly name = 'IterationNotStarted';
}

function notStarted(): RunResult {
  return {
    abort: () => undefined,
    eventLogs: (async function* () {})(),
    result: Promise.reject(
      new IterationNotStarted('an earlier iteration of this Map failed, so Step Functions would not start this one'),
    ),
  } as unknown as RunResult;
}

StateMachine.prototype.run = function run(this: StateMachine, input, options) {
  const isMapIteration = Boolean((options as { _rootAbortSignal?: AbortSignal } | undefined)?._rootAbortSignal);
  if (!isMapIteration) return engineRun.call(this, input, options);
  if (failedMaps.has(this)) return notStarted();
  const execution = engineRun.call(this, input, options);
  const result = execution.result.catch((error: unknown) => {
    failedMaps.add(this);
    throw error;
  });
  return { ...execution, result } as RunResult;
};
