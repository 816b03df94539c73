/**
 * SubRip and WebVTT writers, and the page layout the burned subtitles share with them.
 * Pure code: cues in, text out.
 *
 * A cue that will not fit on two lines is split into consecutive cues, its time
 * shared in proportion to the text, so nothing is ever shown on three lines. Lines
 * break at spaces in Latin and Korean text, and at word boundaries (Intl.Segmenter's
 * dictionaries) in Thai, Chinese and Japanese, which write no spaces between words.
 */

export interface SubtitleCue {
  startSeconds: number;
  endSeconds: number;
  text: string;
  speaker?: string;
}

export interface SubtitleOptions {
  /** Prefix each cue with "Speaker: " when the cue names one. */
  speakerLabels?: boolean;
  /** Characters per line for Latin-script text (the broadcast norm is about 42). */
  latinLineLength?: number;
  /** Characters per line for Chinese, Japanese or Korean text, where each glyph is about two Latin ones wide. */
  cjkLineLength?: number;
}

const DEFAULT_LATIN_LINE_LENGTH = 42;
const DEFAULT_CJK_LINE_LENGTH = 16;

/** One screenful of a cue: at most two lines, shown from start to end. */
export interface SubtitlePage {
  startSeconds: number;
  endSeconds: number;
  speaker?: string;
  lines: string[];
}

/** The pages the cues are shown as, in time order, their text unescaped: what a burner draws. */
export function subtitlePages(cues: SubtitleCue[], options: SubtitleOptions = {}): SubtitlePage[] {
  return layoutCues(cues, options, (text) => text);
}

export function toSrt(cues: SubtitleCue[], options: SubtitleOptions = {}): string {
  return layoutCues(cues, options, escapeSrtText)
    .map((cue, index) =>
      [
        String(index + 1),
        `${formatSrtTimestamp(cue.startSeconds)} --> ${formatSrtTimestamp(cue.endSeconds)}`,
        ...cue.lines,
      ].join('\n'),
    )
    .map((block) => `${block}\n`)
    .join('\n');
}

export function toVtt(cues: SubtitleCue[], options: SubtitleOptions = {}): string {
  const blocks = layoutCues(cues, options, escapeVttText).map((cue, index) => {
    // A voice span keeps the speaker as metadata players and screen readers can use.
    const lines = cue.speaker
      ? cue.lines.map((line) => `<v ${escapeVttText(cue.speaker as string)}>${line}</v>`)
      : cue.lines;
    return [
      String(index + 1),
      `${formatVttTimestamp(cue.startSeconds)} --> ${formatVttTimestamp(cue.endSeconds)}`,
      ...lines,
    ].join('\n');
  });
  return ['WEBVTT', ...blocks].map((block) => `${block}\n`).join('\n');
}

/** Moves scene-relative cues onto the episode timeline. */
export function offsetCues<T extends SubtitleCue>(cues: readonly T[], seconds: number): T[] {
  if (!Number.isFinite(seconds)) throw new RangeError(`offset must be a finite number, got ${seconds}`);
  return cues.map((cue) => ({
    ...cue,
    startSeconds: cue.startSeconds + seconds,
    endSeconds: cue.endSeconds + seconds,
  }));
}

/** 3723.456 -> "01:02:03,456" */
export function formatSrtTimestamp(seconds: number): string {
  return formatTimestamp(seconds, ',');
}

/** 3723.456 -> "01:02:03.456" */
export function formatVttTimestamp(seconds: number): string {
  return formatTimestamp(seconds, '.');
}

