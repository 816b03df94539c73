import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ManifestSchema } from '../lambdas/core/manifest/schema.js';

const target = fileURLToPath(new URL('../schemas/manifest.schema.json', import.meta.url));

const jsonSchema = {
  ...z.toJSONSchema(ManifestSchema, { io: 'input', target: 'draft-2020-12' }),
  $id: 'https://dramaforge.dev/schemas/manifest.schema.json',
  title: 'dramaforge manifest v1',
};
const rendered = `${JSON.stringify(jsonSchema, null, 2)}\n`;

if (process.argv.includes('--check')) {
  const current = await readFile(target, 'utf8').catch(() => '');
  if (current !== rendered) {
    console.error('schemas/manifest.schema.json is out of date: run `npm run schema` and commit the result');
    process.exit(1);
  }
  console.log('schemas/manifest.schema.json matches the zod schema');
} else {
  await writeFile(target, rendered);
  console.log(`wrote ${target}`);
}
