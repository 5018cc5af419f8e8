// Issue 11's bounded fuzz test: one `listen --record` process takes every family of bad input the issue lists,
// mixed at random (seeded) with valid svix-signed deliveries. Bounded in count and time; 127.0.0.1 only.
import { connect } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'svix';
import { afterEach, describe, expect, it } from 'vitest';
import { buildEvent } from '../../src/events/index.js';
import type { JournalRecord } from '../../src/journal/record.js';
import { startCli, type RunningCli } from '../helpers/cli.js';

const TEST_SECRET = 'whsec_c2NhbmRvY3MtbG9jYWwtdGVzdC1rZXkh';
const ROUNDS = 240;
const CONCURRENCY = 8;
const TIME_BUDGET_MS = 40_000;

const clis: RunningCli[] = [];
afterEach(async () => {
  await Promise.all(clis.splice(0).map((cli) => cli.stop('SIGKILL')));
});

/** mulberry32: a seeded generator, so a failing run can be repeated. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let sequence = 0;
function signedHeaders(body: string, id = `msg_fuzz${++sequence}`): Array<[string, string]> {
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = new Webhook(TEST_SECRET).sign(id, new Date(timestamp * 1000), body);
  return [
    ['content-type', 'application/json'],
    ['svix-id', id],
    ['svix-timestamp', String(timestamp)],
    ['svix-signature', signature],
  ];
}

function request(body: string, headers: Array<[string, string]>, length = Buffer.byteLength(body)): string {
  const lines = ['POST /webhooks HTTP/1.1', 'host: 127.0.0.1', `content-length: ${length}`];
  for (const [name, value] of headers) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Sends raw bytes on a fresh connection; resolves with the statuses answered once `expected` arrived, the socket closed, or 10 s passed. */
function exchange(port: number, bytes: string, expected: number, abortAfterWrite = false): Promise<number[]> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve([...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1])));
    };
    const timer = setTimeout(finish, 10_000);
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const answered = [...received.matchAll(/HTTP\/1\.1 \d{3} /g)].length;
      // Wait for the last answer's body too (each ends with a newline).
      if (answered >= expected && received.endsWith('\n')) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.write(bytes, () => {
      if (abortAfterWrite) finish();
    });
  });
}

interface Family {
  name: string;
  /** Sends one case; returns the statuses answered and the svix-ids of valid deliveries it sent. */
  run(port: number, random: () => number): Promise<{ statuses: number[]; valid: string[] }>;
  expected: number[] | 'none';
}

function validEvent(random: () => number): string {
  const types = ['task.completed', 'task.failed', 'task.created', 'file.created'];
  return JSON.stringify(buildEvent(types[Math.floor(random() * types.length)]!, { id: `event_fuzz${++sequence}` }));
}

const forgedSignature = `v1,${Buffer.alloc(32, 9).toString('base64')}`;
const withForgedSignature = (headers: Array<[string, string]>): Array<[string, string]> =>
  headers.map(([n, v]) => [n, n === 'svix-signature' ? forgedSignature : v]);

