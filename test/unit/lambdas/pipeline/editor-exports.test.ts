import { PutObjectCommand } from '@aws-sdk/client-s3';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { wavFromPcm } from '../../../../lambdas/adapters/media/voice-track.js';
import { writeEditorExports } from '../../../../lambdas/pipeline/editor-exports.js';
import { mockedStageDeps, oneSceneManifest } from '../../../support/mocked-stage-deps.js';

const manifest = oneSceneManifest();

/** A silent PCM WAV of this rate and channel count, two seconds long. */
const silentWav = (sampleRate: number, channels: number) =>
  wavFromPcm(Buffer.alloc(sampleRate * channels * 2 * 2), sampleRate, channels);

interface FcpxmlAsset {
  '@_audioRate': string;
  '@_audioChannels': string;
  'media-rep': { '@_src': string };
}

describe('writeEditorExports', () => {
  it("declares the music bed at the rate and channels its WAV has, and the picture at the episode's", async () => {
    // Prepare
    const { deps, s3Mock } = mockedStageDeps();
    const written = new Map<string, string>();
    s3Mock.on(PutObjectCommand).callsFake((input: { Key: string; Body: Buffer | string }) => {
      written.set(input.Key, input.Body.toString());
      return {};
    });

    // Act
    const exports = await writeEditorExports(deps, {
      productionId: 'unit-series',
      manifest,
      episode: { id: 'ep01', title: 'One' },
      scenes: [{ id: 's01', durationSeconds: 2, voiceWav: wavFromPcm(Buffer.alloc(48_000 * 2 * 2)) }],
      musicWav: silentWav(24_000, 2),
      cues: [],
    });

    // Assess
    const fcpxml = written.get(`productions/unit-series/episodes/${exports.fcpxml}`);
    expect(fcpxml).toBeDefined();
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(fcpxml!) as {
      fcpxml: { resources: { asset: FcpxmlAsset[] } };
    };
    const declared = (file: string) => {
      const asset = parsed.fcpxml.resources.asset.find((candidate) => candidate['media-rep']['@_src'] === file);
      return asset && [asset['@_audioRate'], asset['@_audioChannels']];
    };
    expect(declared('ep01.music.wav')).toEqual(['24000', '2']);
    expect(declared('ep01.mp4')).toEqual(['48000', '2']);
    expect(declared('ep01.voices.wav')).toEqual(['48000', '1']);
  });
});
