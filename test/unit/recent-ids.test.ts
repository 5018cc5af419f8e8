import { describe, expect, it } from 'vitest';
import { RecentIds } from '../../src/listener/recent-ids.js';

describe('RecentIds', () => {
  it('see(id) counts attempts and reports how the previous attempt was answered', () => {
    const ids = new RecentIds(100);
    expect(ids.see('msg_a')).toEqual({ attempt: 1 });
    ids.answered('msg_a', 500);
    expect(ids.see('msg_a')).toEqual({ attempt: 2, previousStatus: 500 });
    // Not answered yet (still in flight): no previous status.
    expect(ids.see('msg_a')).toEqual({ attempt: 3, previousStatus: undefined });
    expect(ids.see('msg_b')).toEqual({ attempt: 1 });
  });

  it('forgets the least recently seen id once more than `limit` sightings followed it', () => {
    const ids = new RecentIds(3);
    ids.see('a');
    ids.see('b');
    ids.see('a'); // a is now more recent than b
    ids.see('c'); // ring: b, a, c — "a" first sighting dropped, but a was seen again
    ids.see('d'); // drops b
    expect(ids.see('a').attempt).toBe(3);
    expect(ids.see('b').attempt).toBe(1);
  });

  it('behaves like a reference LRU over 20,000 random sightings, and stays within its limit', () => {
    const limit = 50;
    const ids = new RecentIds(limit);
    // Reference: an LRU over sightings, the same definition the class documents.
    const counts = new Map<string, number>();
    const sightings: string[] = [];
    let seed = 42;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 20_000; i++) {
      const id = `msg_${Math.floor(random() * 120)}`;
      const expected = (counts.get(id) ?? 0) + 1;
      expect(ids.see(id).attempt).toBe(expected);
      counts.set(id, expected);
      sightings.push(id);
      if (sightings.length > limit) {
        const dropped = sightings.shift()!;
        if (!sightings.includes(dropped)) counts.delete(dropped);
      }
      expect(ids.size).toBe(counts.size);
      expect(ids.size).toBeLessThanOrEqual(limit);
    }
  });
});
