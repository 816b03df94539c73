import { describe, expect, it } from 'vitest';
import {
  formatSrtTimestamp,
  formatVttTimestamp,
  offsetCues,
  type SubtitleCue,
  toSrt,
  toVtt,
  wrapText,
} from '../../../../../lambdas/core/text/subtitles.js';

interface ParsedCue {
  number: number;
  startSeconds: number;
  endSeconds: number;
  lines: string[];
}

function parseTimestamp(text: string, separator: ',' | '.'): number {
  const match = new RegExp(`^(\\d{2,}):(\\d{2}):(\\d{2})\\${separator}(\\d{3})$`).exec(text);
  if (!match) throw new Error(`bad timestamp ${text}`);
  const [, h, m, s, ms] = match.map(Number) as [number, number, number, number, number];
  expect(m).toBeLessThan(60);
  expect(s).toBeLessThan(60);
  return h * 3600 + m * 60 + s + ms / 1000;
}

/** A strict reader: numbered blocks separated by exactly one blank line, no empty text lines. */
function parseBlocks(body: string, separator: ',' | '.'): ParsedCue[] {
  expect(body.endsWith('\n')).toBe(true);
  expect(body).not.toMatch(/\n\n\n/);
  return body
    .trimEnd()
    .split('\n\n')
    .map((block) => {
      const [numberLine, timing, ...lines] = block.split('\n');
      const [start, arrow, end, ...rest] = (timing ?? '').split(' ');
      expect(arrow).toBe('-->');
      expect(rest).toEqual([]);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line.trim()).not.toBe('');
      return {
        number: Number(numberLine),
        startSeconds: parseTimestamp(start ?? '', separator),
        endSeconds: parseTimestamp(end ?? '', separator),
        lines,
      };
    });
}

function parseSrt(srt: string): ParsedCue[] {
  return parseBlocks(srt, ',');
}

function parseVtt(vtt: string): ParsedCue[] {
  expect(vtt.startsWith('WEBVTT\n\n')).toBe(true);
  return parseBlocks(vtt.slice('WEBVTT\n\n'.length), '.');
}

const graphemeCount = (text: string) =>
  [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].length;

describe('subtitle timestamps', () => {
  it.each([
    [0, '00:00:00,000', '00:00:00.000'],
    [3723.456, '01:02:03,456', '01:02:03.456'],
    [59.9996, '00:01:00,000', '00:01:00.000'],
    [1.0005, '00:00:01,001', '00:00:01.001'],
    [36_000, '10:00:00,000', '10:00:00.000'],
  ])('%s s is %s in SRT and %s in VTT', (seconds, expectedSrt, expectedVtt) => {
    // Act
    const srt = formatSrtTimestamp(seconds);
    const vtt = formatVttTimestamp(seconds);

    // Assess
    expect(srt).toBe(expectedSrt);
    expect(vtt).toBe(expectedVtt);
  });

  it('refuses negative and non-finite times', () => {
    // Act
    const formatNegative = () => formatSrtTimestamp(-0.5);
    const formatNaN = () => formatVttTimestamp(Number.NaN);

    // Assess
    expect(formatNegative).toThrow(RangeError);
    expect(formatNaN).toThrow(RangeError);
  });
});

