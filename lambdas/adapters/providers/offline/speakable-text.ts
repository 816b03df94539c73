/**
 * What a scratch voice should read out of a dialogue line: letters, marks,
 * digits, punctuation and spaces. Emoji, pictographs, symbols and control
 * characters are dropped rather than spelled out ("grinning face") or
 * choked on. Returns '' when nothing sayable is left.
 */
export function speakableText(text: string): string {
  const kept = text
    .normalize('NFC')
    // Emoji presentation selectors and the keycap mark are combining marks, but only dress up a symbol.
    .replace(/[\uFE0E\uFE0F\u20E3]/gu, '')
    .replace(/[^\p{L}\p{M}\p{N}\p{P}\s]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  return /[\p{L}\p{N}]/u.test(kept) ? kept : '';
}
