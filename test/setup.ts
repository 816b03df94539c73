import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import fc from 'fast-check';
import { expect } from 'vitest';

expect.extend(allCustomMatcher);

// fast-check seeds from the clock by default, so each run tried other inputs and a failure could not be
// replayed. Every run tries the same inputs; FC_SEED tries others (a failure prints the seed to replay).
fc.configureGlobal({ seed: process.env.FC_SEED ? Number(process.env.FC_SEED) : 20_261_206 });
