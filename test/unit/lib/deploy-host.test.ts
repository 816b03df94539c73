import { describe, expect, it } from 'vitest';
import { type DeployHost, deployHostProblem } from '../../../lib/deploy-host.js';

describe('the deploy host check', () => {
  it('accepts linux-x64 with glibc, the host whose binaries the layers carry', () => {
    // Prepare
    const host: DeployHost = { platform: 'linux', arch: 'x64', glibcVersion: '2.36' };

    // Act
    const problem = deployHostProblem(host);

    // Assess
    expect(problem).toBeUndefined();
  });

  it.each<[string, DeployHost]>([
    ['macOS on Apple silicon', { platform: 'darwin', arch: 'arm64', glibcVersion: undefined }],
    ['macOS on Intel', { platform: 'darwin', arch: 'x64', glibcVersion: undefined }],
    ['Linux on ARM', { platform: 'linux', arch: 'arm64', glibcVersion: '2.36' }],
    ['Alpine (musl)', { platform: 'linux', arch: 'x64', glibcVersion: undefined }],
    ['Windows', { platform: 'win32', arch: 'x64', glibcVersion: undefined }],
  ])('refuses %s in one line that names linux-x64, glibc and the host', (_name, host) => {
    // Act
    const problem = deployHostProblem(host);

    // Assess
    expect(problem).toBeDefined();
    expect(problem).not.toContain('\n');
    expect(problem).toMatch(/^dramaforge synthesizes only on linux-x64 with glibc/);
    expect(problem).toContain(
      `this host is ${host.platform}-${host.arch} with ${host.glibcVersion === undefined ? 'no glibc' : `glibc ${host.glibcVersion}`}`,
    );
  });
});
