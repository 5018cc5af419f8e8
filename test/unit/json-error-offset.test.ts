import { describe, expect, it } from 'vitest';
import { jsonErrorOffset } from '../../src/util/json-error-offset.js';

// Issue 22: broken --data JSON gives its line and column on Node 20 too, where V8 leaves the position out of
// "Unexpected token" and "Unexpected end of JSON input".
describe('jsonErrorOffset()', () => {
  it.each([
    ['{"a":1,\n"b":}', 12],
    ['{"a":', 5],
    ['{"a":1', 6],
    ['[1, 2,\n tru]', 11],
    ['{x', 1],
    ['{"a":"\\q"}', 7],
    ['{"a":1} x', 8],
    ['', 0],
    ['-', 1],
    ['{"a":[1,]}', 8],
  ])('jsonErrorOffset(%j) is %i', (text, offset) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonErrorOffset(text)).toBe(offset);
  });

  it('agrees with V8 wherever V8 gives a position', () => {
    for (const text of ['{"a":1 "b":2}', '{"a" 1}', '[1 2]', '{"a":1,}', '{"a":"\u0001"}', '[1]]']) {
      const position = /at position (\d+)/.exec(String((() => { try { JSON.parse(text); } catch (e) { return (e as Error).message; } })()));
      if (position) expect(jsonErrorOffset(text), text).toBe(Number(position[1]));
    }
  });

  it('returns undefined for JSON that parses', () => {
    for (const text of ['{}', '[]', ' {"a":[1,-2.5e3,true,false,null,"\\u00e9"]} ', '"x"', '0']) expect(jsonErrorOffset(text)).toBeUndefined();
  });
});
