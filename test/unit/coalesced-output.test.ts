import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCoalescedOutput } from '../../src/cli/shared/coalesced-output.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function collect() {
  const writes: string[] = [];
  return { writes, write: (bytes: Buffer) => writes.push(bytes.toString('utf8')) };
}

describe('createCoalescedOutput', () => {
  it('line() after a quiet spell goes out on the next tick, with the lines queued beside it in one write', () => {
    const { writes, write } = collect();
    const output = createCoalescedOutput(write, { intervalMs: 20 });
    output.line('first');
    output.line('second');
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(0);
    expect(writes).toEqual(['first\nsecond\n']);
  });

  it('line() during a burst waits until intervalMs after the previous write', () => {
    const { writes, write } = collect();
    const output = createCoalescedOutput(write, { intervalMs: 20 });
    output.line('a');
    vi.advanceTimersByTime(0);
    vi.advanceTimersByTime(5);
    output.line('b');
    output.line('c');
    vi.advanceTimersByTime(14);
    expect(writes).toEqual(['a\n']);
    vi.advanceTimersByTime(1);
    expect(writes).toEqual(['a\n', 'b\nc\n']);
  });

  it('writes early when the buffer is full, keeps the order, and writes a line longer than the buffer by itself', () => {
    const { writes, write } = collect();
    const output = createCoalescedOutput(write, { intervalMs: 20, capacity: 32 });
    output.line('héllo → wörld'); // 13 UTF-16 units: room reserved for 40 bytes, more than 32
    output.line('one');
    output.line('two');
    output.line('three');
    output.line('x'.repeat(40));
    output.line('🙂 end');
    output.flush();
    expect(writes.join('')).toBe(`héllo → wörld\none\ntwo\nthree\n${'x'.repeat(40)}\n🙂 end\n`);
    expect(writes).toEqual(['héllo → wörld\n', 'one\ntwo\nthree\n', `${'x'.repeat(40)}\n`, '🙂 end\n']);
  });

  it('flush() writes what is queued at once and leaves no timer to write again', () => {
    const { writes, write } = collect();
    const output = createCoalescedOutput(write);
    output.line('before exit');
    output.flush();
    expect(writes).toEqual(['before exit\n']);
    output.flush();
    vi.advanceTimersByTime(1_000);
    expect(writes).toEqual(['before exit\n']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('jsonLine() writes its parts, the bytes as a JSON string, then the newline, in order with line()', () => {
    const out = collect();
    const output = createCoalescedOutput(out.write, { capacity: 256 });
    const body = Buffer.from('{"a":"x\u001b\n","b":"é😀"}');
    output.line('first');
    output.jsonLine(['{"k":1', ',"body":'], body, '}');
    output.flush();
    expect(out.writes.join('')).toBe(`first\n{"k":1,"body":${JSON.stringify(body.toString())}}\n`);
  });

  it('jsonLine() too long for the buffer is written by itself, after what was queued, with the same bytes', () => {
    const out = collect();
    const output = createCoalescedOutput(out.write, { capacity: 64 });
    const body = Buffer.from(`"${'q'.repeat(100)}"`);
    output.line('before');
    output.jsonLine(['{', '"body":'], body, '}');
    output.line('after');
    output.flush();
    expect(out.writes).toEqual(['before\n', `{"body":${JSON.stringify(body.toString())}}\n`, 'after\n']);
  });
});

