import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'svix';
import { afterEach, describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../src/journal/record.js';
import { runCli } from '../helpers/cli.js';
import { startServer, type TestServer } from '../helpers/server.js';

const TEST_SECRET = 'whsec_c2NhbmRvY3MtbG9jYWwtdGVzdC1rZXkh';
const MY_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const dir = mkdtempSync(join(tmpdir(), 'scandocs-replay-'));
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function endpoint(...statuses: number[]): Promise<TestServer> {
  const script = statuses.length > 0 ? statuses : [200];
  const server = await startServer((_req, res, index) => {
    res.statusCode = script[Math.min(index, script.length - 1)]!;
    res.end();
  });
  servers.push(server);
  return server;
}

/** A recorded delivery as a verifying `listen --record` writes it, signed long ago with the recorded headers. */
function record(body: Buffer | string, fields: Partial<JournalRecord> = {}): JournalRecord {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const text = bytes.toString('utf8');
  const utf8 = Buffer.from(text).equals(bytes);
  return {
    type: 'delivery',
    receivedAt: minutesAgo(1),
    method: 'POST',
    path: '/webhooks',
    headers: { 'svix-id': fields.messageId ?? 'msg_recorded', 'svix-timestamp': '1700000000', 'svix-signature': 'v1,old' },
    body: utf8 ? text : bytes.toString('base64'),
    bodyEncoding: utf8 ? 'utf8' : 'base64',
    // Verified when received: a record without a verification was never checked and is not re-signed (issue 19 defect 7).
    verification: { ok: true, id: fields.messageId ?? 'msg_recorded', timestamp: 1700000000, family: 'svix', signature: 'v1,old', secretIndex: 0 },
    status: 200,
    ...fields,
  };
}
function journal(name: string, lines: Array<JournalRecord | string | object>): string {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return path;
}

/**
 * The Standard Webhooks signature computed here, independently: HMAC-SHA256 of `{id}.{timestamp}.{exact bytes}`.
 * (svix's sign() would decode a binary body as UTF-8 first, so it cannot check byte-exact replays.)
 */
function standardSignature(secret: string, id: string, timestamp: number, body: Buffer): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64')}`;
}

const completed = '{"id":"event_aaaaaaaaaaaaaaaa","type":"task.completed",  "timestamp":"2026-01-01T00:00:00.000Z","data":{}}';
const created = '{"id":"event_bbbbbbbbbbbbbbbb","type":"file.created","timestamp":"2026-01-01T00:00:00.000Z","data":{}}';
const failed = '{"id":"event_cccccccccccccccc","type":"task.failed","timestamp":"2026-01-01T00:00:00.000Z","data":{}}';

