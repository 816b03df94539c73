import { existsSync, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LambdaFunctionDefinition } from './function-definition.js';
import type { LambdaRuntimeFiles } from './lambda-runtime-files.js';

/** Paths inside the sandbox, as Lambda's Node.js runtime has them. */
export const SANDBOX_PATHS = {
  taskRoot: '/var/task',
  runtimeDirectory: '/var/runtime',
  runtimeInterfaceClient: '/var/runtime/index.mjs',
  nodeBinary: '/var/lang/bin/node',
  layers: '/opt',
  tmp: '/tmp',
};

/** The runtime's module search path (NODE_PATH) for a Node.js major. */
export function lambdaNodePath(nodeMajor: number): string[] {
  return [
    `/opt/nodejs/node${nodeMajor}/node_modules`,
    '/opt/nodejs/node_modules',
    '/var/runtime/node_modules',
    '/var/runtime',
    '/var/task',
  ];
}

/** The host's system folders a sandbox sees read-only: libc and the other shared libraries, and /etc for DNS and users. */
const SYSTEM_FOLDERS = ['usr', 'etc'];
/** Top-level names that are symlinks into /usr on a merged-/usr host, or folders of their own elsewhere. */
const SYSTEM_ALIASES = ['bin', 'sbin', 'lib', 'lib64'];
const DEVICES = ['null', 'zero', 'random', 'urandom'];
/**
 * Lambda's function user. The SDK finds its home directory (for ~/.aws/config) through the
 * user's passwd entry, and fails without one.
 */
const FUNCTION_USER_ENTRY = 'sbx_user1051:x:993:990::/home/sbx_user1051:/sbin/nologin';
export const FUNCTION_USER = '993:990';

export interface SandboxRoot {
  directory: string;
  /** Shell commands, run as root in the sandbox's own mount namespace, that mount everything the root needs. */
  mountCommands: string[];
  remove(): Promise<void>;
}

const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

function bindReadOnly(source: string, target: string): string[] {
  return [`mount --bind ${quote(source)} ${quote(target)}`, `mount -o remount,bind,ro ${quote(target)}`];
}

/** Package folder names (`openai`, `@aws-sdk/client-s3`) directly under a node_modules folder. */
function packagesIn(nodeModules: string): string[] {
  if (!existsSync(nodeModules)) return [];
  return readdirSync(nodeModules)
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) =>
      name.startsWith('@') ? readdirSync(path.join(nodeModules, name)).map((inner) => `${name}/${inner}`) : [name],
    );
}

/**
 * Where each package of the runtime's NODE_PATH resolves inside the sandbox: the first folder
 * of NODE_PATH that holds it. Node's ES module resolver ignores NODE_PATH, while Lambda's runtime
 * resolves ES module imports through it; the sandbox gets the same answers by presenting these
 * as /node_modules, the last folder Node's resolver walks up to from /var/task.
 */
function nodePathPackages(definition: LambdaFunctionDefinition, sdkDirectory: string): Map<string, string> {
  const resolved = new Map<string, string>();
  const layerFolders = (relative: string) =>
    definition.layerDirectories.flatMap((layer) => packagesIn(path.join(layer, relative)));
  const sources: [string, string[]][] = [
    [
      `/opt/nodejs/node${definition.nodeMajor}/node_modules`,
      layerFolders(`nodejs/node${definition.nodeMajor}/node_modules`),
    ],
    ['/opt/nodejs/node_modules', layerFolders('nodejs/node_modules')],
    ['/var/runtime/node_modules', packagesIn(sdkDirectory)],
  ];
  for (const [sandboxFolder, packages] of sources) {
    for (const name of packages) if (!resolved.has(name)) resolved.set(name, `${sandboxFolder}/${name}`);
  }
  return resolved;
}

