import type * as Canvas from '@napi-rs/canvas';

let loading: Promise<typeof Canvas> | undefined;

/**
 * The native canvas (a 34 MB binary) ships only with the Lambda functions that draw, so
 * nothing may load it at import time: code that draws asks for it here, on first use, and
 * gets it with the project's fonts registered.
 */
export function loadCanvas(): Promise<typeof Canvas> {
  loading ??= import('./canvas-with-fonts.js').then((module) => module.canvas);
  return loading;
}
