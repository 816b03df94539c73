// Builds, once per machine and aws-lambda-ric version, the native client the function sandboxes
// (local/runtime/sandbox/) load: `npm run lambda-runtime:build`. A client already built is kept.
import { ensureRuntimeInterfaceClient } from '../local/runtime/index.js';

const NODEJS_MAJOR = 24;
process.stdout.write(`${await ensureRuntimeInterfaceClient(NODEJS_MAJOR, (chunk) => process.stderr.write(chunk))}\n`);
