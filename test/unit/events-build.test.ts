import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildEvent, listFixtures, newEventId } from '../../src/events/index.js';
import { eventTextBuilder } from '../../src/events/event-text.js';

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

describe('eventTextBuilder', () => {
  const now = new Date('2026-01-02T03:04:05.678Z');
  const cases: Array<[string, Parameters<typeof eventTextBuilder>[1]]> = [
    ...listFixtures().map(({ type, variant }): [string, Parameters<typeof eventTextBuilder>[1]] => [type, { variant }]),
    ['file.created', { set: { 'data.name': 'report "final".pdf', 'data.properties.size': 7 } }],
    ['file.created', { setNew: { 'data.tags': ['a', 'b'] } }],
    // A change may replace the id or the timestamp: then every event carries that value.
    ['task.completed', { variant: 'convert', set: { id: 'event_fixed', timestamp: '2020-01-01T00:00:00.000Z' } }],
  ];

  it('builds, for every fixture and with changes, the same bytes as JSON.stringify(buildEvent())', () => {
    for (const [type, options] of cases) {
      const id = newEventId();
      const built = eventTextBuilder(type, options)(id, now);
      const event = buildEvent(type, { ...options, id, now });
      expect(built.text).toBe(JSON.stringify(event));
      expect([built.id, built.type]).toEqual([event.id, event.type]);
    }
  });

  it('gives each event a fresh id and the current time by default', () => {
    const build = eventTextBuilder('file.deleted');
    const [first, second] = [build(), build()];
    expect(first.id).not.toBe(second.id);
    expect(JSON.parse(first.text).id).toBe(first.id);
    expect(Math.abs(Date.parse(JSON.parse(first.text).timestamp) - Date.now())).toBeLessThan(60_000);
  });

  it('throws for a bad type, variant or change as buildEvent() does, before building any event', () => {
    for (const [type, options] of [
      ['file.craeted', {}],
      ['file.created', { variant: 'nope' }],
      ['file.created', { set: { 'data.nmae': 'x' } }],
    ] as const) {
      expect(() => eventTextBuilder(type, options)).toThrow(catchMessage(() => buildEvent(type, options)));
    }
  });
});

function catchMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected it to throw');
}
