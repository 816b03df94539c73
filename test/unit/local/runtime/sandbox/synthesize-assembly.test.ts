import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CdkAppNotFound, cdkAppFolder } from '../../../../../local/runtime/sandbox/synthesize-assembly.js';

const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '..', '..', '..', '..', '..');

describe('the folder deployed mode synthesizes in', () => {
  it('is the repository, from the sources and from the compiled CLI in dist/', () => {
    // Prepare
    const sources = path.join(REPOSITORY_ROOT, 'local', 'runtime', 'sandbox');
    const compiled = path.join(REPOSITORY_ROOT, 'dist', 'local', 'runtime', 'sandbox');

    // Act
    const found = [cdkAppFolder(sources), cdkAppFolder(compiled)];

    // Assess
    expect(found).toEqual([REPOSITORY_ROOT, REPOSITORY_ROOT]);
  });

  it('is the nearest folder with a cdk.json, and outside any is refused with what deployed mode needs', () => {
    // Prepare
    const outside = mkdtempSync(path.join(os.tmpdir(), 'dramaforge-no-app-'));
    const app = path.join(outside, 'app');
    mkdirSync(path.join(app, 'deep', 'er'), { recursive: true });
    writeFileSync(path.join(app, 'cdk.json'), '{}');

    // Act
    const nested = cdkAppFolder(path.join(app, 'deep', 'er'));
    const refused = (() => {
      try {
        return cdkAppFolder(outside);
      } catch (error) {
        return error;
      }
    })();

    // Assess
    expect(nested).toBe(app);
    expect(refused).toBeInstanceOf(CdkAppNotFound);
    expect((refused as Error).message).toContain('a clone of the repository');
  });
});
