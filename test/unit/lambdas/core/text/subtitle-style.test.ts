import { describe, expect, it } from 'vitest';
import { ManifestInvalid } from '../../../../../lambdas/core/contracts/errors.js';
import { validateManifest } from '../../../../../lambdas/core/manifest/validate.js';
import { resolveSubtitleStyle, subtitleOptionsFor } from '../../../../../lambdas/core/text/subtitle-style.js';
import { toSrt } from '../../../../../lambdas/core/text/subtitles.js';

function manifest(extra: Record<string, unknown> = {}) {
  return {
    version: 1,
    production: 'style-check',
    title: 'Style check',
    language: 'en-US',
    budgetUsd: 1,
    characters: [],
    episodes: [
      { id: 'ep01', title: 'One', scenes: [{ id: 's01', location: 'Harbour', characters: [], outline: 'Empty.' }] },
    ],
    ...extra,
  };
}

describe('subtitle style', () => {
  it('keeps a manifest without a subtitles field valid, and gives portrait video the feed style', () => {
    // Act
    const parsed = validateManifest(manifest());
    const look = resolveSubtitleStyle(parsed.subtitles, parsed.format);

    // Assess
    expect(parsed.subtitles).toBeUndefined();
    expect(look).toMatchObject({
      preset: 'feed',
      weight: 'bold',
      fontSizePx: 54,
      outlinePx: 6,
      textColour: '#FFFFFF',
      outlineColour: '#000000',
    });
    expect(look.safeArea).toEqual({ leftPx: 65, rightPx: 151, bottomPx: 422 });
  });

  it('gives landscape video the broadcast style', () => {
    // Act
    const look = resolveSubtitleStyle(undefined, { width: 1920, height: 1080 });

    // Assess
    expect(look).toMatchObject({ preset: 'broadcast', weight: 'regular', lineLength: { latin: 42, cjk: 16 } });
    expect(look.safeArea.bottomPx).toBe(Math.round(1080 * 0.06));
  });

  it('lets a manifest choose another preset, size, weight and colours', () => {
    // Prepare
    const parsed = validateManifest(
      manifest({ subtitles: { preset: 'boxed', scale: 1.4, weight: 'regular', textColour: '#FFF3C4' } }),
    );

    // Act
    const look = resolveSubtitleStyle(parsed.subtitles, parsed.format);

    // Assess
    expect(look).toMatchObject({
      preset: 'boxed',
      weight: 'regular',
      fontSizePx: 76,
      outlinePx: 0,
      boxColour: '#000000A6',
      textColour: '#FFF3C4',
    });
    expect(look.lineLength).toEqual({ latin: 20, cjk: 10 });
  });

  it('breaks the SRT lines at the chosen style’s line length', () => {
    // Prepare
    const cue = {
      startSeconds: 0,
      endSeconds: 4,
      text: 'I have waited for you at this station every single night of the year.',
    };
    const longest = (srt: string) =>
      Math.max(
        ...srt
          .split('\n')
          .filter((line) => /[a-z]/.test(line))
          .map((line) => line.length),
      );

    // Act
    const feed = toSrt([cue], subtitleOptionsFor(resolveSubtitleStyle(undefined, { width: 1080, height: 1920 })));
    const broadcast = toSrt(
      [cue],
      subtitleOptionsFor(resolveSubtitleStyle({ preset: 'broadcast' }, { width: 1080, height: 1920 })),
    );

    // Assess
    expect(longest(feed)).toBeLessThanOrEqual(28);
    expect(longest(broadcast)).toBeGreaterThan(28);
  });

  it('names the path and the reason for a bad style', () => {
    // Act
    const validate = () =>
      validateManifest(manifest({ subtitles: { preset: 'huge', textColour: 'white', position: 'top' } }));

    // Assess
    expect(validate).toThrow(ManifestInvalid);
    try {
      validate();
    } catch (error) {
      const problems = (error as ManifestInvalid).problems.map((p) => `${p.path}: ${p.reason}`);
      expect(problems).toContain('subtitles.textColour: textColour must look like "#FFFFFF"');
      expect(problems).toContain('subtitles.position: unknown key');
      expect(problems).toContainEqual(expect.stringMatching(/^subtitles\.preset: /));
    }
  });
});