describe('scandocs-webhooks replay', () => {
  it('replay resends each recorded body byte for byte with its svix-id and a fresh, valid signature', async () => {
    const server = await endpoint(200);
    const binary = Buffer.from([0x7b, 0x7d, 0xff, 0xfe, 0x00]);
    const path = journal('all.jsonl', [
      record(completed, { messageId: 'msg_one', eventId: 'event_aaaaaaaaaaaaaaaa', eventType: 'task.completed' }),
      { type: 'listening', url: 'http://127.0.0.1:4000' }, // another record type: skipped
      '',
      record(binary, { messageId: 'msg_two' }),
    ]);
    const { code, stdout, stderr } = await runCli(['replay', path, '--url', `${server.url}/webhooks`, '--secret', MY_SECRET]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`→ replaying 2 of 2 recorded deliveries from ${path}`);
    expect(server.requests.map((r) => r.headers['svix-id'])).toEqual(['msg_one', 'msg_two']);
    expect(server.requests[0]!.body.toString('utf8')).toBe(completed);
    expect(server.requests[1]!.body.equals(binary)).toBe(true);
    for (const request of server.requests) {
      const timestamp = Number(request.headers['svix-timestamp']);
      expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(60);
      expect(request.headers['svix-signature']).toBe(standardSignature(MY_SECRET, request.headers['svix-id'] as string, timestamp, request.body));
    }
    // The real svix verify accepts the JSON one with the replay secret.
    expect(new Webhook(MY_SECRET).verify(server.requests[0]!.body.toString(), server.requests[0]!.headers as Record<string, string>)).toMatchObject({
      type: 'task.completed',
    });
    expect(stdout).toContain('✓ task.completed event_aaaaaaaaaaaaaaaa · attempt 1 · 200 OK');
  });

  it('replay filters by --id (svix-id or event id), --type with a wildcard, and --since', async () => {
    const path = journal('filters.jsonl', [
      record(completed, { messageId: 'msg_1', eventId: 'event_aaaaaaaaaaaaaaaa', eventType: 'task.completed', receivedAt: minutesAgo(60) }),
      record(created, { messageId: 'msg_2', eventId: 'event_bbbbbbbbbbbbbbbb', eventType: 'file.created', receivedAt: minutesAgo(5) }),
      record(failed, { messageId: 'msg_3', eventId: 'event_cccccccccccccccc', eventType: 'task.failed', receivedAt: minutesAgo(2) }),
    ]);
    const sent = async (...args: string[]) => {
      const server = await endpoint(200);
      const { code } = await runCli(['replay', path, '--url', server.url, ...args]);
      expect(code).toBe(0);
      return server.requests.map((r) => r.headers['svix-id']);
    };
    expect(await sent('--id', 'msg_2')).toEqual(['msg_2']);
    expect(await sent('--id', 'event_cccccccccccccccc', '--id', 'msg_1')).toEqual(['msg_1', 'msg_3']);
    expect(await sent('--type', 'task.*')).toEqual(['msg_1', 'msg_3']);
    expect(await sent('--since', '10m')).toEqual(['msg_2', 'msg_3']);
    expect(await sent('--since', '10m', '--type', 'task.*')).toEqual(['msg_3']);
  });

  it('replay retries with the same options as trigger, keeping the recorded svix-id on every attempt', async () => {
    const server = await endpoint(503, 200);
    const path = journal('retry.jsonl', [record(failed, { messageId: 'msg_retry', eventId: 'event_cccccccccccccccc', eventType: 'task.failed' })]);
    const { code, stdout } = await runCli(['replay', path, '--url', server.url, '--schedule', '0,20ms', '--json']);
    expect(code).toBe(0);
    expect(server.requests.map((r) => r.headers['svix-id'])).toEqual(['msg_retry', 'msg_retry']);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.type, l.status])).toEqual([
      ['attempt', 503],
      ['attempt', 200],
      ['result', 200],
      ['summary', undefined],
    ]);
    expect(lines[1]).toMatchObject({ messageId: 'msg_retry', eventId: 'event_cccccccccccccccc', attempt: 2 });
    for (const request of server.requests) new Webhook(TEST_SECRET).verify(request.body.toString(), request.headers as Record<string, string>);
  });

  it('replay exits 1 when a replayed delivery finally fails', async () => {
    const server = await endpoint(500);
    const path = journal('fails.jsonl', [record(created, { eventType: 'file.created' })]);
    const { code, stdout } = await runCli(['replay', path, '--url', server.url, '--no-retries']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/✗ gave up on file\.created/);
  });

  it('replay stops at a malformed line with its line number, before sending anything', async () => {
    const server = await endpoint(200);
    const path = journal('broken.jsonl', [record(completed), record(created), '{"type":"delivery","body":"x", oops}']);
    const { code, stdout, stderr } = await runCli(['replay', path, '--url', server.url]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(`^error: ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} line 3 is not JSON \\(.+\\): fix or delete that line, then replay again\\n$`));
    expect(server.requests).toHaveLength(0);

    const noBody = journal('nobody.jsonl', [JSON.stringify({ type: 'delivery', receivedAt: minutesAgo(1), bodyEncoding: 'utf8' })]);
    const second = await runCli(['replay', noBody, '--url', server.url]);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain('nobody.jsonl line 1: the delivery record has no "body" string');
  });

  it('replay says so when no recorded delivery matches the filters, or the file is missing', async () => {
    const server = await endpoint(200);
    const path = journal('nomatch.jsonl', [record(completed, { eventType: 'task.completed' })]);
    const none = await runCli(['replay', path, '--url', server.url, '--type', 'file.*']);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(`error: none of the 1 deliveries in ${path} match --type file.*: loosen the filters\n`);
    const missing = await runCli(['replay', join(dir, 'missing.jsonl'), '--url', server.url]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read journal file ".*missing\.jsonl": no such file/);
    expect(server.requests).toHaveLength(0);
  });
});
