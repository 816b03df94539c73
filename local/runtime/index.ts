/**
 * What the rest of local/ (the client, the commands, the studio), the CLI, the benchmarks and the
 * end-to-end tests may use of the runtime: the dependency rule `only-the-runtime-surface` keeps
 * everything else of runtime/ its own.
 */

export { DataDirectoryInUse, dataDirOwner } from './data-dir-lock.js';
export { type ExecutionRecord, executionsIn, isAbandoned } from './execution-registry.js';
export { endsExecution, type HistoryEventShape } from './history-events.js';
export { lambdaContext } from './lambda-context.js';
export { type ExecutionEvent, LocalRuntime, type LocalRuntimeOptions, type ManifestUpload } from './local-runtime.js';
export { assertSandboxIsolationAvailable } from './sandbox/function-sandbox.js';
export { lambdaRuntimeFiles, nodePackageDirectory } from './sandbox/lambda-runtime-files.js';
export { ensureRuntimeInterfaceClient } from './sandbox/runtime-interface-client-build.js';
export { sourceWorkerNode } from './sandbox/source-worker-pool.js';
export { stackNameOf, synthesizeEnvironment } from './sandbox/synthesize-assembly.js';
export { LOCAL_RESOURCE_NAMES, LOCAL_STATE_MACHINE_NAMES, type LocalSettings } from './settings.js';
