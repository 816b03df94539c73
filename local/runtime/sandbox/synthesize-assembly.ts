import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** `cdk synth` of one environment failed; its output's tail says why. */
export class SynthesisFailed extends Error {
  override readonly name = 'SynthesisFailed';
}

/** No folder above this module holds the CDK app's cdk.json. */
export class CdkAppNotFound extends Error {
  override readonly name = 'CdkAppNotFound';
}

/**
 * The folder `cdk synth` runs in: the nearest above `from` with the app's cdk.json. This module runs
 * from the sources and, compiled, from dist/, at different depths below it.
 */
export function cdkAppFolder(from: string = import.meta.dirname): string {
  for (let folder = path.resolve(from); ; folder = path.dirname(folder)) {
    if (existsSync(path.join(folder, 'cdk.json'))) return folder;
    if (path.dirname(folder) === folder)
      throw new CdkAppNotFound(
        `no cdk.json in ${from} or any folder above it: deployed mode synthesizes from a clone of the repository`,
      );
  }
}

/** The stack an environment deploys, as bin/app.ts names it. */
export function stackNameOf(environment: string): string {
  return `dramaforge-${environment}`;
}

/**
 * Synthesizes one environment's stack as `cdk deploy` would upload it (bundled functions, built
 * layers, the state machines' definition assets) into `outDirectory`, with the project's own CDK CLI.
 */
export async function synthesizeEnvironment(
  environment: string,
  outDirectory: string,
  onOutput: (line: string) => void = () => {},
): Promise<string> {
  const cdk = createRequire(import.meta.url).resolve('aws-cdk/bin/cdk');
  const tail: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [cdk, 'synth', stackNameOf(environment), '-c', `env=${environment}`, '--quiet', '--output', outDirectory],
      {
        cwd: cdkAppFolder(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        onOutput(line);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (exit) => resolve(exit ?? 1));
  });
  if (code !== 0) throw new SynthesisFailed(`cdk synth of ${environment} exited ${code}:\n${tail.join('\n')}`);
  return outDirectory;
}
