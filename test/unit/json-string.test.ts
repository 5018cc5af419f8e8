import { describe, expect, it } from 'vitest';
import { jsonStringRoom, writeJsonString } from '../../src/util/json-string.js';

/** writeJsonString's bytes for `text`, through a buffer of exactly the room it asks for. */
function written(text: string): Buffer {
  const bytes = Buffer.from(text);
  const target = Buffer.alloc(jsonStringRoom(bytes.length) + 4, 0xee);
  const end = writeJsonString(bytes, target, 2);
  expect(end).toBeLessThanOrEqual(2 + jsonStringRoom(bytes.length));
  return target.subarray(2, end);
}

describe('writeJsonString', () => {
  it('writes every ASCII character as JSON.stringify does, controls, quote and backslash included', () => {
    for (let code = 0; code < 0x80; code++) {
      const text = `a${String.fromCharCode(code)}b`;
      expect(written(text).toString('utf8'), `U+${code.toString(16)}`).toBe(JSON.stringify(text));
    }
  });

  it('keeps non-ASCII characters as their UTF-8 bytes, as JSON.stringify does (U+2028, emoji, BOM, é)', () => {
    for (const text of ['é', '\u2028\u2029', '😀 and 👩🏽‍💻', '\ufeff{"a":1}', '\u0085\u00a0', '']) {
      expect(written(text)).toEqual(Buffer.from(JSON.stringify(text)));
    }
  });

  it('matches JSON.stringify on 2,000 random strings drawn from the characters that matter', () => {
    const alphabet = ['"', '\\', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u001b', '\u001f', '\u007f', 'a', 'Z', '{', '}', ':', ',', 'é', '\u2028', '😀', '\u0600', ' '];
    let seed = 15;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let i = 0; i < 2_000; i++) {
      const text = Array.from({ length: next() % 40 }, () => alphabet[next() % alphabet.length]).join('');
      expect(written(text)).toEqual(Buffer.from(JSON.stringify(text)));
    }
  });
});
