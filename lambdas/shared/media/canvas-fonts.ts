import { GlobalFonts } from '@napi-rs/canvas';
import { fontFiles } from './fonts.js';

let registered = false;

/** Makes the project's fonts available to every canvas in this process; registering twice would duplicate families. */
export function registerCanvasFonts(): void {
  if (registered) return;
  for (const font of fontFiles()) GlobalFonts.registerFromPath(font.file, font.family);
  registered = true;
}
