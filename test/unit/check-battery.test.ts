import { Webhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { BATTERY, CHECK_NAMES, LARGE_PAYLOAD_BYTES, LARGER_PAYLOAD_BYTES, UNKNOWN_EVENT_TYPE, type Check } from '../../src/check/index.js';
import { EVENT_TYPES } from '../../src/events/index.js';
import { DEFAULT_TEST_SECRET, verify } from '../../src/signature/index.js';

const now = Math.floor(Date.now() / 1000);
const NEW_SECRET = 'whsec_bmV3LXNlY3JldC1hZnRlci1yb3RhdGlvbi0x';
const context = { secret: DEFAULT_TEST_SECRET, secrets: [DEFAULT_TEST_SECRET, NEW_SECRET], now };
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
  it('BATTERY names are unique kebab-case ids, grouped accept, refuse, applied-once, redirect in that order', () => {
    expect(new Set(CHECK_NAMES).size).toBe(CHECK_NAMES.length);
    for (const name of CHECK_NAMES) expect(name).toMatch(/^[a-z0-9]+(?:[-.][a-z0-9]+)*$/);
    for (const c of BATTERY) expect(c.build(context).length, c.name).toBeGreaterThan(0);
    const groups = BATTERY.map((c) => c.group);
    expect(groups).toEqual([...groups].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b)));
    expect(CHECK_NAMES).toEqual(expect.arrayContaining([...EVENT_TYPES.map((type) => `accepts-${type}`), 'refuses-unsigned', 'refuses-stale-timestamp', 'no-redirect']));
  });

  it('every must-accept, applied-once and must-not-redirect request verifies with the real svix library (the rotation check: with one of its secrets)', () => {
    const newWebhook = new Webhook(NEW_SECRET);
    for (const c of BATTERY.filter((c) => c.group !== 'must-refuse')) {
      for (const request of c.build(context)) {
        if (request.expect === 'refuse') continue;
        if (c.name === 'accepts-clock-skew') continue; // signed 4 minutes off: checked below, at its own clock
        if (c.name === 'accepts-each-secret') {
          const valid = [webhook, newWebhook].filter((w) => { try { w.verify(request.body, request.headers); return true; } catch { return false; } });
          expect(valid.length, request.label).toBeGreaterThan(0);
          continue;
        }
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

  // Issue 21 item 6: the tolerance edges, just inside (4 min, accepted) and just outside (6 min, refused).
  it('every request is bound to the clock it is given: stale/future sign 6 min off, clock-skew 4 min off both ways', () => {
    expect(build('refuses-stale-timestamp')[0]!.headers['svix-timestamp']).toBe(String(now - 360));
    expect(build('refuses-future-timestamp')[0]!.headers['svix-timestamp']).toBe(String(now + 360));
    expect(build('accepts-clock-skew').map((r) => r.headers['svix-timestamp'])).toEqual([String(now - 240), String(now + 240)]);
    for (const r of build('accepts-clock-skew')) expect(verify({ payload: r.body, headers: r.headers, secret: DEFAULT_TEST_SECRET, at: now }).ok).toBe(true);
    expect(build('accepts-file.created')[0]!.headers['svix-timestamp']).toBe(String(now));
  });

  it('accepts-<type> sends that event type (last) with a fresh id each time it is built', () => {
    for (const type of EVENT_TYPES) {
      const first = build(`accepts-${type}`).at(-1);
      const again = build(`accepts-${type}`).at(-1);
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

  it('accepts-large-payload sends a task.completed of exactly 256 KiB, after its task.created', () => {
    const [created, request] = build('accepts-large-payload');
    expect(JSON.parse(created!.body)).toMatchObject({ type: 'task.created', data: { id: JSON.parse(request!.body).data.id } });
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

// Issue 21: the checks added so that `check` tells the truth about real apps.
describe('BATTERY (issue 21)', () => {
  const dataIds = (body: string) => [...body.matchAll(/"((?:task|file)_[a-z0-9]{16})"/g)].map((m) => m[1]!);

  it('item 1: no two checks share an event id or a task/file id, and rebuilding a check gives fresh ones', () => {
    const owner = new Map<string, string>();
    for (const c of BATTERY) {
      for (const request of c.build(context)) {
        const ids = new Set([...dataIds(request.body), JSON.parse(request.body).id as string]);
        for (const id of ids) {
          expect(owner.get(id) ?? c.name, `${id} in ${c.name} and ${owner.get(id)}`).toBe(c.name);
          owner.set(id, c.name);
        }
      }
    }
    const [a, b] = [build('accepts-task.completed').at(-1)!, build('accepts-task.completed').at(-1)!];
    expect(dataIds(a.body)[0]).not.toBe(dataIds(b.body)[0]);
  });

  it('item 1: accepts-task.completed sends its task.created first, for the same task; accepts-out-of-order sends a never-seen task.completed first', () => {
    const [created, completed] = build('accepts-task.completed').map((r) => JSON.parse(r.body) as { type: string; data: { id: string } });
    expect([created!.type, completed!.type]).toEqual(['task.created', 'task.completed']);
    expect(created!.data.id).toBe(completed!.data.id);
    const [first] = build('accepts-out-of-order');
    expect(JSON.parse(first!.body).type).toBe('task.completed');
  });

  it('item 2: accepts-raw-utf8 carries raw 2-, 3- and 4-byte characters; accepts-split-utf8 cuts the body inside them', () => {
    const [raw] = build('accepts-raw-utf8');
    expect(raw!.body).not.toMatch(/\\u/);
    for (const ch of ['é', '–', '東', '📄']) expect(raw!.body).toContain(ch);
    const [split] = build('accepts-split-utf8');
    const bytes = Buffer.from(split!.body);
    expect(split!.splitAt!.length).toBeGreaterThanOrEqual(2);
    // Each cut falls on a continuation byte: the character before it is cut in two.
    for (const at of split!.splitAt!) expect(bytes[at]! & 0xc0).toBe(0x80);
    expect(() => webhook.verify(split!.body, split!.headers)).not.toThrow();
  });

  it('item 3: the applied-once checks need effects; the unverified one must be refused and applied 0 times', () => {
    const applied = BATTERY.filter((c) => c.group === 'applied-once');
    expect(applied.map((c) => [c.name, c.needs, c.applied!.times])).toEqual([
      ['applies-duplicate-once', 'effects', 1],
      ['applies-concurrent-once', 'effects', 1],
      ['applies-retry-once', 'effects', 1],
      ['applies-nothing-unverified', 'effects', 0],
    ]);
    expect(check('applies-concurrent-once').together).toBe(true);
    const [unverified] = build('applies-nothing-unverified');
    expect(unverified!.expect).toBe('refuse');
    expect(() => webhook.verify(unverified!.body, unverified!.headers)).toThrow();
    const [first, retry] = build('applies-retry-once');
    expect(retry!.headers['svix-id']).toBe(first!.headers['svix-id']);
    expect(retry!.headers['svix-signature']).not.toBe(first!.headers['svix-signature']);
    for (const c of applied) for (const r of c.build(context)) expect(r.eventId).toBe(JSON.parse(r.body).id);
  });

  it('item 5: accepts-each-secret signs with the first secret only, the last only, then both', () => {
    expect(check('accepts-each-secret').needs).toBe('two-secrets');
    const valid = (r: { body: string; headers: Record<string, string> }, secret: string) => verify({ payload: r.body, headers: r.headers, secret, at: now }).ok;
    const [old, current, both] = build('accepts-each-secret');
    expect([valid(old!, DEFAULT_TEST_SECRET), valid(old!, NEW_SECRET)]).toEqual([true, false]);
    expect([valid(current!, DEFAULT_TEST_SECRET), valid(current!, NEW_SECRET)]).toEqual([false, true]);
    expect([valid(both!, DEFAULT_TEST_SECRET), valid(both!, NEW_SECRET)]).toEqual([true, true]);
  });

  it('item 7: accepts-larger-payloads sends 512 KiB and 1 MiB task.completed events whose refusal is only a warning', () => {
    const sizes = build('accepts-larger-payloads').filter((r) => r.refusalIsWarning).map((r) => Buffer.byteLength(r.body));
    expect(sizes).toEqual([...LARGER_PAYLOAD_BYTES]);
    expect(LARGER_PAYLOAD_BYTES).toEqual([524_288, 1_048_576]);
    expect(build('accepts-larger-payloads').find((r) => r.refusalIsWarning)!.hint).toMatch(/documents no maximum/);
  });
});

const ORDER = ['must-accept', 'must-refuse', 'applied-once', 'must-not-redirect'];
