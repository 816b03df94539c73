import { execFile } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Json, renderJoin, type TemplateResource } from './synthesize.js';

const run = promisify(execFile);
const REPOSITORY_NODE_MODULES = fileURLToPath(new URL('../../node_modules/', import.meta.url));

/** Lambda's quotas on what a function deploys: its code and its layers unzipped, and how many layers. */
export const LAMBDA_QUOTAS = { unzippedBytes: 262_144_000, layers: 5 } as const;

/** The packages the Node.js 24 runtime itself provides: the AWS SDK for JavaScript v3 and its Smithy core, nothing else. */
export function providedByRuntime(packageName: string): boolean {
  return packageName.startsWith('@aws-sdk/') || packageName.startsWith('@smithy/');
}

/** Bytes of every file under `dir`: the unzipped size Lambda counts. */
export function directoryBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((total, entry) => total + statSync(path.join(entry.parentPath, entry.name)).size, 0);
}

/** The npm package a bare specifier names; undefined for a relative path or one of Node's own modules. */
export function packageOf(specifier: string): string | undefined {
  if (/^(\.|\/|node:)/.test(specifier)) return undefined;
  const [first = '', second = ''] = specifier.split('/');
  if (builtinModules.includes(first)) return undefined;
  return first.startsWith('@') ? `${first}/${second}` : first;
}

/** One module of a bundle and the specifiers it names, as esbuild writes them (minified ESM). */
export interface BundledModule {
  file: string;
  /** `import ... from "x"`, `import "x"`, `export ... from "x"`: loaded before the module runs. */
  staticImports: string[];
  /** `import("x")`: loaded when the code that asks runs. */
  dynamicImports: string[];
  /** `require("x")` and `require.resolve("x")`, through the bundle's createRequire banner (lib/bundling/stage-bundle.ts). */
  requires: string[];
  /** The source files it was built from, by its source map. */
  sources: string[];
}

const STATIC_IMPORT = /\b(?:import|export)\s*(?:[\w$*{}\s,]*?\s*from\s*)?["']([^"']+)["']/g;
const DYNAMIC_IMPORT = /\bimport\(\s*["']([^"']+)["']\s*\)/g;
const REQUIRE = /\brequire(?:\.resolve)?\(\s*["']([^"']+)["']\s*\)/g;

const matches = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((match) => match[1]!);

/** Every .mjs of a function's code asset, with what it imports. */
export function scanBundle(codeDir: string): BundledModule[] {
  return readdirSync(codeDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.mjs'))
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      const text = readFileSync(file, 'utf8');
      const map = `${file}.map`;
      const sources = existsSync(map)
        ? (JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] }).sources.map((source) =>
            path.resolve(path.dirname(file), source),
          )
        : [];
      return {
        file,
        staticImports: matches(text, STATIC_IMPORT),
        dynamicImports: matches(text, DYNAMIC_IMPORT),
        requires: matches(text, REQUIRE),
        sources,
      };
    });
}

/** Every package a bundle names, however it loads it. */
export function packagesNamed(modules: BundledModule[]): Set<string> {
  return new Set(
    modules
      .flatMap((module) => [...module.staticImports, ...module.dynamicImports, ...module.requires])
      .map(packageOf)
      .filter((name): name is string => name !== undefined),
  );
}

/** The packages a layer puts where Lambda's Node.js runtime resolves them: /opt/nodejs/node_modules and /opt/nodejs/node24/node_modules. */
export function layerPackages(layerDir: string): Set<string> {
  const packages = new Set<string>();
  for (const nodeModules of ['nodejs/node_modules', 'nodejs/node24/node_modules'].map((dir) =>
    path.join(layerDir, dir),
  )) {
    if (!existsSync(nodeModules)) continue;
    for (const entry of readdirSync(nodeModules)) {
      if (!entry.startsWith('@')) packages.add(entry);
      else for (const scoped of readdirSync(path.join(nodeModules, entry))) packages.add(`${entry}/${scoped}`);
    }
  }
  return packages;
}

/** A function laid out as Lambda runs it: `root/var/task` is /var/task, `root/opt` is /opt. */
export interface LambdaLayout {
  root: string;
  taskDir: string;
  optDir: string;
}

