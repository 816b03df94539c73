import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

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
      return { file, staticImports: matches(text, STATIC_IMPORT), dynamicImports: matches(text, DYNAMIC_IMPORT), requires: matches(text, REQUIRE) };
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
  for (const nodeModules of ['nodejs/node_modules', 'nodejs/node24/node_modules'].map((dir) => path.join(layerDir, dir))) {
    if (!existsSync(nodeModules)) continue;
    for (const entry of readdirSync(nodeModules)) {
      if (!entry.startsWith('@')) packages.add(entry);
      else for (const scoped of readdirSync(path.join(nodeModules, entry))) packages.add(`${entry}/${scoped}`);
    }
  }
  return packages;
}
