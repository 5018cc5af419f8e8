import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { Webhook } from 'svix';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startServer, type ReceivedRequest, type TestServer, closedPort } from '../helpers/server.js';

const TEST_SECRET = 'whsec_c2NhbmRvY3MtbG9jYWwtdGVzdC1rZXkh';
const OTHER_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const PRODUCTION_DELAYS_MS = [0, 5e3, 300e3, 1800e3, 7200e3, 18000e3, 36000e3, 36000e3];
const dir = mkdtempSync(join(tmpdir(), 'scandocs-trigger-'));

/** What the scripted endpoint does for one request: a status (with headers), or hang past the timeout. */
type Step = number | { status: number; headers?: Record<string, string>; body?: string } | 'hang';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A real endpoint on 127.0.0.1 answering the scripted steps in turn; the last step repeats. */
async function endpoint(...steps: Step[]): Promise<TestServer> {
  const script = steps.length > 0 ? steps : [200];
  const server = await startServer((_req, res: ServerResponse, index) => {
    const step = script[Math.min(index, script.length - 1)]!;
    if (step === 'hang') return; // closed by the client's timeout, or by server.close()
    const { status, headers = {}, body = `answer ${index + 1}` } = typeof step === 'number' ? { status: step } : step;
    res.writeHead(status, headers);
    res.end(body);
  });
  servers.push(server);
  return server;
}

/** One --json line; the numeric fields are present on attempt records. */
interface JsonRecord {
  type: string;
  waitedMs: number;
  productionOffsetMs: number;
  latencyMs: number;
  [key: string]: unknown;
}
const records = (stdout: string): JsonRecord[] =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as JsonRecord);
const attempts = (stdout: string) => records(stdout).filter((r) => r.type === 'attempt');

/** Verifies a received request with the real svix library, as a Scan Documents endpoint would. */
function verified(request: ReceivedRequest, secret = TEST_SECRET): Record<string, unknown> {
  return new Webhook(secret).verify(request.body.toString('utf8'), request.headers as Record<string, string>) as Record<string, unknown>;
}

