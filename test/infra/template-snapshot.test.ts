import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_NAMES } from '../../lib/config/environment-config.js';
import { synthesize } from './synthesize.js';

/** Asset hashes change with every code edit; they are replaced so the snapshot shows only infrastructure changes. */
function scrubAssetHashes(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}(\.zip|\.json)?/g, '[asset-hash]$1'));
}

describe.each(ENVIRONMENT_NAMES)('%s template', (name) => {
  it('matches the reviewed snapshot (asset hashes scrubbed)', () => {
    // Prepare
    const { template } = synthesize(name);

    // Act
    const scrubbed = scrubAssetHashes(template.toJSON());

    // Assess
    expect(scrubbed).toMatchSnapshot();
  });
});
