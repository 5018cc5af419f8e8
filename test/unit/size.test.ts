import { describe, expect, it } from 'vitest';
import { formatSize } from '../../src/util/size.js';
import { parseSize } from '../../src/cli/parse/size.js';

describe('parseSize / formatSize', () => {
  it('parseSize reads bytes and binary units whatever their spelling', () => {
    expect(parseSize('1mb')).toBe(1_048_576);
    expect(parseSize('1MiB')).toBe(1_048_576);
    expect(parseSize('512kb')).toBe(524_288);
    expect(parseSize('2 MB')).toBe(2_097_152);
    expect(parseSize('100')).toBe(100);
    expect(parseSize('1.5kb')).toBe(1_536);
  });

  it('parseSize refuses what is not a size, naming the flag', () => {
    expect(() => parseSize('big', '--max-body')).toThrow(/invalid --max-body "big": use a number of bytes or a unit/);
    expect(() => parseSize('1tb', '--max-body')).toThrow(/invalid --max-body/);
  });

  it('formatSize prints bytes, KiB and MiB', () => {
    expect([formatSize(100), formatSize(1_536), formatSize(1_048_576), formatSize(1_992_294)]).toEqual(['100 B', '1.5 KiB', '1 MiB', '1.9 MiB']);
  });
});
