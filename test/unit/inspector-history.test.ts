import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { History } from '../../src/inspector/history.js';
import { detailOfReport, summarizeReport } from '../../src/inspector/model.js';
import type { JournalRecord } from '../../src/journal/index.js';
import type { DeliveryReport } from '../../src/listener/reports.js';

const dir = mkdtempSync(join(tmpdir(), 'inspector-history-'));

function report(n: number, extra: Partial<DeliveryReport> = {}): DeliveryReport {
  return {
    type: 'delivery',
    receivedAt: new Date(1_732_800_000_000 + n).toISOString(),
    method: 'POST',
    path: '/webhooks',
    messageId: `msg_${n}`,
    attempt: 1,
    eventType: n % 2 ? 'task.completed' : 'file.created',
    eventId: `event_${n}`,
    verification: { ok: true, id: `msg_${n}`, timestamp: 1, family: 'svix', signature: 'v1,x', secretIndex: 0 },
    filtered: false,
    status: 200,
    delayMs: 0,
    latencyMs: 1,
    senderGone: false,
    headers: { 'svix-id': `msg_${n}` },
    body: Buffer.from(JSON.stringify({ id: `event_${n}`, note: `number ${n}` })),
    ...extra,
  };
}

function record(n: number, status = 200): JournalRecord {
  return {
    type: 'delivery',
    receivedAt: new Date(1_732_700_000_000 + n).toISOString(),
    method: 'POST',
    path: '/webhooks',
    headers: { 'svix-id': 'msg_same' },
    body: JSON.stringify({ id: `event_past${n}` }),
    bodyEncoding: 'utf8',
    messageId: 'msg_same',
    eventType: 'task.failed',
    eventId: `event_past${n}`,
    status,
  };
}