describe('scandocs-webhooks trigger: sending', () => {
  it('trigger task.completed sends one event signed with the test secret, as Svix sends it, and exits 0', async () => {
    const server = await endpoint(200);
    const { code, stdout, stderr } = await runCli(['trigger', 'task.completed', '--url', `${server.url}/webhooks`]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('/webhooks');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['user-agent']).toMatch(/^scandocs-webhooks\/\d+\.\d+\.\d+/);
    expect(request!.headers['svix-id']).toMatch(/^msg_[A-Za-z0-9]{20,}$/);
    const event = verified(request!);
    expect(event).toMatchObject({ type: 'task.completed', id: expect.stringMatching(/^event_[a-z0-9]{16}$/) });
    expect(Math.abs(Date.parse(event.timestamp as string) - Date.now())).toBeLessThan(60_000);
    expect(stdout).toMatch(new RegExp(`✓ task\\.completed ${event.id} · attempt 1 · 200 OK · \\d+`));
    expect(stdout).toContain('signed with whsec_c2Nh•••••• (the built-in test secret)');
    expect(stdout).not.toContain(TEST_SECRET);
    expect(stdout).toMatch(/delivered 1 of 1 event/);
  });

  it('trigger --all sends one event of each of the six types', async () => {
    const server = await endpoint(204);
    const { code } = await runCli(['trigger', '--all', '--url', server.url, '--no-retries']);
    expect(code).toBe(0);
    const types = server.requests.map((r) => (verified(r) as { type: string }).type);
    expect(types).toEqual(['file.created', 'file.deleted', 'task.created', 'task.completed', 'task.failed', 'task.deleted']);
  });

  it('trigger sends several types, a --variant, and --set overrides with JSON values', async () => {
    const server = await endpoint(200);
    const { code } = await runCli([
      'trigger', 'file.created', '--variant', 'pdf', '--set', 'data.name=report.pdf', '--set', 'data.properties.page_count=3', '--url', server.url,
    ]);
    expect(code).toBe(0);
    const event = verified(server.requests[0]!) as { data: { name: string; type: string; properties: { page_count: number } } };
    expect(event.data).toMatchObject({ name: 'report.pdf', type: 'application/pdf', properties: { page_count: 3 } });
  });

  it('trigger --data - sends standard input byte for byte, signed over those exact bytes', async () => {
    const server = await endpoint(200);
    const body = '{"type":"file.deleted",   "id":"event_mine",\n  "data":{"name":"é"}}\n';
    const { code, stdout } = await runCli(['trigger', '--data', '-', '--url', server.url, '--count', '2'], { input: body });
    expect(code).toBe(0);
    expect(server.requests).toHaveLength(2);
    for (const request of server.requests) {
      expect(request.body.toString('utf8')).toBe(body);
      expect(verified(request)).toMatchObject({ id: 'event_mine' });
    }
    // --count sends the same body under fresh svix-ids: two messages, not a retry.
    expect(server.requests[0]!.headers['svix-id']).not.toBe(server.requests[1]!.headers['svix-id']);
    expect(stdout).toContain('✓ file.deleted event_mine · attempt 1');
  });

  it('trigger --data @file --raw sends a body that is not JSON', async () => {
    const server = await endpoint(200);
    const file = join(dir, 'raw.bin');
    const bytes = Buffer.from([0x6e, 0x6f, 0x74, 0x20, 0x6a, 0x73, 0x6f, 0x6e, 0xff, 0x00]);
    writeFileSync(file, bytes);
    const { code } = await runCli(['trigger', '--data', `@${file}`, '--raw', '--url', server.url]);
    expect(code).toBe(0);
    expect(server.requests[0]!.body.equals(bytes)).toBe(true);
    // svix's verify() parses JSON and its sign() decodes bytes as UTF-8: compute the HMAC over the exact bytes here.
    const { 'svix-id': id, 'svix-timestamp': timestamp, 'svix-signature': signature } = server.requests[0]!.headers as Record<string, string>;
    const key = Buffer.from(TEST_SECRET.slice('whsec_'.length), 'base64');
    expect(signature).toBe(`v1,${createHmac('sha256', key).update(`${id}.${timestamp}.`).update(bytes).digest('base64')}`);
  });

  it('trigger signs with --secret, else SCANDOCS_WEBHOOK_SECRET', async () => {
    const server = await endpoint(200);
    expect((await runCli(['trigger', 'task.created', '--url', server.url, '--secret', OTHER_SECRET])).code).toBe(0);
    const fromEnv = await runCli(['trigger', 'task.created', '--url', server.url], { env: { SCANDOCS_WEBHOOK_SECRET: OTHER_SECRET } });
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.stdout).toContain('(from $SCANDOCS_WEBHOOK_SECRET)');
    for (const request of server.requests) {
      expect(verified(request, OTHER_SECRET)).toMatchObject({ type: 'task.created' });
      expect(() => verified(request, TEST_SECRET)).toThrow();
    }
  });

  it('trigger --header adds headers and overrides computed ones, the signature included', async () => {
    const server = await endpoint(200);
    const { code } = await runCli(['trigger', 'task.created', '--url', server.url, '-H', 'X-Tenant: acme', '-H', 'svix-signature: v1,forged', '-H', 'user-agent: Svix-Webhooks/1.0']);
    expect(code).toBe(0);
    const headers = server.requests[0]!.headers;
    expect(headers).toMatchObject({ 'x-tenant': 'acme', 'svix-signature': 'v1,forged', 'user-agent': 'Svix-Webhooks/1.0' });
    expect(() => verified(server.requests[0]!)).toThrow();
  });

  it('trigger prints the status, latency and first lines of the response body; -v prints the whole exchange', async () => {
    const server = await endpoint({ status: 422, headers: { 'x-reason': 'schema' }, body: 'line one\nline two\nline three\nline four\nline five' });
    const plain = await runCli(['trigger', 'task.failed', '--url', server.url, '--no-retries']);
    expect(plain.code).toBe(1);
    expect(plain.stdout).toMatch(/✗ task\.failed event_\w+ · attempt 1 · 422 Unprocessable Entity · \d+(\.\d+)?ms/);
    expect(plain.stdout).toContain('    line one\n    line two\n    line three\n    … 2 more lines (-v shows all)');
    expect(plain.stdout).not.toContain('line five');

    const verbose = await runCli(['trigger', 'task.failed', '--url', `${server.url}/in`, '--no-retries', '-v']);
    expect(verbose.stdout).toContain(`  > POST ${server.url}/in`);
    expect(verbose.stdout).toMatch(/  > svix-signature: v1,\S+/);
    expect(verbose.stdout).toMatch(/  > \{"id":"event_\w+","type":"task\.failed"/);
    expect(verbose.stdout).toContain('  < x-reason: schema');
    expect(verbose.stdout).toContain('  < line five');
  });
});

