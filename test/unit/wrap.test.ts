import { describe, expect, it } from 'vitest';
import { wrapWords } from '../../src/cli/shared/wrap.js';

// Issue 22: check's lines fit the terminal, broken between words only.
describe('wrapWords()', () => {
  it('wrapWords(text, 30, "  ") breaks between words and indents every line', () => {
    expect(wrapWords('refused a valid signed file.created: verify the raw body bytes', 30, '  ')).toEqual(['  refused a valid signed', '  file.created: verify the raw', '  body bytes']);
  });

  it('wrapWords() keeps a word longer than the room whole, on a line of its own', () => {
    const url = 'http://127.0.0.1:4000/a/very/long/path/that/does/not/fit';
    expect(wrapWords(`at ${url} now`, 30, '')).toEqual(['at', url, 'now']);
  });
});