const families: Family[] = [
  {
    name: 'valid delivery',
    expected: [200],
    async run(port, random) {
      const body = validEvent(random);
      const headers = signedHeaders(body);
      return { statuses: await exchange(port, request(body, headers), 1), valid: [headers[1]![1]] };
    },
  },
  {
    name: 'five valid deliveries pipelined on one socket',
    expected: [200, 200, 200, 200, 200],
    async run(port, random) {
      const valid: string[] = [];
      let bytes = '';
      for (let i = 0; i < 5; i++) {
        const body = validEvent(random);
        const headers = signedHeaders(body);
        valid.push(headers[1]![1]);
        bytes += request(body, headers);
      }
      return { statuses: await exchange(port, bytes, 5), valid };
    },
  },
  {
    name: 'valid delivery with a second, forged svix-signature line',
    expected: [200],
    async run(port, random) {
      const body = validEvent(random);
      const headers = signedHeaders(body);
      const order: Array<[string, string]> = random() < 0.5 ? [headers[3]!, ['svix-signature', forgedSignature]] : [['svix-signature', forgedSignature], headers[3]!];
      return { statuses: await exchange(port, request(body, [...headers.slice(0, 3), ...order]), 1), valid: [headers[1]![1]] };
    },
  },
  {
    name: 'forged signature over deeply nested JSON',
    expected: [401],
    async run(port, random) {
      const depth = 500 + Math.floor(random() * 5000);
      const body = `${'['.repeat(depth)}1${']'.repeat(depth)}`;
      return { statuses: await exchange(port, request(body, withForgedSignature(signedHeaders(body))), 1), valid: [] };
    },
  },
  {
    name: 'unsigned body with terminal escapes in type and id',
    expected: [401],
    async run(port) {
      const body = JSON.stringify({ type: '\u001b]0;pwned\u0007\r\n12:00:00 ✓ verified → 200', id: 'event_\u202e\u009b2J' });
      return { statuses: await exchange(port, request(body, [['content-type', 'application/json']]), 1), valid: [] };
    },
  },
  {
    name: 'forged signature reusing a real-looking svix-id',
    expected: [401],
    async run(port, random) {
      const body = validEvent(random);
      return { statuses: await exchange(port, request(body, withForgedSignature(signedHeaders(body, `msg_fuzz${Math.max(1, sequence - 3)}`))), 1), valid: [] };
    },
  },
  {
    name: 'signed JSON that is not an object',
    expected: [400],
    async run(port, random) {
      const body = ['[1,2,3]', '"text"', '42', 'null', 'false'][Math.floor(random() * 5)]!;
      return { statuses: await exchange(port, request(body, signedHeaders(body)), 1), valid: [] };
    },
  },
  {
    name: 'signed body that is not JSON',
    expected: [400],
    async run(port) {
      const body = '{"type": "task.completed", ';
      return { statuses: await exchange(port, request(body, signedHeaders(body)), 1), valid: [] };
    },
  },
  {
    name: 'body over --max-body',
    expected: [413],
    async run(port) {
      const body = JSON.stringify({ type: 'task.completed', padding: 'x'.repeat(70 * 1024) });
      return { statuses: await exchange(port, request(body, signedHeaders(body)), 1), valid: [] };
    },
  },
  {
    name: 'malformed HTTP',
    expected: [400],
    async run(port) {
      return { statuses: await exchange(port, 'POST /webhooks HTTP/1.1\r\nhost: x\r\ncontent-length: abc\r\n\r\n', 1), valid: [] };
    },
  },
  {
    name: 'client that hangs up mid-body',
    expected: 'none',
    async run(port) {
      const body = validEvent(() => 0.5);
      const full = request(body, signedHeaders(body));
      return { statuses: await exchange(port, full.slice(0, full.length - 40), 1, true), valid: [] };
    },
  },
  {
    name: 'no webhook headers',
    expected: [401],
    async run(port, random) {
      return { statuses: await exchange(port, request(validEvent(random), []), 1), valid: [] };
    },
  },
];

describe('listen --record fuzzed with every family of bad input from issue 11, mixed with valid deliveries', () => {
  it(`answers each family as it should, never crashes, and records every valid delivery (${ROUNDS} cases, ${CONCURRENCY} at a time)`, async () => {
    const journal = join(mkdtempSync(join(tmpdir(), 'scandocs-fuzz-')), 'events.jsonl');
    const cli = startCli(['listen', '--port', '0', '--record', journal, '--max-body', '64kb'], { timeoutMs: 90_000 });
    clis.push(cli);
    const [, port] = await cli.waitFor(/Ready: waiting for deliveries on http:\/\/127\.0\.0\.1:(\d+)/);
    const random = seeded(11);
    const deadline = Date.now() + TIME_BUDGET_MS;
    const wrong: string[] = [];
    const validIds: string[] = [];
    const counts = new Map<string, number>();
    let next = 0;
    const worker = async () => {
      while (next < ROUNDS && Date.now() < deadline) {
        next++;
        const family = families[Math.floor(random() * families.length)]!;
        counts.set(family.name, (counts.get(family.name) ?? 0) + 1);
        const { statuses, valid } = await family.run(Number(port), random);
        validIds.push(...valid);
        if (family.expected !== 'none' && statuses.join(',') !== family.expected.join(',')) {
          wrong.push(`${family.name}: answered [${statuses.join(',')}], expected [${family.expected.join(',')}]`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    console.log(`fuzz: ${next} cases in ${[...counts].map(([name, n]) => `${name} ×${n}`).join('; ')}`);
    expect(wrong).toEqual([]);
    expect(counts.size).toBe(families.length);
    expect(cli.child.exitCode).toBeNull(); // still serving

    expect(await cli.stop('SIGINT')).toBe(0);
    expect(cli.stdout()).toMatch(/Stopped\. \d+ deliveries received/);
    expect(cli.stdout()).not.toMatch(/[\u0007\u001b\u009b\u202e]/);
    expect(cli.stdout()).not.toContain('internal error');
    expect(cli.stderr()).toBe('');

    const text = readFileSync(journal, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const records = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as JournalRecord);
    // A forged request may reuse a valid id, and is journaled too (as 401): look for the 200 among them.
    const delivered = new Set(records.filter((r) => r.status === 200).map((r) => r.messageId));
    const missing = validIds.filter((id) => !delivered.has(id));
    expect(missing).toEqual([]);
  }, 120_000);
});
