import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BATTERY, findCommonFailure, gradeStall, runChecks, selectChecks, STALL_MS, type CheckReport, type CheckResult } from '../../src/check/index.js';
import type { AttemptRequest, AttemptResult } from '../../src/delivery/attempt.js';
import { DEFAULT_TEST_SECRET, verify } from '../../src/signature/index.js';
import { startServer, type TestServer } from '../helpers/server.js';

// Issue 21: the runner's new duties (canary after each accepted delivery, effects counts, skipped checks, probes
// behind a common failure, Ctrl-C) with scripted answers where the network adds nothing, real servers where it does.
const URL = 'http://127.0.0.1:9/webhooks';
const secrets = [DEFAULT_TEST_SECRET];
const ok: AttemptResult = { kind: 'response', ok: true, status: 200, headers: {}, body: '', latencyMs: 2 };
const only = (...names: string[]) => selectChecks(BATTERY, { only: names });

const servers: TestServer[] = [];
afterEach(async () => void (await Promise.all(servers.splice(0).map((s) => s.close()))));

function finished(reports: CheckReport[]): CheckResult[] {
  return reports.flatMap((r) => (r.type === 'check-finished' ? [r.result] : []));
}

describe('runChecks() canary (item 4)', () => {
  it('runChecks() fails the check whose accepted delivery left the app unable to answer, naming the event type', async () => {
    const sent: AttemptRequest[] = [];
    const deliver = async (attempt: AttemptRequest): Promise<AttemptResult> => {
      sent.push(attempt);
      // The GET after the task.completed takes 2.5 s: the app was busy after answering it.
      const previous = sent.at(-2);
      const stalled = attempt.method === 'GET' && previous && JSON.parse(String(previous.body)).type === 'task.completed';
      return { ...ok, latencyMs: stalled ? 2_500 : 2 };
    };
    const reports: CheckReport[] = [];
    await runChecks({ url: URL, secrets, checks: only('accepts-task.created', 'accepts-task.completed'), deliver, onReport: (r) => reports.push(r) });
    const [created, completed] = finished(reports);
    expect(created!.passed).toBe(true);
    expect(completed!.passed).toBe(false);
    expect(completed!.hint).toBe(
      'after accepting task.completed the app did not answer for 2.5 s: it does slow synchronous work after answering, which blocks every other request (the next deliveries time out); move it to a queue or a worker',
    );
    expect(sent.map((a) => a.method ?? 'POST')).toEqual(['POST', 'GET', 'POST', 'GET', 'POST', 'GET']);
  });

  it('gradeStall() passes under the threshold and says "more than" when the cheap request timed out', () => {
    expect(STALL_MS).toBeGreaterThanOrEqual(1_000);
    expect(gradeStall('file.created', undefined, false)).toEqual({ ok: true });
    expect(gradeStall('file.created', 8_000, true)).toMatchObject({ ok: false, hint: expect.stringMatching(/^after accepting file.created the app did not answer for more than 8.0 s/) });
  });
});

describe('runChecks() effects (item 3)', () => {
  it('runChecks() without effects reports the applied-once checks as skipped, sends them nothing, and counts them in no score', async () => {
    const sent: AttemptRequest[] = [];
    const reports: CheckReport[] = [];
    const summary = await runChecks({ url: URL, secrets, canary: false, checks: only('applies-*', 'no-redirect'), deliver: async (a) => (sent.push(a), ok), onReport: (r) => reports.push(r) });
    expect(finished(reports).map((r) => [r.name, r.passed, r.skipped?.need])).toEqual([
      ['applies-duplicate-once', false, 'effects'],
      ['applies-concurrent-once', false, 'effects'],
      ['applies-retry-once', false, 'effects'],
      ['applies-nothing-unverified', false, 'effects'],
      ['no-redirect', true, undefined],
    ]);
    expect(sent).toHaveLength(1);
    expect(summary).toMatchObject({ total: 1, passed: 1, failed: 0, skipped: 4 });
  });

  it('runChecks() asks the effects count for the event it sent and fails a check whose count is not the one expected', async () => {
    const asked: string[] = [];
    const reports: CheckReport[] = [];
    const effects = (id: string) => (asked.push(id), 2);
    await runChecks({ url: URL, secrets, canary: false, checks: only('applies-duplicate-once'), effects, deliver: async () => ok, onReport: (r) => reports.push(r) });
    const [result] = finished(reports);
    expect(asked[0]).toMatch(/^event_/);
    expect(result).toMatchObject({ passed: false, applied: 2, hint: expect.stringMatching(/^applied the same event twice .* \(applied 2 times, expected 1\)$/) });
  });

  it('runChecks() sends the two deliveries of applies-concurrent-once at the same moment', async () => {
    let inFlight = 0;
    let most = 0;
    const deliver = async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      return ok;
    };
    await runChecks({ url: URL, secrets, canary: false, checks: only('applies-concurrent-once'), effects: () => 1, deliver });
    expect(most).toBe(2);
  });

  it('runChecks() skips the rest of the group with the reason when the effects count cannot be read, never passes it', async () => {
    const reports: CheckReport[] = [];
    const effects = () => {
      throw new Error('the count route answered 404');
    };
    const summary = await runChecks({ url: URL, secrets, canary: false, checks: only('applies-*'), effects, deliver: async () => ok, onReport: (r) => reports.push(r) });
    expect(finished(reports).every((r) => !r.passed && r.skipped?.message === 'the count route answered 404')).toBe(true);
    expect(summary).toMatchObject({ total: 0, passed: 0, skipped: 4 });
  });

  it('runChecks() treats an effects answer that is not a count as unreadable', async () => {
    const reports: CheckReport[] = [];
    await runChecks({ url: URL, secrets, canary: false, checks: only('applies-retry-once'), effects: () => -1, deliver: async () => ok, onReport: (r) => reports.push(r) });
    expect(finished(reports)[0]!.skipped!.message).toMatch(/is not a count of times \(got -1\)/);
  });
});

