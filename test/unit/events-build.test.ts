import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildEvent, newEventId } from '../../src/events/index.js';

const fixture = (path: string) => JSON.parse(readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8'));

describe('buildEvent', () => {
  it('buildEvent(type) is the default fixture with a fresh id and the given time', () => {
    const event = buildEvent('file.created', { now: new Date('2026-01-02T03:04:05.678Z') });
    const { id: _id, timestamp: _timestamp, ...rest } = fixture('file.created/image.json');
    expect(event).toEqual({ ...rest, id: expect.stringMatching(/^event_[a-z0-9]{16}$/), timestamp: '2026-01-02T03:04:05.678Z' });
  });

  it('buildEvent(type) returns a new deep copy each time: changing one event leaves the next untouched', () => {
    const first = buildEvent('file.created');
    (first.data as { properties: { size: number } }).properties.size = 1;
    const second = buildEvent('file.created');
    expect((second.data as { properties: { size: number } }).properties.size).toBe(fixture('file.created/image.json').data.properties.size);
    expect(second.id).not.toBe(first.id);
  });
});

describe('newEventId', () => {
  it('newEventId() gives distinct ids of 16 lowercase alphanumerics, every symbol in use', () => {
    const ids = Array.from({ length: 2000 }, newEventId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^event_[a-z0-9]{16}$/);
    // 32,000 symbols over 36: each expected ~889 times; a missing or starved symbol means a broken mapping.
    const counts = new Map<string, number>();
    for (const id of ids) for (const symbol of id.slice('event_'.length)) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
    expect(counts.size).toBe(36);
    expect(Math.min(...counts.values())).toBeGreaterThan(650);
  });
});
