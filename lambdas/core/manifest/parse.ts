import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { ManifestInvalid, type ManifestProblem } from '../contracts/errors.js';
import { MANIFEST_LIMITS } from './limits.js';
import { isDeveloped } from './queries.js';
import type { Manifest, SeriesManifest } from './schema.js';
import { validateManifest } from './validate.js';

/** A YAML alias expands to a copy of its anchor; past this many the document is treated as an expansion bomb. */
const MAX_ALIAS_EXPANSIONS = 100;

function decodeUtf8(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new ManifestInvalid([{ path: '(file)', reason: 'the manifest is empty' }]);
  if (bytes.length > MANIFEST_LIMITS.manifestBytes) {
    throw new ManifestInvalid([
      {
        path: '(file)',
        reason: `the manifest is ${bytes.length} bytes; the limit is ${MANIFEST_LIMITS.manifestBytes} (1 MiB)`,
      },
    ]);
  }
  if (bytes.includes(0))
    throw new ManifestInvalid([{ path: '(file)', reason: 'the manifest is a binary file, not YAML or JSON text' }]);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new ManifestInvalid([{ path: '(file)', reason: 'the manifest is not valid UTF-8' }]);
  }
}

/** A manifest is a few levels deep; far deeper input only exists to exhaust the parser's stack. */
const MAX_FLOW_DEPTH = 64;
const MAX_INDENT_COLUMNS = 128;

function nestingProblem(text: string): string | undefined {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === '\\' && quote === '"') i++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '#') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (char === '[' || char === '{') {
      if (++depth > MAX_FLOW_DEPTH) return `brackets nest deeper than ${MAX_FLOW_DEPTH} levels`;
    } else if (char === ']' || char === '}') {
      depth = Math.max(0, depth - 1);
    } else if (char === '\n') {
      quote = undefined;
    }
  }
  const indent = /^[ \t]*/gm;
  for (const match of text.matchAll(indent)) {
    if (match[0].length > MAX_INDENT_COLUMNS) return `a line is indented more than ${MAX_INDENT_COLUMNS} columns`;
  }
  return undefined;
}

/** Longer lines are cut in a problem's quote: the quote is there to find the line, not to read it all. */
const QUOTED_LINE_CHARACTERS = 80;

/**
 * Where the producer should look. An unclosed quote is reported where the text ran out, often the
 * end of the file: the quote that opened it is the last such character before that, unless escaped.
 */
function errorOffset(error: YAMLError, text: string): number {
  const end = Math.min(error.pos[0], text.length);
  const quote = error.code === 'MISSING_CHAR' ? /Missing closing (["'])quote/.exec(error.message)?.[1] : undefined;
  if (!quote) return end;
  const escaped = (at: number) => {
    let backslashes = 0;
    while (at - backslashes > 0 && text[at - backslashes - 1] === '\\') backslashes++;
    return quote === '"' && backslashes % 2 === 1;
  };
  let opening = text.lastIndexOf(quote, end - 1);
  while (opening > 0 && escaped(opening)) opening = text.lastIndexOf(quote, opening - 1);
  return opening >= 0 ? opening : end;
}

/** A YAML syntax error where the producer can find it: its line and column, and the line itself quoted. */
function syntaxProblem(error: YAMLError, text: string, lines: string[], lineCounter: LineCounter): ManifestProblem {
  const message = error.message.split('\n')[0] ?? error.message;
  const { line, col } = lineCounter.linePos(errorOffset(error, text));
  const source = (lines[line - 1] ?? '').trimEnd();
  const quoted = source.length > QUOTED_LINE_CHARACTERS ? `${source.slice(0, QUOTED_LINE_CHARACTERS)}...` : source;
  return {
    path: `(line ${line}, column ${col})`,
    reason: quoted.trim() ? `${message}, in: ${quoted.trim()}` : message,
  };
}

/** Parses the raw document (YAML 1.2, which includes JSON) without validating it against the schema. */
export function parseManifestDocument(bytes: Uint8Array | string): unknown {
  const text = typeof bytes === 'string' ? bytes : decodeUtf8(bytes);
  if (typeof bytes === 'string' && Buffer.byteLength(text) > MANIFEST_LIMITS.manifestBytes) {
    return decodeUtf8(Buffer.from(text));
  }
  if (text.trim() === '') throw new ManifestInvalid([{ path: '(file)', reason: 'the manifest is empty' }]);
  const tooDeep = nestingProblem(text);
  if (tooDeep) throw new ManifestInvalid([{ path: '(file)', reason: `the manifest is nested too deeply: ${tooDeep}` }]);
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: false, strict: true, lineCounter });
  if (document.errors.length > 0) {
    const lines = text.split(/\r?\n/);
    throw new ManifestInvalid(document.errors.map((error) => syntaxProblem(error, text, lines, lineCounter)));
  }
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
  } catch (error) {
    throw new ManifestInvalid([
      { path: '(file)', reason: `the YAML could not be expanded safely: ${(error as Error).message}` },
    ]);
  }
}

/** Bytes in, a valid manifest out (a series bible while some episode has a synopsis and no scenes), or ManifestInvalid naming every problem as `path: reason`. */
export function parseManifest(bytes: Uint8Array | string): SeriesManifest {
  return validateManifest(parseManifestDocument(bytes));
}

/** A manifest production can start from: valid, and every episode with its scene cards. */
export function parseDevelopedManifest(bytes: Uint8Array | string): Manifest {
  const manifest = parseManifest(bytes);
  if (isDeveloped(manifest)) return manifest;
  throw new ManifestInvalid(
    manifest.episodes.flatMap((episode, index) =>
      episode.scenes
        ? []
        : [
            {
              path: `episodes[${index}].scenes`,
              reason: 'is required here: develop the series bible first (dramaforge develop)',
            },
          ],
    ),
  );
}
