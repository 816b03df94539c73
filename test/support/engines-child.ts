import { startEngines } from '../../local/engines/embedded-engines.js';

/**
 * A process that hosts the embedded engines over a directory, as the runtime does, and writes their
 * endpoints as one JSON line on stdout. Arguments: the data directory, then the buckets.
 */
const engines = await startEngines(process.argv[2]!, process.argv.slice(3));
process.stdout.write(`${JSON.stringify(engines.endpoints)}\n`);
setInterval(() => undefined, 60_000);
