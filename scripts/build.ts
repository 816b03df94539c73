// Compiles the CLI and the local runtime to dist/ (run by `npm ci` as the prepare script), so the
// CLI starts as plain JavaScript instead of compiling TypeScript on every run.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');
/**
 * The compiled modules open these folders' other files next to themselves (import.meta.url): the
 * espeak worker, the state machine definition; the MCP server serves the manifest schema and the docs
 * to agents. package.json is read by `dramaforge --version`.
 */
const FOLDERS_WITH_RUNTIME_FILES = ['lambdas', 'local', 'statemachines', 'schemas', 'docs'];

// A module renamed or deleted in the sources must not live on in dist/.
await rm(dist, { recursive: true, force: true });
try {
  await promisify(execFile)(
    path.join(root, 'node_modules', '.bin', 'tsc'),
    ['-p', path.join(root, 'tsconfig.build.json')],
    { cwd: root },
  );
} catch (error) {
  const { stdout, stderr } = error as { stdout?: string; stderr?: string };
  process.stderr.write(`${stdout ?? ''}${stderr ?? ''}build: tsc -p tsconfig.build.json failed\n`);
  process.exit(1);
}

const runtimeFiles = ['package.json'];
for (const folder of FOLDERS_WITH_RUNTIME_FILES) {
  for (const entry of await readdir(path.join(root, folder), { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && !entry.name.endsWith('.ts'))
      runtimeFiles.push(path.relative(root, path.join(entry.parentPath, entry.name)));
  }
}
for (const file of runtimeFiles) {
  await mkdir(path.dirname(path.join(dist, file)), { recursive: true });
  await copyFile(path.join(root, file), path.join(dist, file));
}
