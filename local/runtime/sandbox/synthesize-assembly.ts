import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '..', '..');

/** `cdk synth` of one environment failed; its output's tail says why. */
export class SynthesisFailed extends Error {
  override readonly name = 'SynthesisFailed';
}

/** The stack an environment deploys, as bin/app.ts names it. */
export function stackNameOf(environment: string): string {
  return `dramaforge-${environment}`;
}

/**
 * Synthesizes one environment's stack as `cdk deploy` would upload it (bundled functions, built
 * layers, the state machines' definition assets) into `outDirectory`, with the project's own CDK CLI.
 */
export async function synthesizeEnvironment(environment: string, outDirectory: string, onOutput: (line: string) => void = () => {}): Promise<string> {
  const cdk = createRequire(import.meta.url).resolve('aws-cdk/bin/cdk');
  const tail: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [cdk, 'synth', stackNameOf(environment), '-c', `env=${environment}`, '--quiet', '--output', outDirectory], {
      cwd: REPOSITORY_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