function formatTimestamp(seconds: number, millisecondSeparator: string): string {
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new RangeError(`a subtitle time must be a non-negative number, got ${seconds}`);
  const totalMilliseconds = Math.round(seconds * 1000);
  const milliseconds = totalMilliseconds % 1000;
  const totalSeconds = Math.floor(totalMilliseconds / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor(totalSeconds / 60) % 60;
  const secs = totalSeconds % 60;
  return `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(secs, 2)}${millisecondSeparator}${pad(milliseconds, 3)}`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function layoutCues(
  cues: SubtitleCue[],
  options: SubtitleOptions,
  escapeText: (text: string) => string,
): SubtitlePage[] {
  const latin = options.latinLineLength ?? DEFAULT_LATIN_LINE_LENGTH;
  const cjk = options.cjkLineLength ?? DEFAULT_CJK_LINE_LENGTH;
  const ordered = cues
    .map((cue, position) => ({ cue, position }))
    .sort((a, b) => a.cue.startSeconds - b.cue.startSeconds || a.position - b.position)
    .map(({ cue }) => cue);

  return ordered.flatMap((cue) => {
    validateCue(cue);
    const text = normaliseText(cue.text);
    const speaker = cue.speaker ? normaliseText(cue.speaker) : undefined;
    const shown = options.speakerLabels && speaker ? `${speaker}: ${text}` : text;
    if (shown.length === 0) return [];
    const lineLength = isCjk(shown) ? cjk : latin;
    const pages = wrapText(shown, lineLength);
    return splitTime(cue, pages).map(({ startSeconds, endSeconds, lines }) => ({
      startSeconds,
      endSeconds,
      ...(speaker ? { speaker } : {}),
      lines: lines.map(escapeText),
    }));
  });
}

function validateCue(cue: SubtitleCue): void {
  if (
    !Number.isFinite(cue.startSeconds) ||
    !Number.isFinite(cue.endSeconds) ||
    cue.startSeconds < 0 ||
    cue.endSeconds < cue.startSeconds
  ) {
    throw new RangeError(
      `a cue must start at or after 0 and end at or after its start, got ${cue.startSeconds}..${cue.endSeconds}`,
    );
  }
}

/** Line breaks in the source are layout, not content: a blank line would end an SRT block early. */
function normaliseText(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

const CJK = /[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]|[\u{20000}-\u{2ffff}]/u;

/** Full-width text: a glyph is about two Latin ones wide, so lines hold fewer of them. */
function isCjk(text: string): boolean {
  return CJK.test(text);
}

/** Scripts written without spaces between words: a line may break only where a word ends. */
const UNSPACED_SCRIPT =
  /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

const wordSegmenter = new Intl.Segmenter(undefined, { granularity: 'word' });

/** Words of unspaced text, as Intl.Segmenter's dictionaries find them (each script picks its own). */
function words(text: string): string[] {
  return Array.from(wordSegmenter.segment(text), (segment) => segment.segment);
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Printable ASCII: every character is a grapheme of its own. */
const PLAIN_ASCII = /^[\x20-\x7e]*$/;

/**
 * ICU's segmenter costs microseconds a call, and layout asks about the same words many
 * times over while it balances lines, so the text ASCII cannot answer is segmented once.
 */
const segmented = new Map<string, string[]>();
const MAX_SEGMENTED = 10_000;

function graphemes(text: string): string[] {
  if (PLAIN_ASCII.test(text)) return text.split('');
  let glyphs = segmented.get(text);
  if (!glyphs) {
    glyphs = Array.from(segmenter.segment(text), (segment) => segment.segment);
    if (segmented.size >= MAX_SEGMENTED) segmented.clear();
    segmented.set(text, glyphs);
  }
  return glyphs;
}

/**
 * Breaks text into pages of at most two lines of at most `lineLength` graphemes.
 * Uses as few pages as possible, then evens them out so no page is a stranded word.
 */
export function wrapText(text: string, lineLength: number): string[][] {
  if (!Number.isInteger(lineLength) || lineLength < 1)
    throw new RangeError(`lineLength must be a positive whole number, got ${lineLength}`);
  const units = breakUnits(text, lineLength);
  const fewestPages = paginate(units, lineLength, Number.POSITIVE_INFINITY).length;
  const totalWidth = unitsWidth(units);
  for (let pageWidth = Math.ceil(totalWidth / fewestPages); ; pageWidth += 1) {
    const pages = paginate(units, lineLength, pageWidth);
    if (pages.length <= fewestPages) return pages.map((page) => balanceLines(page, lineLength) ?? [joinUnits(page)]);
  }
}

/** Greedy pages of units that fit on two lines and within `pageWidth` graphemes. */
function paginate(units: BreakUnit[], lineLength: number, pageWidth: number): BreakUnit[][] {
  const pages: BreakUnit[][] = [];
  let start = 0;
  while (start < units.length) {
    let end = start + 1;
    while (end < units.length) {
      const candidate = units.slice(start, end + 1);
      if (unitsWidth(candidate) > pageWidth || balanceLines(candidate, lineLength) === undefined) break;
      end += 1;
    }
    pages.push(units.slice(start, end));
    start = end;
  }
  return pages;
}

/** The smallest piece of text a line break may not cut. */
interface BreakUnit {
  text: string;
  /** The source has a space after this unit; it is dropped where a line ends. */
  spaceAfter: boolean;
}

/**
 * Lines break at spaces, and inside a run of unspaced script (Thai, Chinese, Japanese)
 * between its words. Closing punctuation stays on the line before it and opening
 * punctuation on the line after it.
 */
function breakUnits(text: string, lineLength: number): BreakUnit[] {
  const units: BreakUnit[] = [];
  for (const chunk of text.split(' ')) {
    if (UNSPACED_SCRIPT.test(chunk)) {
      let opening = '';
      for (const word of words(chunk)) {
        const previous = units[units.length - 1];
        if (previous && !previous.spaceAfter && CLOSING_PUNCTUATION.test(word)) previous.text += word;
        else if (OPENING_PUNCTUATION.test(word)) opening += word;
        else {
          units.push(...cutLongWord(opening + word, lineLength).map((unit) => ({ ...unit, spaceAfter: false })));
          opening = '';
        }
      }
      if (opening) units.push({ text: opening, spaceAfter: false });
      (units[units.length - 1] as BreakUnit).spaceAfter = true;
    } else {
      units.push(...cutLongWord(chunk, lineLength));
    }
  }
  return units;
}

const CLOSING_PUNCTUATION = /^[，。、！？；：）」』》〉】”’,.!?;:)\]…ๆฯ]+$/u;
const OPENING_PUNCTUATION = /^[（「『《〈【“‘([]+$/u;

/** A word longer than a line (a URL, a long shout) is cut so that it can still be shown. */
function cutLongWord(word: string, lineLength: number): BreakUnit[] {
  const glyphs = graphemes(word);
  const pieces: BreakUnit[] = [];
  for (let start = 0; start < glyphs.length; start += lineLength) {
    pieces.push({
      text: glyphs.slice(start, start + lineLength).join(''),
      spaceAfter: start + lineLength >= glyphs.length,
    });
  }
  return pieces;
}

function joinUnits(units: BreakUnit[]): string {
  return units
    .map((unit, index) => (unit.spaceAfter && index < units.length - 1 ? `${unit.text} ` : unit.text))
    .join('');
}

function unitsWidth(units: BreakUnit[]): number {
  return graphemes(joinUnits(units)).length;
}

/**
 * One line if it fits; otherwise the break that makes two lines most even, a longer
 * bottom line winning ties (the eye finds the start of a pyramid faster).
 * Undefined when the units do not fit on two lines.
 */
function balanceLines(units: BreakUnit[], lineLength: number): string[] | undefined {
  if (unitsWidth(units) <= lineLength) return [joinUnits(units)];
  let best: { lines: string[]; score: number } | undefined;
  for (let split = 1; split < units.length; split += 1) {
    const top = unitsWidth(units.slice(0, split));
    const bottom = unitsWidth(units.slice(split));
    if (top > lineLength || bottom > lineLength) continue;
    const score = Math.abs(top - bottom) + (top > bottom ? 0.5 : 0);
    if (!best || score < best.score)
      best = { lines: [joinUnits(units.slice(0, split)), joinUnits(units.slice(split))], score };
  }
  return best?.lines;
}

/** Shares a cue's time among its pages by length, so each page stays up as long as it takes to read. */
function splitTime(
  cue: SubtitleCue,
  pages: string[][],
): { startSeconds: number; endSeconds: number; lines: string[] }[] {
  const weights = pages.map((lines) => graphemes(lines.join('')).length);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const span = cue.endSeconds - cue.startSeconds;
  let consumed = 0;
  return pages.map((lines, index) => {
    const startSeconds = cue.startSeconds + (span * consumed) / total;
    consumed += weights[index] as number;
    const endSeconds = index === pages.length - 1 ? cue.endSeconds : cue.startSeconds + (span * consumed) / total;
    return { startSeconds, endSeconds, lines };
  });
}

/**
 * SubRip has no escape syntax, and players (libass included, when ffmpeg burns
 * the file) read <...> as HTML tags, {...} as ASS override blocks and backslash
 * sequences as ASS escapes. Lookalike characters keep dialogue from turning into markup.
 */
function escapeSrtText(text: string): string {
  return text.replace(/</g, '‹').replace(/>/g, '›').replace(/\{/g, '(').replace(/\}/g, ')').replace(/\\/g, '∖');
}

/** WebVTT cue text is HTML-like: &, < and > must be character references. */
function escapeVttText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
