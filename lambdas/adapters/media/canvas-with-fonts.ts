import * as canvas from '@napi-rs/canvas';
import { fontFiles } from './fonts.js';

/**
 * The native canvas with the project's fonts registered, in one module that is evaluated on
 * first use (./canvas.ts imports it): in a function's bundle it is one chunk, so what loading
 * the canvas needs, its layer's binary and the fonts, is what loading that chunk needs, and the
 * assembly test (test/infra/assembly.test.ts) loads it as Lambda would for each function that draws.
 */
for (const font of fontFiles()) canvas.GlobalFonts.registerFromPath(font.file, font.family);

export { canvas };
