import { ProviderRejected } from '../../../core/contracts/errors.js';
import {
  type Box,
  type ConsistencyRequest,
  type ConsistencyScorer,
  type ConsistencyVerdict,
  DEFAULT_CONSISTENCY_THRESHOLD,
  type Metered,
  type RenderedImage,
} from '../../../core/contracts/ports.js';
import { loadCanvas } from '../../media/canvas.js';

const GRID_COLUMNS = 16;
const GRID_ROWS = 40;
const HUE_BINS = 12;
const GREY_BINS = 4;
const HISTOGRAM_BINS = HUE_BINS * 2 + GREY_BINS;
const ORIENTATION_BINS = 6;
const BLOCK_COLUMNS = 4;
const BLOCK_ROWS = 8;

const WEIGHTS = { palette: 0.4, layout: 0.4, structure: 0.2 };

interface Crop {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

/**
 * Every measure below works on the 16 x 40 grid, so a crop is read at no more than this many pixels
 * a cell: more only costs time (a full-size figure is ten times the pixels for the same cell means).
 */
const PIXELS_PER_CELL = 8;

type DecodedImage = Awaited<ReturnType<Awaited<ReturnType<typeof loadCanvas>>['loadImage']>>;

/** A keyframe is scored once per character and a reference once per keyframe: each PNG is decoded once. */
const decodedImages = new WeakMap<Buffer, Promise<DecodedImage>>();

async function decode(png: Buffer): Promise<DecodedImage> {
  let decoded = decodedImages.get(png);
  if (!decoded) {
    decoded = loadCanvas().then(({ loadImage }) => loadImage(png));
    decodedImages.set(png, decoded);
  }
  return decoded;
}

async function readCrop(image: RenderedImage, box: Box): Promise<Crop> {
  const { createCanvas } = await loadCanvas();
  const decoded = await decode(image.png);
  const scale = Math.min(1, (GRID_ROWS * PIXELS_PER_CELL) / Math.max(1, box.height));
  const width = Math.max(1, Math.round(box.width * scale));
  const height = Math.max(1, Math.round(box.height * scale));
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(decoded, box.x, box.y, box.width, box.height, 0, 0, width, height);
  return { width, height, rgba: ctx.getImageData(0, 0, width, height).data };
}

/**
 * When the frame cut a character off at an edge, only the matching part of the
 * reference is comparable: a figure cut at the knees is compared with the
 * reference from the head to the knees, not squeezed onto the whole body.
 */
function comparableReferenceBox(reference: Box, keyframe: RenderedImage, keyframeBox: Box): Box {
  const touchesBottom = keyframeBox.y + keyframeBox.height >= keyframe.height - 1;
  const touchesLeft = keyframeBox.x <= 0;
  const touchesRight = keyframeBox.x + keyframeBox.width >= keyframe.width - 1;
  let { x, y, width, height } = reference;
  const keyframeAspect = keyframeBox.height / Math.max(1, keyframeBox.width);
  const referenceAspect = height / Math.max(1, width);
  if (touchesBottom && keyframeAspect < referenceAspect) height = width * keyframeAspect;
  if ((touchesLeft || touchesRight) && keyframeAspect > referenceAspect) {
    const visibleWidth = height / keyframeAspect;
    if (touchesLeft) x += width - visibleWidth;
    width = visibleWidth;
  }
  return { x, y, width, height };
}

function luminance(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

/** sRGB's transfer curve undone: a channel of 0 to 255 as linear light. */
function linearLight(channel: number): number {
  const v = channel / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

function labCurve(t: number): number {
  return t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116;
}

/**
 * CIE L*a*b*, so that colour distances follow what a viewer notices. Its helpers live outside it: a
 * closure made on each of the scorer's many calls costs more than the arithmetic where functions keep
 * their names (tsx).
 */
function toLab(r: number, g: number, b: number): [number, number, number] {
  const lr = linearLight(r);
  const lg = linearLight(g);
  const lb = linearLight(b);
  const x = (lr * 0.4124 + lg * 0.3576 + lb * 0.1805) / 0.95047;
  const y = lr * 0.2126 + lg * 0.7152 + lb * 0.0722;
  const z = (lr * 0.0193 + lg * 0.1192 + lb * 0.9505) / 1.08883;
  return [116 * labCurve(y) - 16, 500 * (labCurve(x) - labCurve(y)), 200 * (labCurve(y) - labCurve(z))];
}

/** HSV bins: two saturation bands per hue, plus grey levels for unsaturated or dark colours. */
function histogramBins(r: number, g: number, b: number): [number, number][] {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const value = max / 255;
  const saturation = max === 0 ? 0 : (max - min) / max;
  if (saturation < 0.2 || value < 0.15)
    return [[HUE_BINS * 2 + Math.min(GREY_BINS - 1, Math.floor(value * GREY_BINS)), 1]];
  let hue: number;
  if (max === r) hue = ((g - b) / (max - min) + 6) % 6;
  else if (max === g) hue = (b - r) / (max - min) + 2;
  else hue = (r - g) / (max - min) + 4;
  const position = (hue / 6) * HUE_BINS - 0.5;
  const lower = Math.floor(position);
  const share = position - lower;
  const band = saturation < 0.55 ? 0 : 1;
  return [
    [wrapHue(lower) * 2 + band, 1 - share],
    [wrapHue(lower + 1) * 2 + band, share],
  ];
}

function wrapHue(bin: number): number {
  return ((bin % HUE_BINS) + HUE_BINS) % HUE_BINS;
}

/** Background colour of the reference sheet: the median of the crop's border pixels. */
function borderColour(crop: Crop): [number, number, number] {
  const channels: [number[], number[], number[]] = [[], [], []];
  const sample = (x: number, y: number): void => {
    const i = (y * crop.width + x) * 4;
    for (let c = 0; c < 3; c++) channels[c]?.push(crop.rgba[i + c] ?? 0);
  };
  for (let x = 0; x < crop.width; x++) {
    sample(x, 0);
    sample(x, crop.height - 1);
  }
  for (let y = 0; y < crop.height; y++) {
    sample(0, y);
    sample(crop.width - 1, y);
  }
  const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  return [median(channels[0]), median(channels[1]), median(channels[2])];
}

interface Grid {
  columns: number;
  rows: number;
  /** Mean RGB per cell, row-major. */
  means: Float32Array;
}

/** Area-averages a crop into cells of the given pixel size, so both images are compared at one scale. */
function gridOf(crop: Crop, columns: number, rows: number): Grid {
  const sums = new Float64Array(columns * rows * 4);
  for (let y = 0; y < crop.height; y++) {
    const row = Math.min(rows - 1, Math.floor((y * rows) / crop.height));
    for (let x = 0; x < crop.width; x++) {
      const cell = row * columns + Math.min(columns - 1, Math.floor((x * columns) / crop.width));
      const i = (y * crop.width + x) * 4;
      const s = cell * 4;
      sums[s] = (sums[s] ?? 0) + (crop.rgba[i] ?? 0);
      sums[s + 1] = (sums[s + 1] ?? 0) + (crop.rgba[i + 1] ?? 0);
      sums[s + 2] = (sums[s + 2] ?? 0) + (crop.rgba[i + 2] ?? 0);
      sums[s + 3] = (sums[s + 3] ?? 0) + 1;
    }
  }
  const means = new Float32Array(columns * rows * 3);
  for (let cell = 0; cell < columns * rows; cell++) {
    const n = Math.max(1, sums[cell * 4 + 3] ?? 1);
    for (let c = 0; c < 3; c++) means[cell * 3 + c] = (sums[cell * 4 + c] ?? 0) / n;
  }
  return { columns, rows, means };
}

/** Share of each grid cell that the reference figure covers (the rest is sheet background). */
function figureCoverage(reference: Crop): Float32Array {
  const [br, bg, bb] = borderColour(reference);
  const covered = new Float32Array(GRID_COLUMNS * GRID_ROWS);
  const counts = new Float32Array(GRID_COLUMNS * GRID_ROWS);
  for (let y = 0; y < reference.height; y++) {
    const row = Math.min(GRID_ROWS - 1, Math.floor((y * GRID_ROWS) / reference.height));
    for (let x = 0; x < reference.width; x++) {
      const cell = row * GRID_COLUMNS + Math.min(GRID_COLUMNS - 1, Math.floor((x * GRID_COLUMNS) / reference.width));
      const i = (y * reference.width + x) * 4;
      const distance =
        Math.abs((reference.rgba[i] ?? 0) - br) +
        Math.abs((reference.rgba[i + 1] ?? 0) - bg) +
        Math.abs((reference.rgba[i + 2] ?? 0) - bb);
      counts[cell] = (counts[cell] ?? 0) + 1;
      if (distance > 36) covered[cell] = (covered[cell] ?? 0) + 1;
    }
  }
  return covered.map((c, i) => c / Math.max(1, counts[i] ?? 1));
}

/** The reference's cells, looked up in the keyframe grid shifted by `shift` columns; undefined off the crop. */
type Aligned = (column: number, row: number) => [number, number, number] | undefined;

function aligned(grid: Grid, shift: number, gain: number): Aligned {
  return (column, row) => {
    const c = column + shift;
    if (c < 0 || c >= grid.columns || row < 0 || row >= grid.rows) return undefined;
    const at = (row * grid.columns + c) * 3;
    return [(grid.means[at] ?? 0) * gain, (grid.means[at + 1] ?? 0) * gain, (grid.means[at + 2] ?? 0) * gain];
  };
}

function labGrid(cell: Aligned, columns: number, rows: number): ([number, number, number] | undefined)[] {
  const labs: ([number, number, number] | undefined)[] = [];
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      const rgb = cell(column, row);
      labs.push(rgb ? toLab(rgb[0], rgb[1], rgb[2]) : undefined);
    }
  }
  return labs;
}

/** Each reference cell finds its best match one cell around, so a raised arm or a small shift is forgiven. */
function layoutSimilarity(
  reference: ([number, number, number] | undefined)[],
  keyframe: ([number, number, number] | undefined)[],
  coverage: Float32Array,
): number {
  let weighted = 0;
  let weights = 0;
  for (let row = 0; row < GRID_ROWS; row++) {
    for (let column = 0; column < GRID_COLUMNS; column++) {
      const weight = coverage[row * GRID_COLUMNS + column] ?? 0;
      const own = reference[row * GRID_COLUMNS + column];
      if (weight < 0.5 || !own) continue;
      let best = Number.POSITIVE_INFINITY;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          if (column + dx < 0 || column + dx >= GRID_COLUMNS || row + dy < 0 || row + dy >= GRID_ROWS) continue;
          const other = keyframe[(row + dy) * GRID_COLUMNS + column + dx];
          if (other) best = Math.min(best, Math.hypot(own[0] - other[0], own[1] - other[1], own[2] - other[2]));
        }
      }
      weighted += weight * (best === Number.POSITIVE_INFINITY ? 0 : Math.exp(-best / 22));
      weights += weight;
    }
  }
  return weights === 0 ? 0 : weighted / weights;
}

