#!/usr/bin/env node
// The package's `bin`: the CLI compiled from bin/dramaforge.ts by `npm run build`, which `npm ci` runs as the
// prepare script. After editing the sources, run `npm run build` again (or `npx tsx bin/dramaforge.ts`).
const compiled = new URL('../dist/bin/dramaforge.js', import.meta.url);
try {
  await import(compiled.href);
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || error.url !== compiled.href) throw error;
  process.stderr.write('dramaforge: the CLI is not built yet: run `npm run build` (npm ci does it)\n');
  process.exit(1);
}
