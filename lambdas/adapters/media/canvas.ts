import type * as Canvas from '@napi-rs/canvas';
import { fontFiles } from './fonts.js';

let loading: Promise<typeof Canvas> | undefined;

/**
 * The native canvas (a 34 MB binary) ships only with the Lambda functions that draw, so
 * nothing may load it at import time: code that draws asks for it here, on first use.
 * The project's fonts are registered once, as it loads.
 */
export function loadCanvas(): Promise<typeof Canvas> {
  loading ??= import('@napi-rs/canvas').then((canvas) => {
    for (const font of fontFiles()) canvas.GlobalFonts.registerFromPath(font.file, font.family);
    return canvas;
  });
  return loading;
}