/** Soft hue binning: a colour near a bin edge counts half in each, so a slight tint does not flip bins. */
function paletteHistogram(cell: Aligned, coverage: Float32Array): Float32Array {
  const histogram = new Float32Array(HISTOGRAM_BINS);
  for (let row = 0; row < GRID_ROWS; row++) {
    for (let column = 0; column < GRID_COLUMNS; column++) {
      const weight = coverage[row * GRID_COLUMNS + column] ?? 0;
      const rgb = cell(column, row);
      if (weight < 0.5 || !rgb) continue;
      for (const [bin, share] of histogramBins(rgb[0], rgb[1], rgb[2]))
        histogram[bin] = (histogram[bin] ?? 0) + weight * share;
    }
  }
  const total = histogram.reduce((sum, v) => sum + v, 0);
  return total > 0 ? histogram.map((v) => v / total) : histogram;
}

function structureOf(cell: Aligned, coverage: Float32Array): Float32Array {
  const lum = (column: number, row: number): number => {
    const rgb = cell(Math.min(GRID_COLUMNS - 1, Math.max(0, column)), Math.min(GRID_ROWS - 1, Math.max(0, row)));
    return rgb ? luminance(rgb[0], rgb[1], rgb[2]) : 0;
  };
  const structure = new Float32Array(BLOCK_COLUMNS * BLOCK_ROWS * ORIENTATION_BINS);
  for (let row = 0; row < GRID_ROWS; row++) {
    for (let column = 0; column < GRID_COLUMNS; column++) {
      if ((coverage[row * GRID_COLUMNS + column] ?? 0) < 0.2) continue;
      const gx = lum(column + 1, row) - lum(column - 1, row);
      const gy = lum(column, row + 1) - lum(column, row - 1);
      const angle = (Math.atan2(gy, gx) + Math.PI) % Math.PI;
      const bin = Math.min(ORIENTATION_BINS - 1, Math.floor((angle / Math.PI) * ORIENTATION_BINS));
      const block =
        Math.floor((row * BLOCK_ROWS) / GRID_ROWS) * BLOCK_COLUMNS +
        Math.floor((column * BLOCK_COLUMNS) / GRID_COLUMNS);
      const at = block * ORIENTATION_BINS + bin;
      structure[at] = (structure[at] ?? 0) + Math.hypot(gx, gy);
    }
  }
  return structure;
}