describe('runChecks() on real servers (items 2, 8)', () => {
  it('runChecks() delivers accepts-split-utf8 in several writes, cut mid-character, whose bytes verify once joined', async () => {
    const chunks: Buffer[][] = [];
    const server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => (chunks.push(parts), res.end()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
      const summary = await runChecks({ url, secrets, canary: false, checks: only('accepts-split-utf8') });
      expect(summary.passed).toBe(1);
      const [parts] = chunks;
      expect(parts!.length).toBeGreaterThanOrEqual(3);
      expect(() => parts!.map((p) => new TextDecoder('utf-8', { fatal: true }).decode(p))).toThrow();
      expect(Buffer.concat(parts!).toString('utf8')).toContain('東京 📄');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('runChecks() probes a common 401 with webhook-* headers and names the header mistake when that is accepted', async () => {
    const server = await startServer((req, res) => {
      const headers = { 'svix-id': String(req.headers['webhook-id']), 'svix-timestamp': String(req.headers['webhook-timestamp']), 'svix-signature': String(req.headers['webhook-signature']) };
      res.statusCode = req.headers['webhook-id'] && verify({ payload: req.body, headers, secret: DEFAULT_TEST_SECRET }).ok ? 200 : 401;
      res.end();
    });
    servers.push(server);
    const reports: CheckReport[] = [];
    await runChecks({ url: `${server.url}/webhooks`, secrets, canary: false, checks: only('accepts-file.created', 'accepts-task.created', 'refuses-unsigned'), onReport: (r) => reports.push(r) });
    const common = reports.find((r) => r.type === 'common-failure');
    expect(common).toMatchObject({ failure: { answer: '401', checks: 2, hint: expect.stringMatching(/^all 2 must-accept checks got 401: your verifier reads only webhook-\* headers/) } });
    // The common-failure report comes after the last must-accept check, before the first must-refuse one.
    expect(reports.map((r) => (r.type === 'check-finished' ? r.result.name : r.type)).filter((t) => t !== 'check-started')).toEqual([
      'start', 'accepts-file.created', 'accepts-task.created', 'common-failure', 'refuses-unsigned', 'summary',
    ]);
  });

  it('findCommonFailure() words a shared redirect to a login page as the auth middleware, in the line itself', () => {
    const failed = (name: string): CheckResult => ({ name, group: 'must-accept', rule: '', passed: false, responses: [{ label: 'x', status: 302, location: '/login?next=/webhooks', latencyMs: 1 }] });
    expect(findCommonFailure([failed('a'), failed('b')])!.hint).toMatch(/^all 2 must-accept checks got 302 → \/login\?next=\/webhooks: exclude the webhook route from your auth middleware/);
  });
});

describe('runChecks() signal (issue 22)', () => {
  it('runChecks() stops when its signal fires, without waiting for the answer in flight, and reports the checks that ran', async () => {
    const controller = new AbortController();
    let calls = 0;
    const deliver = (): Promise<AttemptResult> => {
      if (++calls === 4) {
        setTimeout(() => controller.abort(), 10);
        return new Promise(() => {}); // never answers
      }
      return Promise.resolve(ok);
    };
    const reports: CheckReport[] = [];
    const summary = await runChecks({ url: URL, secrets, canary: false, checks: BATTERY, deliver, signal: controller.signal, onReport: (r) => reports.push(r) });
    expect(summary).toMatchObject({ interrupted: true, total: 2, passed: 2 });
    expect(reports.at(-1)!.type).toBe('summary');
  });
});