describe('History', () => {
  it('without a journal, holds the last `capacity` deliveries and forgets older ones', () => {
    const history = new History({ capacity: 3 });
    for (let n = 1; n <= 5; n++) history.add(report(n));
    expect(history.size).toBe(3);
    expect(history.list({}, 10).items.map((s) => s.seq)).toEqual([5, 4, 3]);
    expect(history.detail(2)).toBeUndefined();
    expect(history.detail(3)?.body).toContain('number 3');
  });

  it('without a journal, a replay overwritten by a delivery stops counting against the detail bytes', () => {
    const history = new History({ capacity: 4, detailBytes: 100 });
    const replay = (size: number) => history.addDetail((seq) => ({ ...detailOfReport(summarizeReport(seq, report(seq), 'replay'), report(seq)), body: 'r'.repeat(size) }));
    replay(60);
    for (let n = 2; n <= 5; n++) history.add(report(n));
    // Seq 1 is gone from the ring; its 60 bytes must be gone from the count too, or seq 7 pushes seq 6 out.
    replay(60);
    replay(10);
    expect(history.detail(6)?.body).toBe('r'.repeat(60));
    expect(history.detail(7)?.body).toBe('r'.repeat(10));
  });

  it('without a journal, packs deliveries into a ring of bytes: the oldest go first once it is full', () => {
    const history = new History({ capacity: 100, memoryBytes: 8_000 });
    for (let n = 1; n <= 10; n++) history.add(report(n, { body: Buffer.alloc(900, 'a') }));
    const listed = history.list({}, 100).items.map((s) => s.seq);
    expect(listed[0]).toBe(10);
    expect(listed.length).toBeGreaterThan(3);
    expect(listed.length).toBeLessThan(10);
    expect(history.detail(10)?.body).toBe('a'.repeat(900));
    expect(history.detail(1)).toBeUndefined();
    // A body too large for the ring is left out, and said to be (issue 19 defect 5); the delivery is still listed.
    history.add(report(11, { body: Buffer.alloc(5_000, 'b') }));
    expect(history.summary(11)).toMatchObject({ eventId: 'event_11', bodyBytes: 5_000, bodyKept: false });
    expect(history.detail(11)).toMatchObject({ body: '', bodyBytes: 5_000, bodyKept: false });
    expect(history.detail(10)?.bodyKept).toBeUndefined();
  });

  it('keeps a body of exactly a quarter of the ring whole, whatever its headers (issue 19 defect 5)', () => {
    const ring = 8_000;
    const history = new History({ capacity: 100, memoryBytes: ring });
    const largest = Buffer.alloc(ring / 4, 'z');
    // Headers of their own weight: measured together with the body, they pushed it over the quarter and it was lost.
    history.add(report(1, { body: largest, headers: { 'svix-id': 'msg_1', 'x-padding': 'p'.repeat(500) } }));
    expect(history.detail(1)).toMatchObject({ body: largest.toString(), bodyBytes: ring / 4 });
    expect(history.detail(1)?.bodyKept).toBeUndefined();
    history.add(report(2, { body: Buffer.alloc(ring / 4 + 1, 'y') }));
    expect(history.detail(2)).toMatchObject({ body: '', bodyBytes: ring / 4 + 1, bodyKept: false });
  });

  it('reads every delivery whole, or not at all, across the first wraps of the ring (issue 19 defect 5)', () => {
    const ring = 8_000;
    const history = new History({ capacity: 100, memoryBytes: ring });
    const bodies = new Map<number, string>();
    // Sizes that do not divide the ring, so records end at every offset and the first wrap skips a tail.
    for (let n = 1; n <= 40; n++) {
      const body = String.fromCharCode(97 + (n % 26)).repeat(ring / 4 - ((n * 37) % 900));
      bodies.set(n, body);
      history.add(report(n, { body: Buffer.from(body) }));
      for (let seq = 1; seq <= n; seq++) {
        const detail = history.detail(seq);
        if (detail) expect(detail.body, `seq ${seq} after ${n}`).toBe(bodies.get(seq));
      }
      // The newest is always whole, and so is the one before it (two quarters and their metas fit).
      expect(history.detail(n)?.body).toBe(body);
      if (n > 1) expect(history.detail(n - 1)?.body).toBe(bodies.get(n - 1));
    }
  });

  it('without a journal, a delivery reads back as it was reported, the app’s answer included', () => {
    const history = new History();
    const forward = { url: 'http://127.0.0.1:3000/', status: 201, latencyMs: 3, body: Buffer.from('{"ok":true}'), headers: [['x-app', '1']] as Array<[string, string]> };
    history.add(report(1, { forward, policy: { source: 'respond', rule: '500', step: 1, steps: 1 }, status: 500 }));
    expect(history.detail(1)).toMatchObject({
      status: 500,
      policy: { source: 'respond', rule: '500' },
      forward: { status: 201, body: '{"ok":true}', headers: [['x-app', '1']] },
      headers: { 'svix-id': 'msg_1' },
      verified: true,
    });
  });

  it('filters by type, status class, verification and body text, newest first, in pages', () => {
    const history = new History();
    for (let n = 1; n <= 6; n++) history.add(report(n, n === 6 ? { status: 401, verification: { ok: false, reason: 'no-matching-signature', message: 'x' } } : {}));
    expect(history.list({ type: 'file.created' }, 10).items.map((s) => s.seq)).toEqual([6, 4, 2]);
    expect(history.list({ status: '4xx' }, 10).items.map((s) => s.seq)).toEqual([6]);
    expect(history.list({ verification: 'verified' }, 2)).toMatchObject({ more: true, items: [{ seq: 5 }, { seq: 4 }] });
    expect(history.list({ text: 'NUMBER 3' }, 10).items.map((s) => s.seq)).toEqual([3]);
    expect(history.since(4).map((s) => s.seq)).toEqual([5, 6]);
  });

  it('with a journal, lists its past deliveries (attempts of one svix-id counted) and reads their details back by offset', async () => {
    const path = join(dir, 'journal.jsonl');
    writeFileSync(path, [record(1, 500), record(2, 200), record(3, 200)].map((r) => JSON.stringify(r)).join('\n') + '\nnot json\n');
    const history = new History({ journalPath: path, detailWindow: 1 });
    expect(history.lastSeq).toBe(0);
    await history.sync();
    expect(history.loadedFromJournal).toBe(3);
    const listed = history.list({}, 10).items;
    expect(listed.map((s) => [s.seq, s.source, s.attempt, s.repeat])).toEqual([
      [3, 'journal', 3, 'duplicate'],
      [2, 'journal', 2, 'retry'],
      [1, 'journal', 1, undefined],
    ]);
    expect(history.detail(2)?.body).toBe('{"id":"event_past2"}');
    expect(history.attemptsOf('msg_same')).toHaveLength(3);
    // Many at once (an export) read through one open file, in the order asked, skipping what is not held.
    expect(history.details([1, 99, 3]).map((d) => d.body)).toEqual(['{"id":"event_past1"}', '{"id":"event_past3"}']);
  });

  it('with a journal, lists the lines the listener appends when asked, with the extras of reports a page saw', async () => {
    const path = join(dir, 'live.jsonl');
    writeFileSync(path, `${JSON.stringify(record(1))}\n`);
    const history = new History({ journalPath: path, detailWindow: 1 });
    await history.sync();
    const live = [report(10, { latencyMs: 12.5, policy: { source: 'fail-rate', rate: 0.5 } }), report(11)];
    const lines = live.map((r) => ({ ...record(0), receivedAt: r.receivedAt, messageId: r.messageId, body: r.body.toString(), eventId: r.eventId }));
    appendFileSync(path, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    expect(history.add(live[0]!)).toBeUndefined();
    expect(history.lastSeq).toBe(1);
    expect((await history.sync()).map((s) => [s.seq, s.source, s.latencyMs])).toEqual([
      [2, 'live', 12.5],
      [3, 'live', undefined],
    ]);
    expect(history.detail(2)).toMatchObject({ policy: { source: 'fail-rate', rate: 0.5 }, latencyMs: 12.5 });
    expect(history.detail(3)?.body).toContain('number 11');
    expect(await history.sync()).toEqual([]);
  });

  it('without a journal, every kind of delivery reads back as the report itself gives it (the API output unchanged)', () => {
    const reports = [
      report(1),
      report(2, { messageId: undefined, eventType: undefined, eventId: undefined, verification: undefined, headers: {} }),
      report(3, {
        verification: { ok: false, reason: 'no-matching-signature', message: 'no signature matched', id: 'msg_3', timestamp: 2, receivedSignatures: ['v1,y'] },
        status: 401,
        attempt: 3,
        repeat: 'retry',
        recorded: false,
        recordError: 'disk full',
        senderGone: true,
        delayMs: 250,
        latencyMs: 251.5,
      }),
      report(4, {
        problem: { reason: 'invalid-json', message: 'not JSON' },
        policy: { source: 'respond', rule: '500', step: 1, steps: 2 },
        filtered: true,
        repeat: 'duplicate',
        recorded: true,
        forward: { url: 'http://127.0.0.1:1/x', status: 202, latencyMs: 3, body: Buffer.from('ok'), contentType: 'text/plain', headers: [['retry-after', '5']] },
      }),
      // A NUL in a string the fast form joins with NULs: packed as JSON instead.
      report(5, { eventType: 'task\u0000completed', headers: { 'svix-id': 'msg_5', 'x-note': 'a b' } }),
      report(6, { forward: { url: 'http://127.0.0.1:1/x', latencyMs: 5000, error: 'no answer in 5 s', errorKind: 'timeout' } }),
    ];
    const history = new History();
    for (const r of reports) history.add(r);
    reports.forEach((r, i) => {
      const expected = detailOfReport(summarizeReport(i + 1, r), r);
      expect(JSON.parse(JSON.stringify(history.detail(i + 1)))).toEqual(JSON.parse(JSON.stringify(expected)));
      expect(history.summary(i + 1)).toEqual(summarizeReport(i + 1, r));
    });
  });
});
