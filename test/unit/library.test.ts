import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'svix';
import { afterEach, describe, expect, it } from 'vitest';
import { check, fixtures, listen, loadJournal, replay, trigger, type DeliveryReport, type RunningListener, type SendReport } from '../../src/index.js';
import { DEFAULT_TEST_SECRET } from '../../src/signature/index.js';
import { inputErrorOf } from '../helpers/input-error.js';
import { startServer, type TestServer } from '../helpers/server.js';

const dir = mkdtempSync(join(tmpdir(), 'scandocs-library-'));
let listener: RunningListener | undefined;
let server: TestServer | undefined;
afterEach(async () => {
  await listener?.close();
  await server?.close();
  listener = undefined;
  server = undefined;
});


describe('listen()', () => {
  it('listen() reports ready, then each delivery, to onReport, on(), waitFor() and an iterator alike', async () => {
    const seen: string[] = [];
    const handled: DeliveryReport[] = [];
    listener = await listen({ onReport: (report) => seen.push(report.type) });
    listener.on('delivery', (report) => handled.push(report));
    expect(listener.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    await trigger({ types: ['task.completed', 'file.created'], url: `${listener.url}/hooks` });
    const predicate = await listener.waitFor((report) => report.type === 'delivery' && report.eventType === 'file.created');
    const first = await listener.waitFor('delivery');
    // The predicate took file.created, so the next plain waitFor() gets the one nobody returned yet.
    expect([first.eventType, (predicate as DeliveryReport).eventType]).toEqual(['task.completed', 'file.created']);
    // Both deliveries have been returned once: a third waitFor() waits for a third delivery.
    await expect(listener.waitFor('delivery', { timeoutMs: 50 })).rejects.toThrow(/no delivery report/);
    expect(first).toMatchObject({ path: '/hooks', status: 200, verification: { ok: true }, attempt: 1 });
    expect(handled.map((d) => d.eventType)).toEqual(['task.completed', 'file.created']);

    const summary = await listener.close();
    expect(summary).toMatchObject({ received: 2, verified: 2, byStatus: { 200: 2 } });
    const iterated: string[] = [];
    for await (const report of listener) iterated.push(report.type);
    expect(iterated).toEqual(['ready', 'delivery', 'delivery']);
    expect(seen).toEqual(iterated);
  });

  it('waitFor() rejects after timeoutMs, and once the listener closes', async () => {
    listener = await listen();
    await expect(listener.waitFor('rejected', { timeoutMs: 50 })).rejects.toThrow(/no rejected report from the listener within 50 ms/);
    const pending = listener.waitFor('delivery');
    await listener.close();
    await expect(pending).rejects.toThrow(/closed before/);
  });

  it('listen({ respond, failHeaders, journal }) answers as told and journals each delivery before answering', async () => {
    const journal = join(dir, 'events.jsonl');
    listener = await listen({ respond: [{ types: ['task.*'], statuses: [503, 200] }], failHeaders: [['Retry-After', '1']], journal });
    const run = await trigger({ types: ['task.failed', 'file.deleted'], url: listener.url, schedule: [0, 10] });
    expect(run.deliveries.map((d) => [d.eventType, d.attempts.map((a) => a.status)])).toEqual(
      expect.arrayContaining([
        ['task.failed', [503, 200]],
        ['file.deleted', [200]],
      ]),
    );
    await listener.close();
    const { records } = await loadJournal(journal);
    expect(records.map((r) => [r.eventType, r.status])).toEqual(expect.arrayContaining([['task.failed', 503], ['task.failed', 200], ['file.deleted', 200]]));
    expect(readFileSync(journal, 'utf8').trimEnd().split('\n')).toHaveLength(3);
  });

  it('listen() start-up failures are InputErrors with a code, worded without flags', async () => {
    listener = await listen();
    const inUse = await inputErrorOf(() => listen({ port: listener!.port }));
    expect(inUse).toMatchObject({ code: 'port-in-use', details: { port: listener.port } });
    expect(inUse.message).not.toMatch(/--/);
    const unwritable = await inputErrorOf(() => listen({ journal: join(dir, 'missing', 'x.jsonl') }));
    expect(unwritable).toMatchObject({ code: 'unwritable-file', details: { kind: 'journal' } });
    expect((await inputErrorOf(() => listen({ events: ['task.*'], respond: [500, 500], forwardTo: 'ftp://localhost/x' }))).code).toBe('invalid-url');
  });
});

describe('trigger() and replay()', () => {
  it('trigger() resolves with each message and its attempts; onReport sees the start first', async () => {
    let calls = 0;
    server = await startServer((_req, res) => void res.writeHead(++calls === 1 ? 500 : 204).end());
    const reports: SendReport[] = [];
    const run = await trigger({ types: ['task.completed'], url: server.url, schedule: 'fast', onReport: (r) => reports.push(r) });
    expect(reports[0]).toMatchObject({ type: 'start', total: 1, url: server.url, schedule: { label: 'fast' } });
    expect(run).toMatchObject({ total: 1, delivered: 1, failed: 0, attempts: 2 });
    expect(run.deliveries[0]).toMatchObject({ eventType: 'task.completed', delivered: true });
    expect(run.deliveries[0]!.attempts.map((a) => [a.attempt, a.status, a.ok])).toEqual([
      [1, 500, false],
      [2, 204, true],
    ]);
  });

  it('an aborted signal stops trigger() during a retry wait, and it rejects with the reason', async () => {
    server = await startServer((_req, res) => void res.writeHead(500).end());
    const stop = new AbortController();
    const started = performance.now();
    const run = trigger({
      types: ['task.failed'],
      url: server.url,
      schedule: [0, 60_000],
      signal: stop.signal,
      onReport: (report) => report.type === 'retry-scheduled' && stop.abort(new Error('enough')),
    });
    await expect(run).rejects.toThrow('enough');
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(server.requests).toHaveLength(1);
  });

  it('replay() resends a journal byte for byte under the recorded svix-id, filtered by type', async () => {
    const journal = join(dir, 'replay.jsonl');
    listener = await listen({ journal });
    await trigger({ types: ['task.completed', 'file.created'], url: listener.url });
    await listener.close();
    const { records: recorded } = await loadJournal(journal);
    server = await startServer();
    const run = await replay({ journal, types: ['file.*'], url: server.url });
    expect(run.total).toBe(1);
    const sent = server.requests[0]!;
    const original = recorded.find((r) => r.eventType === 'file.created')!;
    expect(sent.body.toString('utf8')).toBe(original.body);
    expect(sent.headers['svix-id']).toBe(original.messageId);
    expect(() => new Webhook(DEFAULT_TEST_SECRET).verify(sent.body.toString('utf8'), sent.headers as Record<string, string>)).not.toThrow();
    expect(await inputErrorOf(() => replay({ journal, types: ['task.failed'], url: server!.url }))).toMatchObject({ code: 'invalid-journal', details: { kind: 'no-match', recorded: 2 } });
  });
});

describe('fixtures.build(type, { set })', () => {
  it('takes changes as an object of paths and values (values as they are), or as path=value entries', async () => {
    const typed = fixtures.build('file.created', { set: { 'data.name': 'report.pdf', 'data.properties.size': 7 }, setNew: { 'data.note': '42' } });
    expect(typed.data).toMatchObject({ name: 'report.pdf', properties: { size: 7 }, note: '42' });
    const entries = fixtures.build('file.created', { set: ['data.name=report.pdf'], setNew: ['data.note=42', ['data.tags', ['a']]] });
    expect(entries.data).toMatchObject({ name: 'report.pdf', note: 42, tags: ['a'] });
    // set changes only what the sample has: a new path is a mistake unless it comes through setNew.
    expect((await inputErrorOf(() => fixtures.build('file.created', { set: { 'data.note': 1 } }))).message).toMatch(/the event has no data\.note.*\(use setNew data\.note=… to add a field\)/);
  });

  it('names a change it cannot make as given, without a flag', async () => {
    const error = await inputErrorOf(() => fixtures.build('file.created', { set: { 'data.name.first': 'x' } }));
    expect(error).toMatchObject({ code: 'invalid-override', details: { entry: 'data.name.first' } });
    expect(error.message).toMatch(/^"data\.name\.first": data\.name is the string ".*", not an object; set data\.name itself instead$/);
  });
});

describe('check()', () => {
  it('check() against listen() returns the report card as data', async () => {
    listener = await listen();
    const card = await check({ url: listener.url, only: ['accepts-*', 'refuses-unsigned'] });
    expect(card).toMatchObject({ ok: true, failed: 0, url: listener.url });
    expect(card.results.map((r) => r.name)).toContain('refuses-unsigned');
    expect(card.results.every((r) => (r.passed || r.skipped) && r.hint === undefined)).toBe(true);
    // Issue 21: a check that needs what was not given is skipped, never passed.
    expect(card.results.find((r) => r.name === 'accepts-each-secret')).toMatchObject({ passed: false, skipped: { need: 'two-secrets' } });
    const wrong = await check({ url: listener.url, only: ['accepts-file.created'], secret: 'whsec_' + Buffer.from('another key, not the one').toString('base64') });
    expect(wrong).toMatchObject({ ok: false, failed: 1 });
    expect(wrong.results[0]!.hint).toMatch(/refused a valid signed file\.created \(401\)/);
    expect((await inputErrorOf(() => check({ url: listener!.url, skip: ['nope'] }))).code).toBe('unknown-check');
  });
});