describe('scandocs-webhooks trigger: retries as production makes them', () => {
  it('trigger retries a failing endpoint with the same svix-id until it answers 2xx, and reports each attempt as JSON', async () => {
    const server = await endpoint(500, 503, 200);
    const { code, stdout, stderr } = await runCli(['trigger', 'task.completed', '--url', server.url, '--schedule', '0,50ms,100ms', '--json']);
    expect(code).toBe(0);
    expect(server.requests).toHaveLength(3);
    expect(new Set(server.requests.map((r) => r.headers['svix-id'])).size).toBe(1);
    for (const request of server.requests) verified(request);

    const lines = records(stdout);
    const eventId = (verified(server.requests[0]!) as { id: string }).id;
    expect(lines.map((l) => [l.type, l.attempt, l.status, l.outcome])).toEqual([
      ['attempt', 1, 500, 'failure'],
      ['attempt', 2, 503, 'failure'],
      ['attempt', 3, 200, 'success'],
      ['result', undefined, 200, 'delivered'],
      ['summary', undefined, undefined, undefined],
    ]);
    for (const line of lines.slice(0, 4)) {
      expect(line).toMatchObject({ eventId, eventType: 'task.completed', messageId: server.requests[0]!.headers['svix-id'] });
    }
    // Waits within ±20% of the schedule, and production offsets within ±20% of 5 s and 5 min.
    const [first, second, third] = lines;
    expect(first).toMatchObject({ waitedMs: 0, productionOffsetMs: 0, productionOffset: '+0s' });
    expect(second!.waitedMs).toBeGreaterThanOrEqual(40);
    expect(second!.waitedMs).toBeLessThanOrEqual(60);
    expect(third!.waitedMs).toBeGreaterThanOrEqual(80);
    expect(third!.waitedMs).toBeLessThanOrEqual(120);
    expect(second!.productionOffsetMs).toBeGreaterThanOrEqual(4000);
    expect(second!.productionOffsetMs).toBeLessThanOrEqual(6000);
    expect(third!.productionOffsetMs - second!.productionOffsetMs).toBeGreaterThanOrEqual(240_000);
    expect(third!.productionOffsetMs - second!.productionOffsetMs).toBeLessThanOrEqual(360_000);
    // The endpoint really saw the waits (timers never fire early; allow 2 ms of clock rounding).
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(second!.waitedMs - 2);
    expect(server.requests[2]!.at - server.requests[1]!.at).toBeGreaterThanOrEqual(third!.waitedMs - 2);
    // Human text went to stderr, with the production offset each attempt stands for.
    expect(stderr).toMatch(/attempt 3 · would be \+[4-6]m\d\ds in production · waited \d+ms · 200 OK/);
    expect(stderr).toMatch(/✓ delivered task\.completed event_\w+ after 3 attempts \(would be \+[4-6]m\d\ds in production\)/);
  });

  it('trigger signs every attempt afresh: a later attempt carries a new timestamp and its own valid signature', async () => {
    const server = await endpoint(500, 200);
    const { code } = await runCli(['trigger', 'file.deleted', '--url', server.url, '--schedule', '0,1100ms']);
    expect(code).toBe(0);
    const [a, b] = server.requests;
    expect(Number(b!.headers['svix-timestamp'])).toBeGreaterThan(Number(a!.headers['svix-timestamp']));
    expect(b!.headers['svix-signature']).not.toBe(a!.headers['svix-signature']);
    expect(b!.headers['svix-id']).toBe(a!.headers['svix-id']);
    expect(b!.body.equals(a!.body)).toBe(true);
    verified(a!);
    verified(b!);
  });

  it('trigger plays the whole production schedule compressed: 8 attempts, each delay within ±20% of production', async () => {
    const server = await endpoint(500);
    const { code, stdout } = await runCli(['trigger', 'task.failed', '--url', server.url, '--time-scale', '100000', '--json']);
    expect(code).toBe(1);
    expect(server.requests).toHaveLength(8);
    const offsets = attempts(stdout).map((a) => a.productionOffsetMs);
    expect(offsets).toHaveLength(8);
    for (let i = 1; i < 8; i++) {
      const delay = offsets[i]! - offsets[i - 1]!;
      expect(delay).toBeGreaterThanOrEqual(PRODUCTION_DELAYS_MS[i]! * 0.8);
      expect(delay).toBeLessThanOrEqual(PRODUCTION_DELAYS_MS[i]! * 1.2);
      // The local wait is the production delay ÷ 100,000.
      expect(attempts(stdout)[i]!.waitedMs).toBeCloseTo(delay / 100_000, 2);
    }
    expect(records(stdout).find((r) => r.type === 'result')).toMatchObject({ outcome: 'gave-up', reason: 'exhausted', attempts: 8 });
  });

  it('trigger waits at least 60 s (in production terms) after a 429 and after a timeout', async () => {
    const throttled = await endpoint(429, 200);
    const a = await runCli(['trigger', 'task.created', '--url', throttled.url, '--schedule', '0,5ms', '--json']);
    expect(a.code).toBe(0);
    expect(attempts(a.stdout)[1]).toMatchObject({ attempt: 2, productionOffsetMs: 60_000, waitedMs: 60, status: 200 });
    expect(a.stderr).toContain('at least 60s after a 429');

    const slow = await endpoint('hang', 200);
    const b = await runCli(['trigger', 'task.created', '--url', slow.url, '--schedule', '0,5ms', '--timeout', '300ms', '--json']);
    expect(b.code).toBe(0);
    expect(attempts(b.stdout)[0]).toMatchObject({ attempt: 1, status: null, cause: 'timeout', outcome: 'failure' });
    expect(attempts(b.stdout)[0]!.latencyMs).toBeGreaterThanOrEqual(290);
    expect(attempts(b.stdout)[1]).toMatchObject({ attempt: 2, productionOffsetMs: 60_000, waitedMs: 60, status: 200 });
    expect(b.stderr).toContain('timeout: no complete response within 300ms');
  });

  it('trigger honours Retry-After within [delay, 2×delay]', async () => {
    const asked = await endpoint({ status: 503, headers: { 'retry-after': '5' } }, { status: 503, headers: { 'retry-after': '86400' } }, 200);
    const { code, stdout, stderr } = await runCli(['trigger', 'task.created', '--url', asked.url, '--schedule', '0,50ms,10ms', '--json']);
    expect(code).toBe(0);
    const [, second, third] = attempts(stdout);
    // 5 s asked, schedule 5 s ± 20%: honoured unless the jittered delay is longer; never past 2× the delay.
    expect(second!.productionOffsetMs).toBeGreaterThanOrEqual(5000);
    expect(second!.productionOffsetMs).toBeLessThanOrEqual(6000);
    // A day asked after a 5 min ± 20% delay: clamped to 2×delay, so 8 to 12 minutes.
    const third_delay = third!.productionOffsetMs - second!.productionOffsetMs;
    expect(third_delay).toBeGreaterThanOrEqual(480_000);
    expect(third_delay).toBeLessThanOrEqual(720_000);
    expect(third!.waitedMs).toBeCloseTo((third_delay * 10) / 300_000, 2);
    expect(stderr).toContain('Retry-After 24h00m honoured within [delay, 2×delay]');
  });

  it('trigger stops retrying at a webhook-delivery: abort-message header and exits 1', async () => {
    const server = await endpoint({ status: 500, headers: { 'webhook-delivery': 'abort-message' } }, 200);
    const { code, stdout } = await runCli(['trigger', 'task.created', '--url', server.url, '--schedule', 'fast']);
    expect(code).toBe(1);
    expect(server.requests).toHaveLength(1);
    expect(stdout).toMatch(/✗ gave up on task\.created event_\w+ after 1 attempt: the endpoint answered webhook-delivery: abort-message/);
    expect(stdout).toMatch(/1 of 1 event gave up, 0 delivered/);
  });

  it('trigger counts a 3xx as a failure and never follows the redirect', async () => {
    const server = await endpoint({ status: 301, headers: { location: '/elsewhere' } });
    const { code, stdout } = await runCli(['trigger', 'task.created', '--url', `${server.url}/old`, '--schedule', '0,1ms']);
    expect(code).toBe(1);
    expect(server.requests.map((r) => r.url)).toEqual(['/old', '/old']);
    expect(stdout).toContain('301 Moved Permanently');
  });

  it('trigger reports a refused connection as a failed attempt with its cause, never a stack trace', async () => {
    const port = await closedPort();
    const { code, stdout, stderr } = await runCli(['trigger', 'task.created', '--url', `http://127.0.0.1:${port}/`, '--schedule', '0,1ms']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/✗ task\.created event_\w+ · attempt 1 · refused: connect ECONNREFUSED 127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/gave up on task\.created event_\w+ after 2 attempts/);
    expect(stderr).toBe('');
    expect(stdout).not.toMatch(/\n\s+at /);
  });
});

