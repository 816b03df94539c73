import type { ManifestSubtitleStyle } from '../manifest/schema.js';
import type { SubtitleOptions } from './subtitles.js';

/**
 * The burned subtitles' look in pixels for one frame size, from the manifest's
 * `subtitles` field (docs/subtitles.md explains the presets and the numbers).
 */
export interface SubtitleLook {
  preset: NonNullable<ManifestSubtitleStyle['preset']>;
  weight: 'regular' | 'bold';
  fontSizePx: number;
  /** Stroke drawn around every glyph; 0 for none. */
  outlinePx: number;
  /** #RRGGBB */
  textColour: string;
  /** #RRGGBB */
  outlineColour: string;
  /** A box drawn behind each line, as #RRGGBBAA, or undefined for none. */
  boxColour?: string;
  /** Baseline-to-baseline distance, as a multiple of the font size. */
  lineHeight: number;
  /** Where text may be drawn: the frame less these margins, in pixels. */
  safeArea: { leftPx: number; rightPx: number; bottomPx: number };
  /** How long a line may be, in graphemes (see SubtitleOptions). */
  lineLength: { latin: number; cjk: number };
}

interface Preset {
  weight: 'regular' | 'bold';
  /** Font size as a share of the frame's shorter side. */
  fontSizeOfShortSide: number;
  outlineEm: number;
  boxColour?: string;
  /** Margins as shares of the width (left, right) and of the height (bottom). */
  safeArea: { left: number; right: number; bottom: number };
  lineLength: { latin: number; cjk: number };
}

/**
 * `feed`: vertical short-video feeds. The bottom 22% of the frame holds the platform's
 * caption, sound ticker and progress bar, and its action buttons run down the right
 * edge, so text keeps above the one and left of the other. Bold white with a heavy
 * black outline stays readable over any keyframe at phone size, and short lines
 * (28 Latin characters, 14 full-width ones) let the text be large.
 * `boxed`: the same place and size, on a translucent box instead of an outline.
 * `broadcast`: landscape video, the classic lower-third line of up to 42 characters.
 */
const PRESETS: Readonly<Record<SubtitleLook['preset'], Preset>> = {
  feed: {
    weight: 'bold',
    fontSizeOfShortSide: 0.05,
    outlineEm: 0.12,
    safeArea: { left: 0.06, right: 0.14, bottom: 0.22 },
    lineLength: { latin: 28, cjk: 14 },
  },
  boxed: {
    weight: 'bold',
    fontSizeOfShortSide: 0.05,
    outlineEm: 0,
    boxColour: '#000000A6',
    safeArea: { left: 0.06, right: 0.14, bottom: 0.22 },
    lineLength: { latin: 28, cjk: 14 },
  },
  broadcast: {
    weight: 'regular',
    fontSizeOfShortSide: 0.045,
    outlineEm: 0.08,
    safeArea: { left: 0.05, right: 0.05, bottom: 0.06 },
    lineLength: { latin: 42, cjk: 16 },
  },
};

export function resolveSubtitleStyle(
  style: ManifestSubtitleStyle | undefined,
  frame: { width: number; height: number },
): SubtitleLook {
  const presetName = style?.preset ?? (frame.height >= frame.width ? 'feed' : 'broadcast');
  const preset = PRESETS[presetName];
  const fontSizePx = Math.max(
    10,
    Math.round(Math.min(frame.width, frame.height) * preset.fontSizeOfShortSide * (style?.scale ?? 1)),
  );
  return {
    preset: presetName,
    weight: style?.weight ?? preset.weight,
    fontSizePx,
    outlinePx: preset.outlineEm === 0 ? 0 : Math.max(1, Math.round(fontSizePx * preset.outlineEm)),
    textColour: style?.textColour ?? '#FFFFFF',
    outlineColour: style?.outlineColour ?? '#000000',
    ...(preset.boxColour ? { boxColour: preset.boxColour } : {}),
    lineHeight: 1.3,
    safeArea: {
      leftPx: Math.round(frame.width * preset.safeArea.left),
      rightPx: Math.round(frame.width * preset.safeArea.right),
      bottomPx: Math.round(frame.height * preset.safeArea.bottom),
    },
    // A larger scale means fewer characters fit a line; a smaller one, more.
    lineLength: {
      latin: Math.max(8, Math.round(preset.lineLength.latin / (style?.scale ?? 1))),
      cjk: Math.max(4, Math.round(preset.lineLength.cjk / (style?.scale ?? 1))),
    },
  };
}

/** The line lengths SRT, VTT and the burned pages share, so all three break lines alike. */
export function subtitleOptionsFor(look: SubtitleLook): SubtitleOptions {
  return { latinLineLength: look.lineLength.latin, cjkLineLength: look.lineLength.cjk };
}
