import { describe, expect, it } from 'vitest';
import { fitLine, fitSpinnerText, wrapWords } from '../../src/cli/shared/fit.js';

// Issue 22 ("it fits the terminal"): the layout trigger and replay use on a terminal.
describe('fitLine()', () => {
  const start = '→ sending 1 event to http://127.0.0.1:4000/webhooks · schedule production ÷10000 · timeout 5s · signed with whsec_c2Nh•••••• (the built-in test secret)';

  it('fitLine(line, undefined) keeps the line whole (off a terminal)', () => {
    expect(fitLine(start, undefined)).toBe(start);
  });

  it('fitLine(line, 80) fills the first line with whole parts, the rest indented, no line over 80', () => {
    const lines = fitLine(start, 80).split('\n');
    expect(lines[0]).toBe('→ sending 1 event to http://127.0.0.1:4000/webhooks · schedule production ÷10000');
    expect(lines.slice(1)).toEqual(['    timeout 5s · signed with whsec_c2Nh•••••• (the built-in test secret)']);
  });

  it('a word too long for an indented line gets the whole width rather than being cut', () => {
    const path = `/tmp/${'x'.repeat(66)}.jsonl`;
    const lines = fitLine(`replaying 1 of 1 recorded delivery from ${path} · schedule no retries`, 80).split('\n');
    expect(lines).toContain(path);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it('fitSpinnerText() leaves room for ora (frame and its 4-character margin) and cuts at a space', () => {
    const text = fitSpinnerText('task.completed event_yt1cnm105e1pks4e · attempt 1 · waiting for the answer · 0ms so far', 80);
    expect(text.length).toBeLessThanOrEqual(75);
    expect(text.endsWith('…')).toBe(true);
    expect(text).toBe('task.completed event_yt1cnm105e1pks4e · attempt 1 · waiting for the answer…');
  });
});

// Issue 22: check's lines fit the terminal, broken between words only (check's layout adds the indent).
describe('wrapWords()', () => {
  it('wrapWords(text, 28) breaks between words', () => {
    expect(wrapWords('refused a valid signed file.created: verify the raw body bytes', 28)).toEqual(['refused a valid signed', 'file.created: verify the raw', 'body bytes']);
  });

  it('wrapWords() keeps a word longer than the room whole, on a line of its own', () => {
    const url = 'http://127.0.0.1:4000/a/very/long/path/that/does/not/fit';
    expect(wrapWords(`at ${url} now`, 30)).toEqual(['at', url, 'now']);
  });
});