describe('scandocs-webhooks trigger: delivery-guarantee rehearsal', () => {
  it('trigger --count --concurrency --duplicate sends every event twice under the same svix-id', async () => {
    const server = await endpoint(200);
    const { code, stdout } = await runCli(['trigger', 'task.completed', '--count', '3', '--concurrency', '2', '--duplicate', '--url', server.url, '--json']);
    expect(code).toBe(0);
    expect(server.requests).toHaveLength(6);
    const byId = new Map<string, string[]>();
    for (const request of server.requests) {
      const event = verified(request) as { id: string };
      byId.set(request.headers['svix-id'] as string, [...(byId.get(request.headers['svix-id'] as string) ?? []), event.id]);
    }
    expect(byId.size).toBe(3);
    for (const eventIds of byId.values()) expect(eventIds).toEqual([eventIds[0], eventIds[0]]);
    expect(records(stdout).filter((r) => r.type === 'result' && r.copy === 2)).toHaveLength(3);
    expect(records(stdout).at(-1)).toMatchObject({ type: 'summary', total: 6, delivered: 6, failed: 0 });
  });

  it('trigger --all --shuffle sends the six types out of their catalog order', async () => {
    const server = await endpoint(200);
    const { code } = await runCli(['trigger', '--all', '--shuffle', '--url', server.url]);
    expect(code).toBe(0);
    const types = server.requests.map((r) => (verified(r) as { type: string }).type);
    expect([...types].sort()).toEqual(['file.created', 'file.deleted', 'task.completed', 'task.created', 'task.deleted', 'task.failed']);
    expect(types).not.toEqual(['file.created', 'file.deleted', 'task.created', 'task.completed', 'task.failed', 'task.deleted']);
  });

  it('trigger exits 1 when any one event of a batch finally fails', async () => {
    const server = await startServer((req, res) => {
      res.statusCode = req.body.toString().includes('"task.failed"') ? 500 : 200;
      res.end();
    });
    servers.push(server);
    const { code, stdout } = await runCli(['trigger', 'task.created', 'task.failed', '--url', server.url, '--schedule', '0,1ms', '--json']);
    expect(code).toBe(1);
    expect(records(stdout).filter((r) => r.type === 'result').map((r) => [r.eventType, r.outcome])).toEqual([
      ['task.created', 'delivered'],
      ['task.failed', 'gave-up'],
    ]);
  });
});