describe('toSrt and toVtt', () => {
  const cues: SubtitleCue[] = [
    { startSeconds: 3723.456, endSeconds: 3725.1, text: 'Anh Minh! Em về rồi!', speaker: 'Lan' },
    { startSeconds: 0.4, endSeconds: 1.9, text: 'Về nhà thôi.', speaker: 'Minh' },
  ];

  it('writes numbered SRT blocks in time order that parse back to the same cues', () => {
    // Act
    const srt = toSrt(cues);

    // Assess
    expect(srt).toBe(
      '1\n00:00:00,400 --> 00:00:01,900\nVề nhà thôi.\n\n2\n01:02:03,456 --> 01:02:05,100\nAnh Minh! Em về rồi!\n',
    );
    expect(parseSrt(srt)).toEqual([
      { number: 1, startSeconds: 0.4, endSeconds: 1.9, lines: ['Về nhà thôi.'] },
      { number: 2, startSeconds: 3723.456, endSeconds: 3725.1, lines: ['Anh Minh! Em về rồi!'] },
    ]);
  });

  it('writes a WEBVTT file with voice spans and dotted milliseconds', () => {
    // Act
    const vtt = toVtt(cues);

    // Assess
    const parsed = parseVtt(vtt);
    expect(parsed.map((cue) => [cue.number, cue.startSeconds, cue.endSeconds])).toEqual([
      [1, 0.4, 1.9],
      [2, 3723.456, 3725.1],
    ]);
    expect(parsed[1]?.lines).toEqual(['<v Lan>Anh Minh! Em về rồi!</v>']);
  });

  it('prefixes the speaker name when asked', () => {
    // Act
    const srt = toSrt(cues, { speakerLabels: true });

    // Assess
    expect(parseSrt(srt)[0]?.lines).toEqual(['Minh: Về nhà thôi.']);
  });

  it('keeps markup characters from becoming markup', () => {
    // Prepare
    const tricky: SubtitleCue[] = [
      { startSeconds: 1, endSeconds: 2, text: 'a < b & {\\b1} c -->\n\nd', speaker: 'A<B>' },
    ];

    // Act
    const srt = toSrt(tricky);
    const vtt = toVtt(tricky);

    // Assess
    const srtLines = parseSrt(srt)[0]?.lines ?? [];
    expect(srtLines.join('\n')).not.toMatch(/[<>{}\\]/);
    expect(srtLines.join(' ')).toContain('d');
    expect(vtt).toContain('<v A&lt;B&gt;>a &lt; b &amp; {\\b1} c --&gt; d</v>');
    expect(parseVtt(vtt)).toHaveLength(1);
  });

  it('wraps long Latin text to two lines of at most 42 characters, splitting the time when it needs more', () => {
    // Prepare
    const text =
      'Năm nay em sẽ ở nhà ăn Tết với cả nhà, không đi đâu nữa đâu. Thật đấy, anh tin em đi mà, được không anh? Mẹ đã nấu bánh chưng rồi.';

    // Act
    const srt = toSrt([{ startSeconds: 10, endSeconds: 16, text }]);

    // Assess
    const parsed = parseSrt(srt);
    expect(parsed.length).toBeGreaterThan(1);
    for (const cue of parsed) {
      expect(cue.lines.length).toBeLessThanOrEqual(2);
      for (const line of cue.lines) expect(graphemeCount(line)).toBeLessThanOrEqual(42);
    }
    expect(parsed[0]?.startSeconds).toBe(10);
    expect(parsed[parsed.length - 1]?.endSeconds).toBe(16);
    expect(parsed.slice(1).map((cue) => cue.startSeconds)).toEqual(parsed.slice(0, -1).map((cue) => cue.endSeconds));
    expect(parsed.flatMap((cue) => cue.lines).join(' ')).toBe(text);
  });

  it('wraps Chinese at 16 characters a line and never starts a line with closing punctuation', () => {
    // Prepare
    const text = '你好，世界！我回来了。今年我要在家里过年，哪儿也不去了，真的！妈妈已经包好饺子了。';

    // Act
    const srt = toSrt([{ startSeconds: 0, endSeconds: 8, text }]);

    // Assess
    const parsed = parseSrt(srt);
    for (const cue of parsed) {
      expect(cue.lines.length).toBeLessThanOrEqual(2);
      for (const line of cue.lines) {
        expect(graphemeCount(line)).toBeLessThanOrEqual(16);
        expect(line).not.toMatch(/^[，。！]/);
      }
    }
    expect(parsed.flatMap((cue) => cue.lines).join('')).toBe(text);
  });

  it.each([
    ['Thai', 'มะลิ ทำอะไรอยู่ในครัวตอนดึกขนาดนี้ วันนี้ฉันมีความสุขมากจริงๆ นะคะ แม่ไม่ต้องเป็นห่วงหนูแล้ว', 'th', 30],
    ['Japanese', '「今日はとても楽しかったです。」また明日、駅の前で会いましょうね。本当にありがとう。', 'ja', 12],
    ['Chinese', '你好，世界！我回来了。今年我要在家里过年，哪儿也不去了，真的！', 'zh', 12],
  ])('breaks %s, written without spaces, only where a word ends', (_, text, locale, lineLength) => {
    // Prepare
    const segmenter = new Intl.Segmenter(locale, { granularity: 'word' });
    const wordEnds = new Set<number>();
    for (const segment of segmenter.segment(text.replace(/ /g, '')))
      wordEnds.add(segment.index + segment.segment.length);

    // Act
    const lines = wrapText(text, lineLength).flat();

    // Assess
    expect(lines.length).toBeGreaterThan(1);
    let consumed = 0;
    for (const line of lines.slice(0, -1)) {
      consumed += line.replace(/ /g, '').length;
      expect(wordEnds.has(consumed), `a line ends inside a word: ${line}`).toBe(true);
    }
    expect(lines.join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
    for (const line of lines) expect(graphemeCount(line)).toBeLessThanOrEqual(lineLength);
  });

  it('breaks Korean at its spaces, never inside a word', () => {
    // Prepare
    const text = '오늘 정말 행복해요. 내일 역 앞에서 다시 만나요, 알았죠? 늦지 말고 꼭 와야 해요.';
    const words = new Set(text.split(' '));

    // Act
    const lines = wrapText(text, 16).flat();

    // Assess
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) for (const word of line.split(' ')) expect(words.has(word)).toBe(true);
  });

  it('balances two lines instead of filling the first', () => {
    // Act
    const wrapped = wrapText('Anh Minh! Em về rồi! Năm nay em ở nhà ăn Tết.', 42);

    // Assess
    expect(wrapped).toEqual([['Anh Minh! Em về rồi!', 'Năm nay em ở nhà ăn Tết.']]);
  });

  it('refuses cues that end before they start', () => {
    // Act
    const writeBackwards = () => toSrt([{ startSeconds: 2, endSeconds: 1, text: 'x' }]);

    // Assess
    expect(writeBackwards).toThrow(RangeError);
  });
});

describe('offsetCues', () => {
  it('moves cues onto the episode timeline and keeps their other fields', () => {
    // Act
    const moved = offsetCues([{ startSeconds: 0.4, endSeconds: 1.9, text: 'Ừ', speaker: 'Lan' }], 12.5);

    // Assess
    expect(moved).toEqual([{ startSeconds: 12.9, endSeconds: 14.4, text: 'Ừ', speaker: 'Lan' }]);
  });
});
