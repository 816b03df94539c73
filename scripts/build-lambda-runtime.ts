// Builds, once per machine and aws-lambda-ric version, the native client the function sandboxes
// (local/sandbox/) load: `npm run lambda-runtime:build`. A client already built is kept.
import { ensureRuntimeInterfaceClient } from '../local/sandbox/runtime-interface-client-build.js';

const NODEJS_MAJOR = 24;
process.stdout.write(`${await ensureRuntimeInterfaceClient(NODEJS_MAJOR, (chunk) => process.stderr.write(chunk))}\n`);