describe('scandocs-webhooks trigger: bad input', () => {
  const bad = async (args: string[], message: RegExp, input?: string) => {
    const server = await endpoint(200);
    const { code, stdout, stderr } = await runCli(['trigger', ...args.map((a) => a.replace('URL', server.url))], { input });
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(server.requests).toHaveLength(0);
  };

  it('trigger with an unknown type names the valid ones and suggests the closest', () =>
    bad(['task.complete', '--url', 'URL'], /^error: unknown event type "task\.complete": did you mean "task\.completed"\? Valid types: file\.created, .*task\.deleted$/m));

  it('trigger with an unknown variant lists the variants', () =>
    bad(['file.created', '--variant', 'gif', '--url', 'URL'], /unknown variant "gif" of file\.created: .*[Vv]alid variants: image \(default\), pdf/));

  it('trigger with a malformed --set says the form to use', () => bad(['file.created', '--set', 'data.name', '--url', 'URL'], /--set "data\.name" has no "="/));

  it('trigger with an invalid URL says what a URL looks like', () => bad(['file.created', '--url', 'localhost:3000'], /--url "localhost:3000" is not an http\(s\) URL/));

  it('trigger with an unreadable @file names it', () => bad(['--data', '@/nonexistent/event.json', '--url', 'URL'], /cannot read --data file "\/nonexistent\/event\.json": no such file/));

  it('trigger with invalid JSON in an edited event says where', () => {
    const file = join(dir, 'edited.json');
    writeFileSync(file, '{\n  "type": "task.completed",\n  "data": { "id": "task_1", }\n}\n');
    return bad(['--data', `@${file}`, '--url', 'URL'], /edited\.json is not valid JSON at line 3, column \d+ .*add --raw to send it anyway/);
  });

  it('trigger with a malformed --schedule or --time-scale explains the form', async () => {
    await bad(['file.created', '--schedule', '5s,10s', '--url', 'URL'], /the first attempt is immediate, so the list starts with 0/);
    await bad(['file.created', '--schedule', 'fast', '--time-scale', '10', '--url', 'URL'], /--time-scale compresses the production schedule/);
  });

  it('trigger with a whpk_ public key says it can only verify', () =>
    bad(['file.created', '--secret', `whpk_${Buffer.alloc(32, 7).toString('base64')}`, '--url', 'URL'], /a whpk_ public key can only verify/));

  it('trigger without any type, --all or --data says what to pass', () => bad(['--url', 'URL'], /name at least one event type .* or --all, or --scenario convert, or --data @event\.json/));
});
