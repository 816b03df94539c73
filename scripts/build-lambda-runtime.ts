// Builds, once per machine and aws-lambda-ric version, the native client the function sandboxes
// (local/sandbox/) load: `npm run lambda-runtime:build`.
import { buildRuntimeInterfaceClient } from '../local/sandbox/runtime-interface-client-build.js';

const NODEJS_MAJOR = 24;
const built = await buildRuntimeInterfaceClient(NODEJS_MAJOR, (chunk) => process.stderr.write(chunk));
process.stdout.write(`${built}\n`);
