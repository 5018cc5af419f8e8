import { describe, expect, it } from 'vitest';
import { BATTERY, runChecks, selectChecks, type CheckReport } from '../../src/check/index.js';
import type { AttemptRequest, AttemptResult } from '../../src/delivery/attempt.js';
import { DEFAULT_TEST_SECRET } from '../../src/signature/index.js';
import { startServer } from '../helpers/server.js';

const URL = 'http://127.0.0.1:9/webhooks';
const ok: AttemptResult = { kind: 'response', ok: true, status: 200, headers: {}, body: '', latencyMs: 2 };
const refused: AttemptResult = { kind: 'error', ok: false, cause: 'refused', message: 'connect ECONNREFUSED', latencyMs: 1 };

/** A scripted delivery seam: answers each request with the next result of `answers` (the last one repeats). */
function scripted(answers: AttemptResult[]) {
  const sent: AttemptRequest[] = [];
  const deliver = async (attempt: AttemptRequest) => {
    sent.push(attempt);
    return answers[Math.min(sent.length - 1, answers.length - 1)]!;
  };
  return { sent, deliver };
}

describe('runChecks()', () => {
  it('runChecks() reports start, then started/finished per check in order, then the summary it resolves with', async () => {
    const checks = selectChecks(BATTERY, { only: ['accepts-file.created', 'refuses-unsigned'] });
    const reports: CheckReport[] = [];
    const { deliver } = scripted([ok]);
    const summary = await runChecks({ url: URL, secrets: [DEFAULT_TEST_SECRET], canary: false, checks, deliver, onReport: (r) => reports.push(r) });

    expect(reports.map((r) => (r.type === 'check-finished' ? `${r.type}:${r.result.name}:${r.result.passed}` : r.type))).toEqual([
      'start',
      'check-started',
      'check-finished:accepts-file.created:true',
      'check-started',
      'check-finished:refuses-unsigned:false',
      'summary',
    ]);
    expect(summary).toEqual({ url: URL, total: 2, passed: 1, failed: 1, warnings: 0, skipped: 0 });
    expect(reports.at(-1)).toEqual({ type: 'summary', summary });
  });

  it('runChecks() sends each request to the url with the timeout, signed at the injected clock', async () => {
    const { sent, deliver } = scripted([ok]);
    await runChecks({ url: URL, secrets: [DEFAULT_TEST_SECRET], canary: false, timeoutMs: 1_234, checks: selectChecks(BATTERY, { only: ['refuses-stale-timestamp'] }), deliver, now: () => 1_800_000_000_500 });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ url: URL, timeoutMs: 1_234 });
    expect(sent[0]!.headers['svix-timestamp']).toBe(String(1_800_000_000 - 360));
  });

  it('runChecks() stops a check at its first wrong answer: a refused first delivery is not retried as a duplicate', async () => {
    const serverError: AttemptResult = { ...ok, ok: false, status: 500 };
    const { sent, deliver } = scripted([serverError]);
    const summary = await runChecks({ url: URL, secrets: [DEFAULT_TEST_SECRET], canary: false, checks: selectChecks(BATTERY, { only: ['accepts-duplicate'] }), deliver });
    expect(sent).toHaveLength(1);
    expect(summary.failed).toBe(1);
  });

  it('runChecks() stops with one unreachable report when the very first request cannot connect', async () => {
    const reports: CheckReport[] = [];
    const { sent, deliver } = scripted([refused]);
    const summary = await runChecks({ url: URL, secrets: [DEFAULT_TEST_SECRET], canary: false, checks: BATTERY, deliver, onReport: (r) => reports.push(r) });
    expect(sent).toHaveLength(1);
    expect(reports.map((r) => r.type)).toEqual(['start', 'check-started', 'unreachable', 'summary']);
    const runnable = BATTERY.filter((c) => !c.needs).length;
    expect(summary).toEqual({ url: URL, total: runnable, passed: 0, failed: runnable, warnings: 0, skipped: BATTERY.length - runnable, unreachable: { cause: 'refused', message: 'connect ECONNREFUSED' } });
  });

  it('runChecks() grades a connection refused after the first check as that check’s failure (the endpoint died)', async () => {
    const { deliver } = scripted([ok, refused]);
    const results: string[] = [];
    const summary = await runChecks({
      url: URL,
      secrets: [DEFAULT_TEST_SECRET], canary: false,
      checks: selectChecks(BATTERY, { only: ['accepts-file.created', 'refuses-unsigned', 'no-redirect'] }),
      deliver,
      onReport: (r) => r.type === 'check-finished' && results.push(`${r.result.name}:${r.result.hint ?? 'pass'}`),
    });
    expect(summary.unreachable).toBeUndefined();
    expect(results[0]).toBe('accepts-file.created:pass');
    expect(results[1]).toMatch(/^refuses-unsigned:connection refused: the endpoint stopped listening/);
    expect(summary).toMatchObject({ passed: 1, failed: 2 });
  });

  it('runChecks() without a seam posts through undici to a real server and closes its connection pool', async () => {
    const server = await startServer((_req, res) => void res.writeHead(401).end());
    try {
      const summary = await runChecks({ url: `${server.url}/webhooks`, secrets: [DEFAULT_TEST_SECRET], canary: false, checks: selectChecks(BATTERY, { only: ['refuses-*'] }) });
      expect(summary).toMatchObject({ passed: 6, failed: 0 });
      expect(server.requests.map((r) => r.method)).toEqual(Array(6).fill('POST'));
    } finally {
      await server.close();
    }
  });
});
