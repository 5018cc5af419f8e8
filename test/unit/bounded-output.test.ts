import { describe, expect, it } from 'vitest';
import { boundedWrite } from '../../src/cli/shared/bounded-output.js';

/** A stream whose reader has stopped: everything written waits, until `drain(n)` lets n bytes go. */
function stalledStream() {
  const written: string[] = [];
  return {
    written,
    writableLength: 0,
    write(bytes: Buffer | string) {
      written.push(String(bytes));
      this.writableLength += bytes.length;
      return false;
    },
    drain(n: number) {
      this.writableLength = Math.max(0, this.writableLength - n);
    },
  };
}

// issue 19 defect 8: a stdout nobody reads must not grow the listener without bound.
describe('boundedWrite(stream, { limitBytes })', () => {
  it('drops whole writes past the limit, counts their lines, warns once, and takes output again once half drained', () => {
    const stream = stalledStream();
    const events: string[] = [];
    const write = boundedWrite(stream, { limitBytes: 100, onDropping: (limit) => events.push(`dropping past ${limit}`), onResumed: (n) => events.push(`resumed after ${n}`) });
    const line = (text: string) => Buffer.from(`${text}\n`);
    for (let i = 0; i < 9; i++) write(line(`line ${i} ......`)); // 14 bytes each: 7 fit under 100
    expect(stream.written).toHaveLength(7);
    expect(stream.writableLength).toBe(98);
    write(Buffer.from('a\nb\n'));
    expect(write.dropped()).toBe(4);
    expect(events).toEqual(['dropping past 100']);
    stream.drain(20); // 78 waiting: a line would fit, but the reader has not drained half
    write(line('x'));
    expect(write.dropped()).toBe(5);
    stream.drain(40); // 38 waiting
    write(line('back'));
    expect(events).toEqual(['dropping past 100', 'resumed after 5']);
    expect(stream.written.at(-1)).toBe('back\n');
    expect(write.dropped()).toBe(5);
  });
});