function histogramIntersection(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.min(a[i] ?? 0, b[i] ?? 0);
  return sum;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] ?? 0) * (b[i] ?? 0);
    na += (a[i] ?? 0) ** 2;
    nb += (b[i] ?? 0) ** 2;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

function meanLuminance(cell: Aligned, coverage: Float32Array): number {
  let sum = 0;
  let weights = 0;
  for (let row = 0; row < GRID_ROWS; row++) {
    for (let column = 0; column < GRID_COLUMNS; column++) {
      const weight = coverage[row * GRID_COLUMNS + column] ?? 0;
      const rgb = cell(column, row);
      if (weight < 0.5 || !rgb) continue;
      sum += weight * luminance(rgb[0], rgb[1], rgb[2]);
      weights += weight;
    }
  }
  return weights === 0 ? 0 : sum / weights;
}

export interface ConsistencyBreakdown {
  palette: number;
  layout: number;
  structure: number;
  score: number;
}

/** The score and the three parts it is made of, for calibration and for a producer's report. */
export async function measureConsistency(request: ConsistencyRequest): Promise<ConsistencyBreakdown> {
  const referenceBox = request.reference.regions[request.characterId];
  if (!referenceBox || referenceBox.width < 1 || referenceBox.height < 1) {
    throw new ProviderRejected(`reference sheet has no region for character ${request.characterId}`);
  }
  const keyframeBox = request.keyframe.regions[request.characterId];
  if (!keyframeBox || keyframeBox.width < 4 || keyframeBox.height < 4) {
    return { palette: 0, layout: 0, structure: 0, score: 0 };
  }
  const comparable = comparableReferenceBox(referenceBox, request.keyframe, keyframeBox);
  const [reference, keyframe] = await Promise.all([
    readCrop(request.reference, comparable),
    readCrop(request.keyframe, keyframeBox),
  ]);
  const coverage = figureCoverage(reference);
  const referenceCells = aligned(gridOf(reference, GRID_COLUMNS, GRID_ROWS), 0, 1);
  const referenceLab = labGrid(referenceCells, GRID_COLUMNS, GRID_ROWS);

  // Same cell size as the reference, scaled by height: a raised arm widens the
  // keyframe box, so the figure is found by sliding along it rather than stretched.
  const cellHeight = keyframe.height / GRID_ROWS;
  const cellWidth = (cellHeight * (reference.width / GRID_COLUMNS)) / (reference.height / GRID_ROWS);
  const keyframeColumns = Math.max(1, Math.round(keyframe.width / cellWidth));
  const keyframeGrid = gridOf(keyframe, keyframeColumns, GRID_ROWS);
  const referenceBrightness = meanLuminance(referenceCells, coverage);
  const referencePalette = paletteHistogram(referenceCells, coverage);
  const referenceStructure = structureOf(referenceCells, coverage);

  let best: ConsistencyBreakdown = { palette: 0, layout: 0, structure: 0, score: 0 };
  const slack = Math.round(GRID_COLUMNS / 4);
  for (let shift = -slack; shift <= keyframeColumns - GRID_COLUMNS + slack; shift++) {
    const raw = aligned(keyframeGrid, shift, 1);
    // Exposure is forgiven up to a point: a dim take is brightened, a figure in deep shadow is not rescued.
    const gain = Math.min(1.5, Math.max(0.75, referenceBrightness / Math.max(1, meanLuminance(raw, coverage))));
    const cells = aligned(keyframeGrid, shift, gain);
    const layout = layoutSimilarity(referenceLab, labGrid(cells, GRID_COLUMNS, GRID_ROWS), coverage);
    if (layout <= best.layout) continue;
    const palette = histogramIntersection(referencePalette, paletteHistogram(cells, coverage));
    const structure = Math.max(0, cosine(referenceStructure, structureOf(cells, coverage)));
    const score = WEIGHTS.palette * palette + WEIGHTS.layout * layout + WEIGHTS.structure * structure;
    best = { palette, layout, structure, score: Math.min(1, Math.max(0, score)) };
  }
  return best;
}

/** The offline profile's consistency check: computed from the pixels, never assumed. */
export class PixelConsistencyScorer implements ConsistencyScorer {
  readonly defaultThreshold = DEFAULT_CONSISTENCY_THRESHOLD;

  async score(request: ConsistencyRequest): Promise<Metered<ConsistencyVerdict>> {
    const { score } = await measureConsistency(request);
    return { result: { score }, usage: {}, provider: 'offline', model: 'pixel-similarity-v1' };
  }
}
