import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';

const INCLUDED_SCOPE = '@aws-sdk';

interface PackageManifest {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function repositoryNodeModules(): string {
  // node_modules/aws-lambda-ric/package.json -> node_modules
  return path.resolve(path.dirname(createRequire(import.meta.url).resolve('aws-lambda-ric/package.json')), '..');
}

/** Where `name` resolves from the package in `fromDirectory`, by Node's walk up the node_modules folders. */
function packageDirectory(name: string, fromDirectory: string, root: string): string | undefined {
  for (let directory = fromDirectory; directory.startsWith(root); directory = path.dirname(directory)) {
    const candidate = path.join(directory, path.basename(directory) === 'node_modules' ? '' : 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (directory === root) break;
  }
  return undefined;
}

/**
 * The packages Lambda's Node.js runtime provides under /var/runtime/node_modules: the AWS SDK
 * v3 (every @aws-sdk package installed here) and what it depends on (@smithy, @aws-crypto,
 * tslib, …), as top-level folders of node_modules. Nothing else the repository installs.
 */
export function runtimeSdkPackages(nodeModules = repositoryNodeModules()): { folder: string; version: string }[] {
  const roots = readdirSync(path.join(nodeModules, INCLUDED_SCOPE)).map((name) =>
    path.join(nodeModules, INCLUDED_SCOPE, name),
  );
  const seen = new Map<string, string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const directory = pending.pop()!;
    if (seen.has(directory)) continue;
    const manifest = JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8')) as PackageManifest;
    seen.set(directory, manifest.version ?? '');
    const wanted = { ...manifest.peerDependencies, ...manifest.optionalDependencies, ...manifest.dependencies };
    for (const name of Object.keys(wanted)) {
      const dependency = packageDirectory(name, directory, nodeModules);
      // An optional or peer dependency npm did not install is not installed in Lambda either.
      if (dependency) pending.push(dependency);
    }
  }
  // A package nested under another's node_modules comes with its parent's folder.
  const topLevel = [...seen].filter(
    ([directory]) => !path.relative(nodeModules, directory).includes(`${path.sep}node_modules${path.sep}`),
  );
  return topLevel
    .map(([directory, version]) => ({ folder: path.relative(nodeModules, directory), version }))
    .sort((a, b) => a.folder.localeCompare(b.folder));
}

/**
 * A node_modules folder holding exactly the runtime's SDK packages, made once per set of
 * versions as hard links of the installed files (no copy of the bytes), outside the paths
 * a sandbox can see. The sandbox mounts it at /var/runtime/node_modules.
 */
export async function runtimeSdkDirectory(): Promise<string> {
  const nodeModules = repositoryNodeModules();
  const packages = runtimeSdkPackages(nodeModules);
  const key = createHash('sha256')
    .update(packages.map(({ folder, version }) => `${folder}@${version}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  const target = path.join(nodeModules, '.cache', 'dramaforge-lambda-runtime', `sdk-${key}`, 'node_modules');
  if (existsSync(target)) return target;
  const partial = `${target}.${process.pid}.partial`;
  await rm(partial, { recursive: true, force: true });
  for (const { folder } of packages) {
    await mkdir(path.dirname(path.join(partial, folder)), { recursive: true });
    await promisify(execFile)('cp', ['-al', path.join(nodeModules, folder), path.join(partial, folder)]);
  }
  try {
    await rename(partial, target);
  } catch (error) {
    // Another process made the same folder meanwhile; theirs serves.
    if (!existsSync(target)) throw error;
    await rm(partial, { recursive: true, force: true });
  }
  return target;
}