/** Hard-links every file of `source` under `target`, replacing a file already there. */
function linkTree(source: string, target: string): void {
  for (const entry of readdirSync(source, { recursive: true, withFileTypes: true })) {
    const from = path.join(entry.parentPath, entry.name);
    const to = path.join(target, path.relative(source, from));
    if (entry.isDirectory()) mkdirSync(to, { recursive: true });
    else if (entry.isFile()) {
      mkdirSync(path.dirname(to), { recursive: true });
      rmSync(to, { force: true });
      linkSync(from, to);
    }
  }
}

/**
 * One function as Lambda runs it, with nothing of the repository in reach: its code at var/task,
 * its layers merged at opt (Lambda extracts them in order, so a later layer's file replaces an earlier one's),
 * their nodejs/node_modules found from the code before the runtime's own SDK, as the runtime's
 * NODE_PATH orders /opt/nodejs/node_modules before /var/runtime/node_modules. Files are hard
 * links into the assembly (same file system), so ffmpeg is not copied for each function.
 */
export function layOut(root: string, codeDir: string, layerDirs: string[]): LambdaLayout {
  for (let dir = path.dirname(root); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'node_modules')))
      throw new Error(`${dir}/node_modules would be in reach of the layout at ${root}: lay it out elsewhere`);
    if (dir === path.dirname(dir)) break;
  }
  const layout = { root, taskDir: path.join(root, 'var', 'task'), optDir: path.join(root, 'opt') };
  linkTree(codeDir, layout.taskDir);
  mkdirSync(layout.optDir, { recursive: true });
  for (const layerDir of layerDirs) linkTree(layerDir, layout.optDir);
  mkdirSync(path.join(layout.optDir, 'nodejs', 'node_modules'), { recursive: true });
  symlinkSync(path.join(layout.optDir, 'nodejs', 'node_modules'), path.join(root, 'var', 'node_modules'));
  mkdirSync(path.join(root, 'node_modules'));
  for (const scope of ['@aws-sdk', '@smithy'])
    symlinkSync(path.join(REPOSITORY_NODE_MODULES, scope), path.join(root, 'node_modules', scope));
  return layout;
}

/**
 * What a function's process sees: the template's Environment (references rendered as
 * placeholders), and what Lambda sets itself for every function. Laid out, /opt paths point
 * into the layout's opt.
 */
export function lambdaEnvironment(
  logicalId: string,
  resource: TemplateResource,
  region: string,
  layout?: LambdaLayout,
): Record<string, string> {
  const variables = ((resource.Properties.Environment as { Variables?: Record<string, Json> } | undefined)?.Variables ??
    {}) as Record<string, Json>;
  const opt = (value: string) =>
    layout && value.startsWith('/opt/') ? path.join(layout.optDir, value.slice('/opt/'.length)) : value;
  const optDir = layout?.optDir ?? '/opt';
  return {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${String(resource.Properties.Runtime)}`,
    AWS_LAMBDA_FUNCTION_NAME: logicalId,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(resource.Properties.MemorySize ?? 128),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'example-secret-access-key',
    AWS_SESSION_TOKEN: 'example-session-token',
    LAMBDA_TASK_ROOT: layout?.taskDir ?? '/var/task',
    _HANDLER: String(resource.Properties.Handler),
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    PATH: `/usr/local/bin:/usr/bin:/bin:${path.join(optDir, 'bin')}`,
    NODE_PATH: [
      path.join(optDir, 'nodejs/node24/node_modules'),
      path.join(optDir, 'nodejs/node_modules'),
      layout ? path.join(layout.root, 'node_modules') : '/var/runtime/node_modules',
    ].join(':'),
    ...Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, opt(renderJoin(value))])),
  };
}

export interface ModuleLoad {
  file: string;
  error?: string;
}

/** Evaluates each module in a fresh Node process of the layout, with exactly `env`, as a cold start evaluates the handler's. */
export async function loadModules(
  layout: LambdaLayout,
  files: string[],
  env: Record<string, string>,
): Promise<ModuleLoad[]> {
  const script = `
    import { pathToFileURL } from 'node:url';
    const loads = [];
    for (const file of JSON.parse(process.argv[1])) {
      try {
        await import(pathToFileURL(file).href);
        loads.push({ file });
      } catch (error) {
        loads.push({ file, error: \`\${error.code ?? error.name}: \${String(error.message).split('\\n')[0]}\` });
      }
    }
    process.stdout.write(JSON.stringify(loads));
    process.exit(0);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(files)], {
    cwd: layout.taskDir,
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as ModuleLoad[];
}
