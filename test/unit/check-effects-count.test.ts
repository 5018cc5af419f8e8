import { describe, expect, it } from 'vitest';
import { parseCount } from '../../src/cli/check/effects.js';

// Issue 21 item 3 (limits): what --effects-url may answer; anything else is a usage error, never a silent pass.
describe('parseCount()', () => {
  it.each([
    ['{"count": 2}', 2],
    ['{"count":0}', 0],
    ['3', 3],
    [' 1\n', 1],
  ])('parseCount(%j) is %i', (body, count) => expect(parseCount(body)).toBe(count));

  it.each(['', 'ok', '<html>1</html>', '{"count": "1"}', '{"count": -1}', '{"count": 1.5}', '{"n": 1}', 'null', '[1]'])('parseCount(%j) is undefined', (body) => {
    expect(parseCount(body)).toBeUndefined();
  });
});
