import { describe, expect, it } from 'vitest';
import { jsonStringRoom, stringifyJson, writeJsonString } from '../../src/util/json-string.js';

/**
 * The reference: JSON.stringify, with DEL, the C1 controls, the bidi marks/overrides/isolates and U+2028/2029 also
 * escaped as \uXXXX (issue 19 defect 9). Written here independently of the module's own list.
 */
function reference(text: string): string {
  // eslint-disable-next-line no-control-regex
  return JSON.stringify(text).replace(/[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** writeJsonString's bytes for `text`, through a buffer of exactly the room it asks for. */
function written(text: string): Buffer {
  const bytes = Buffer.from(text);
  const target = Buffer.alloc(jsonStringRoom(bytes.length) + 4, 0xee);
  const end = writeJsonString(bytes, target, 2);
  expect(end).toBeLessThanOrEqual(2 + jsonStringRoom(bytes.length));
  return target.subarray(2, end);
}

describe('writeJsonString', () => {
  it('writes every ASCII character as JSON.stringify does, controls, quote and backslash included, and DEL as \\u007f', () => {
    for (let code = 0; code < 0x80; code++) {
      const text = `a${String.fromCharCode(code)}b`;
      expect(written(text).toString('utf8'), `U+${code.toString(16)}`).toBe(reference(text));
    }
    expect(written('\u007f').toString('utf8')).toBe('"\\u007f"');
  });

  it('keeps non-ASCII characters as their UTF-8 bytes (emoji, BOM, é, NBSP), as JSON.stringify does', () => {
    for (const text of ['é', '😀 and 👩🏽‍💻', '\ufeff{"a":1}', '\u00a0', '\u00a0\u061b\u061d\u200d\u2010\u2027\u202f\u2065\u206a', '']) {
      expect(written(text)).toEqual(Buffer.from(JSON.stringify(text)));
    }
  });

  it('escapes C1 controls, bidi marks, overrides and isolates, and U+2028/2029 as \\uXXXX (issue 19 defect 9)', () => {
    const unsafe = [0x7f, ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i), 0x61c, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069];
    for (const code of unsafe) {
      const text = `a${String.fromCharCode(code)}b`;
      const expected = `"a\\u${code.toString(16).padStart(4, '0')}b"`;
      expect(written(text).toString('utf8'), `U+${code.toString(16)}`).toBe(expected);
      expect(stringifyJson(text)).toBe(expected);
      expect(JSON.parse(expected)).toBe(text);
    }
    // Keys and nested values too, and the value is unchanged once parsed.
    const value = { ['k\u202e']: ['\u009b31m', { x: '\u2028' }] };
    expect(stringifyJson(value)).toBe('{"k\\u202e":["\\u009b31m",{"x":"\\u2028"}]}');
    expect(JSON.parse(stringifyJson(value))).toEqual(value);
  });

  it('matches the reference on 2,000 random strings drawn from the characters that matter', () => {
    const alphabet = ['"', '\\', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u001b', '\u001f', '\u007f', 'a', 'Z', '{', '}', ':', ',', 'é', '\u2028', '😀', '\u0600', ' ', '\u0085', '\u009b', '\u00a0', '\u061c', '\u200f', '\u202e', '\u2069', '\u2070', '\u20ac'];
    let seed = 15;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let i = 0; i < 2_000; i++) {
      const text = Array.from({ length: next() % 40 }, () => alphabet[next() % alphabet.length]).join('');
      expect(written(text)).toEqual(Buffer.from(reference(text)));
      expect(stringifyJson(text)).toBe(reference(text));
    }
  });
});