/**
 * Builds the skeleton of a sandbox's root file system in a fresh temporary folder (mount points
 * and the /node_modules view), and the mounts that fill it: the function's code at /var/task,
 * its layers merged under /opt (overlayfs, a later layer's files over an earlier's, as Lambda
 * extracts them), the runtime at /var/lang and /var/runtime, the SDK at /var/runtime/node_modules,
 * a tmpfs of the function's ephemeral storage at /tmp, and a /proc of the sandbox's own processes.
 * Nothing else of the host, and nothing of the repository, is inside.
 */
export async function prepareSandboxRoot(
  definition: LambdaFunctionDefinition,
  runtime: LambdaRuntimeFiles,
  sdkDirectory: string,
): Promise<SandboxRoot> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'dramaforge-sandbox-'));
  // mkdtemp makes it 0700: the function's user must be able to traverse its own root.
  await chmod(directory, 0o755);
  const at = (sandboxPath: string) => path.join(directory, sandboxPath);
  const folders = [
    ...SYSTEM_FOLDERS,
    'proc',
    'dev',
    'tmp',
    'opt',
    'var/task',
    'var/runtime/node_modules',
    'var/lang/bin',
    'node_modules',
  ];
  for (const folder of folders) await mkdir(at(folder), { recursive: true, mode: 0o755 });
  for (const file of [
    ...DEVICES.map((device) => `dev/${device}`),
    'var/lang/bin/node',
    'var/runtime/index.mjs',
    'var/runtime/rapid-client.node',
  ])
    await writeFile(at(file), '');

  const mountCommands: string[] = [];
  for (const folder of SYSTEM_FOLDERS) mountCommands.push(...bindReadOnly(`/${folder}`, at(folder)));
  const passwd = path.join(directory, '.passwd');
  await writeFile(passwd, `${(await readFile('/etc/passwd', 'utf8')).trimEnd()}\n${FUNCTION_USER_ENTRY}\n`);
  mountCommands.push(...bindReadOnly(passwd, at('etc/passwd')));
  for (const alias of SYSTEM_ALIASES) {
    const host = `/${alias}`;
    if (!existsSync(host)) continue;
    if (lstatSync(host).isSymbolicLink()) await symlink(readlinkSync(host), at(alias));
    else {
      await mkdir(at(alias));
      mountCommands.push(...bindReadOnly(host, at(alias)));
    }
  }
  for (const device of DEVICES) mountCommands.push(`mount --bind /dev/${device} ${quote(at(`dev/${device}`))}`);
  mountCommands.push(`mount -t proc proc ${quote(at('proc'))}`);
  mountCommands.push(`mount -t tmpfs -o size=${definition.ephemeralStorageMb}m,mode=1777 tmpfs ${quote(at('tmp'))}`);
  mountCommands.push(...bindReadOnly(definition.codeDirectory, at('var/task')));
  const [onlyLayer, ...moreLayers] = definition.layerDirectories;
  if (onlyLayer && moreLayers.length === 0) mountCommands.push(...bindReadOnly(onlyLayer, at('opt')));
  else if (onlyLayer) {
    // overlayfs lists the uppermost layer first; Lambda lets the function's last layer win.
    const lowerDirectories = [...definition.layerDirectories].reverse().join(':');
    mountCommands.push(`mount -t overlay overlay -o ${quote(`ro,lowerdir=${lowerDirectories}`)} ${quote(at('opt'))}`);
  }
  mountCommands.push(...bindReadOnly(runtime.nodeBinary, at('var/lang/bin/node')));
  mountCommands.push(...bindReadOnly(runtime.runtimeInterfaceClient, at('var/runtime/index.mjs')));
  mountCommands.push(...bindReadOnly(runtime.rapidClient, at('var/runtime/rapid-client.node')));
  mountCommands.push(...bindReadOnly(sdkDirectory, at('var/runtime/node_modules')));

  for (const [name, target] of nodePathPackages(definition, sdkDirectory)) {
    await mkdir(path.dirname(at(`node_modules/${name}`)), { recursive: true, mode: 0o755 });
    await symlink(target, at(`node_modules/${name}`));
  }

  return { directory, mountCommands, remove: () => rm(directory, { recursive: true, force: true }) };
}
