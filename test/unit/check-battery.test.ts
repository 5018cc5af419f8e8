import { Webhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { BATTERY, CHECK_NAMES, LARGE_PAYLOAD_BYTES, UNKNOWN_EVENT_TYPE, type Check } from '../../src/check/index.js';
import { EVENT_TYPES } from '../../src/events/index.js';
import { DEFAULT_TEST_SECRET, verify } from '../../src/signature/index.js';

const now = Math.floor(Date.now() / 1000);
const context = { secret: DEFAULT_TEST_SECRET, now };
const webhook = new Webhook(DEFAULT_TEST_SECRET);

function check(name: string): Check {
  const found = BATTERY.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name}`);
  return found;
}

function build(name: string) {
  return check(name).build(context);
}

describe('BATTERY', () => {
  it('BATTERY names are unique kebab-case ids, grouped accept, refuse, redirect in that order', () => {
    expect(new Set(CHECK_NAMES).size).toBe(CHECK_NAMES.length);
    for (const name of CHECK_NAMES) expect(name).toMatch(/^[a-z0-9]+(?:[-.][a-z0-9]+)*$/);
    for (const c of BATTERY) expect(c.build(context).length, c.name).toBeGreaterThan(0);
    const groups = BATTERY.map((c) => c.group);
    expect(groups).toEqual([...groups].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b)));
    expect(CHECK_NAMES).toEqual(expect.arrayContaining([...EVENT_TYPES.map((type) => `accepts-${type}`), 'refuses-unsigned', 'refuses-stale-timestamp', 'no-redirect']));
  });

  it('every must-accept and must-not-redirect request verifies with the real svix library', () => {
    for (const c of BATTERY.filter((c) => c.group !== 'must-refuse')) {
      for (const request of c.build(context)) {
        expect(() => webhook.verify(request.body, request.headers), `${c.name}: ${request.label}`).not.toThrow();
        expect(request.headers['content-type']).toBe('application/json');
      }
    }
  });

  it('every must-refuse request is refused by the real svix library, for the reason its check names', () => {
    const expected: Record<string, string> = {
      'refuses-unsigned': 'missing-headers',
      'refuses-tampered-body': 'no-matching-signature',
      'refuses-wrong-secret': 'no-matching-signature',
      'refuses-stale-timestamp': 'timestamp-too-old',
      'refuses-future-timestamp': 'timestamp-too-new',
      'refuses-malformed-signature': 'no-signatures',
    };
    const refuses = BATTERY.filter((c) => c.group === 'must-refuse');
    expect(refuses.map((c) => c.name).sort()).toEqual(Object.keys(expected).sort());
    for (const c of refuses) {
      const [request, ...more] = c.build(context);
      expect(more).toHaveLength(0);
      expect(() => webhook.verify(request!.body, request!.headers), c.name).toThrow();
      const result = verify({ payload: request!.body, headers: request!.headers, secret: DEFAULT_TEST_SECRET, at: now });
      expect(result.ok ? 'valid' : result.reason, c.name).toBe(expected[c.name]);
    }
  });

  it('every request is bound to the clock it is given: the stale check signs 600 s before, the future one 600 s after', () => {
    expect(build('refuses-stale-timestamp')[0]!.headers['svix-timestamp']).toBe(String(now - 600));
    expect(build('refuses-future-timestamp')[0]!.headers['svix-timestamp']).toBe(String(now + 600));
    expect(build('accepts-file.created')[0]!.headers['svix-timestamp']).toBe(String(now));
  });

  it('accepts-<type> sends that event type with a fresh id each time it is built', () => {
    for (const type of EVENT_TYPES) {
      const [first] = build(`accepts-${type}`);
      const [again] = build(`accepts-${type}`);
      const event = JSON.parse(first!.body) as { id: string; type: string; data: object };
      expect(event.type).toBe(type);
      expect(event.id).toMatch(/^event_/);
      expect(JSON.parse(again!.body).id).not.toBe(event.id);
      expect(first!.headers['svix-id']).not.toBe(again!.headers['svix-id']);
    }
  });

  it('accepts-rotated-signatures puts a non-matching v1 signature first and the matching one second', () => {
    const [request] = build('accepts-rotated-signatures');
    const entries = request!.headers['svix-signature']!.split(' ');
    expect(entries).toHaveLength(2);
    const only = (signature: string) => ({ ...request!.headers, 'svix-signature': signature });
    expect(() => webhook.verify(request!.body, only(entries[0]!))).toThrow();
    expect(() => webhook.verify(request!.body, only(entries[1]!))).not.toThrow();
  });

  it('accepts-unknown-type sends a type outside the catalog', () => {
    const [request] = build('accepts-unknown-type');
    expect(JSON.parse(request!.body).type).toBe(UNKNOWN_EVENT_TYPE);
    expect(EVENT_TYPES).not.toContain(UNKNOWN_EVENT_TYPE);
  });

  it('accepts-duplicate sends the same message twice: same svix-id, same bytes', () => {
    const [first, retry] = build('accepts-duplicate');
    expect(retry!.headers['svix-id']).toBe(first!.headers['svix-id']);
    expect(retry!.body).toBe(first!.body);
    expect(retry!.hint).toMatch(/retry/);
  });

  it('accepts-out-of-order sends task.completed, then the same task’s earlier task.created', () => {
    const [completed, created] = build('accepts-out-of-order').map((r) => JSON.parse(r.body) as { type: string; timestamp: string; data: { id: string; operation: string } });
    expect([completed!.type, created!.type]).toEqual(['task.completed', 'task.created']);
    expect(created!.data).toMatchObject({ id: completed!.data.id, operation: completed!.data.operation });
    expect(Date.parse(created!.timestamp)).toBeLessThan(Date.parse(completed!.timestamp));
  });

  it('accepts-large-payload sends a task.completed of exactly 256 KiB', () => {
    const [request] = build('accepts-large-payload');
    expect(Buffer.byteLength(request!.body)).toBe(LARGE_PAYLOAD_BYTES);
    expect(LARGE_PAYLOAD_BYTES).toBe(262_144);
    expect(JSON.parse(request!.body)).toMatchObject({ type: 'task.completed', data: { operation: 'extract-text' } });
  });

  it('refuses-unsigned sends no svix-* or webhook-* header at all', () => {
    const [request] = build('refuses-unsigned');
    expect(Object.keys(request!.headers)).toEqual(['content-type']);
  });

  it('every must-refuse request carries a hint saying what the code gets wrong', () => {
    for (const c of BATTERY.filter((c) => c.group === 'must-refuse')) expect(c.build(context)[0]!.hint, c.name).toMatch(/^accepted /);
  });
});

const ORDER = ['must-accept', 'must-refuse', 'must-not-redirect'];
