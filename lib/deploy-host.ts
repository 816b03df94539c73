/** The facts about the machine running synthesis that decide whether it can build the layers. */
export interface DeployHost {
  /** `process.platform`: linux, darwin, win32... */
  platform: string;
  /** `process.arch`: x64, arm64... */
  arch: string;
  /** The glibc version the process runs against; undefined where there is none (musl, macOS, Windows). */
  glibcVersion: string | undefined;
}

/**
 * Why this host cannot synthesize the stack, in one line, or undefined when it can. The layers
 * copy the binaries npm ci installed on this machine, and the workflow's x86_64 functions need
 * the linux-x64 glibc builds (@napi-rs/canvas-linux-x64-gnu, the linux-x64 ffmpeg and ffprobe):
 * elsewhere npm installs other builds, and synthesis would fail later without saying why.
 */
export function deployHostProblem(host: DeployHost): string | undefined {
  if (host.platform === 'linux' && host.arch === 'x64' && host.glibcVersion !== undefined) return undefined;
  const libc = host.glibcVersion === undefined ? 'no glibc' : `glibc ${host.glibcVersion}`;
  return (
    `dramaforge synthesizes only on linux-x64 with glibc, and this host is ${host.platform}-${host.arch} with ${libc}: ` +
    'the Lambda layers carry the linux-x64 glibc builds of @napi-rs/canvas, ffmpeg and ffprobe, which npm ci installs only there (docs/deploy.md)'
  );
}

/** This process's host; Node's diagnostic report is where it says which glibc it runs against. */
export function currentDeployHost(): DeployHost {
  const report = process.report.getReport() as { header: { glibcVersionRuntime?: string } };
  return { platform: process.platform, arch: process.arch, glibcVersion: report.header.glibcVersionRuntime };
}
