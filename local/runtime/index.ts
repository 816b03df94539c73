/**
 * What the rest of local/ (the client, the commands, the studio), the CLI, the benchmarks and the
 * end-to-end tests may use of the runtime: the dependency rule `only-the-runtime-surface` keeps
 * everything else of runtime/ its own.
 */
export { LocalRuntime, type ExecutionEvent, type LocalRuntimeOptions, type ManifestUpload } from './local-runtime.js';
export { executionsIn, isAbandoned, type ExecutionRecord } from './execution-registry.js';
export { endsExecution, type HistoryEventShape } from './history-events.js';
export { dataDirOwner, DataDirectoryInUse } from './data-dir-lock.js';
export { lambdaContext } from './lambda-context.js';
export { LOCAL_RESOURCE_NAMES, LOCAL_STATE_MACHINE_NAMES, type LocalSettings } from './settings.js';
export { stackNameOf, synthesizeEnvironment } from './sandbox/synthesize-assembly.js';
export { assertSandboxIsolationAvailable } from './sandbox/function-sandbox.js';
export { ensureRuntimeInterfaceClient } from './sandbox/runtime-interface-client-build.js';
export { lambdaRuntimeFiles } from './sandbox/lambda-runtime-files.js';
