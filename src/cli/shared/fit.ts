import { stripVTControlCharacters } from 'node:util';
import type { Ui } from './ui.js';

// Lines laid out for the terminal's width, as listen lays out its delivery lines (issue 22): the head of a line,
// then its details on indented lines, wrapped between words. A word or URL is never cut; off a terminal, lines
// stay whole (for grep and logs).

const SEPARATOR = ' · ';
const CONTINUATION = '    ';

const width = (text: string) => stripVTControlCharacters(text).length;

/** The terminal's width when `ui` writes human lines to one, else undefined (lines stay whole). */
export function terminalColumns(ui: Pick<Ui, 'stream'>): number | undefined {
  const { stream } = ui;
  return stream.isTTY && (stream.columns ?? 0) > 0 ? stream.columns : undefined;
}

/**
 * `text` fitted to `columns`: the " · "-separated parts fill the first line, the rest go on continuation lines
 * indented under it, several to a line when they fit; a part too long for a line is wrapped at spaces.
 */
export function fitLine(text: string, columns: number | undefined): string {
  if (columns === undefined || text.includes('\n') || width(text) <= columns) return text;
  const lead = /^ */.exec(stripVTControlCharacters(text))![0];
  const indent = `${lead}${CONTINUATION}`;
  const parts = text.slice(lead.length).split(SEPARATOR);
  const lines: string[] = [];
  let current: string | undefined;
  for (const part of parts) {
    const joined = current === undefined ? `${lead}${part}` : `${current}${SEPARATOR}${part}`;
    if (width(joined) <= columns) {
      current = joined;
      continue;
    }
    // The part does not fit beside the others: it starts a line of its own, wrapped at spaces if it must be.
    const first = current === undefined;
    if (!first) lines.push(current!);
    const pieces = wrapWords(part, columns - (first ? lead : indent).length, columns - indent.length);
    pieces.forEach((piece, index) => {
      // A word (a path, a URL) too long for an indented line is not cut: it gets the whole width instead.
      const start = first && index === 0 ? lead : width(piece) > columns - indent.length ? '' : indent;
      const line = `${start}${piece}`;
      if (index < pieces.length - 1) lines.push(line);
      else current = line;
    });
  }
  lines.push(current!);
  return lines.map((line) => line.trimEnd()).join('\n');
}

/**
 * Splits `text` at spaces into pieces of at most `firstSize` visible characters for the first, `restSize` for the
 * others; a longer word keeps a piece of its own.
 */
export function wrapWords(text: string, firstSize: number, restSize = firstSize): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    const size = pieces.length === 0 ? firstSize : restSize;
    if (current !== '' && width(current) + 1 + width(word) > size) {
      pieces.push(current);
      current = word;
    } else current = current === '' ? word : `${current} ${word}`;
  }
  pieces.push(current);
  return pieces;
}

/** A spinner's text cut to one line of the terminal, at a space, so redrawing it never wraps. */
export function fitSpinnerText(text: string, columns: number | undefined): string {
  // ora counts the lines to clear as if the text had 4 more characters ("--" each side): beyond the width, it
  // would clear the line above it too.
  const room = columns === undefined ? undefined : columns - 5;
  if (room === undefined || width(text) <= room) return text;
  const plain = stripVTControlCharacters(text);
  const cut = plain.lastIndexOf(' ', room - 1);
  return `${plain.slice(0, cut > 0 ? cut : room - 1)}…`;
}
