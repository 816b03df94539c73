import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { type Architecture, Code, type ILayerVersion, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { MediaTool } from '../../lambdas/pipeline/stage-descriptor.js';

export interface LayerFile {
  /**
   * Absolute path of the installed file (under node_modules).
   *
   * @default - none, required
   */
  readonly source: string;
  /**
   * Path inside the layer, i.e. under /opt at run time.
   *
   * @default - none, required
   */
  readonly target: string;
  /**
   * Make the copy executable (mode 0755), as a binary the code spawns must be.
   *
   * @default false
   */
  readonly executable?: boolean;
}

export interface FileLayerProps {
  /**
   * What the layer ships. At least one: the first file's directory is the asset's source, and synth fails on an empty list.
   *
   * @default - none, required
   */
  readonly files: LayerFile[];
  /**
   * The layer version's description: what it puts where under /opt.
   *
   * @default - none, required
   */
  readonly description: string;
  /**
   * SPDX id of what the layer ships (ffmpeg and espeak-ng are GPL: they run as separate processes).
   *
   * @default - none, required
   */
  readonly license: string;
  /**
   * The architectures whose functions may use the layer: one for native binaries, both for portable files.
   *
   * @default - none, required
   */
  readonly compatibleArchitectures: Architecture[];
}

/** A layer a StageFunction can bind: what it puts under /opt and the variables that point the code at it. */
export interface MediaLayer {
  readonly tool: MediaTool;
  readonly layer: ILayerVersion;
  readonly environment: Record<string, string>;
}

/**
 * A Lambda layer assembled at synth time from files already installed in node_modules.
 * The files are copied into the asset directory under cdk.out, never into the repository,
 * and no Docker is needed: the local bundler always succeeds or throws. The asset hash is
 * the files' content, so an unchanged layer is neither copied again nor re-uploaded.
 */
export class FileLayer extends Construct {
  readonly layer: ILayerVersion;

  constructor(scope: Construct, id: string, props: FileLayerProps) {
    super(scope, id);
    const first = props.files[0];
    if (!first) throw new Error(`${this.node.path}: a layer needs at least one file`);

    const code = Code.fromAsset(path.dirname(first.source), {
      assetHashType: AssetHashType.CUSTOM,
      assetHash: contentHash(props.files),
      bundling: {
        // Required by the API; never pulled, because local bundling never returns false.
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/busybox:stable'),
        local: {
          tryBundle(outputDir: string): boolean {
            for (const file of props.files) {
              const destination = path.join(outputDir, file.target);
              mkdirSync(path.dirname(destination), { recursive: true });
              copyFileSync(file.source, destination);
              if (file.executable) chmodSync(destination, 0o755);
            }
            return true;
          },
        },
      },
    });

    this.layer = new LayerVersion(this, 'Layer', {
      code,
      description: props.description,
      license: props.license,
      compatibleArchitectures: props.compatibleArchitectures,
    });
  }
}

/** Each binary is hashed once per process: every stack (and every infra test) builds the same layers. */
const fileHashes = new Map<string, string>();

function fileHash(source: string): string {
  let hash = fileHashes.get(source);
  if (!hash) {
    hash = createHash('sha256').update(readFileSync(source)).digest('hex');
    fileHashes.set(source, hash);
  }
  return hash;
}

function contentHash(files: LayerFile[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file.target}\0${fileHash(file.source)}\n`);
  return hash.digest('hex');
}
