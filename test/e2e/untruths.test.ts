import { afterEach, describe, expect, it } from 'vitest';
import { formatRate } from '../../src/cli/delivery/render.js';
import { runCli } from '../helpers/cli.js';
import { startServer, type TestServer } from '../helpers/server.js';

// Issue 22 ("small untruths"): the summary counts as the first line does, slow rates are not "0/s", and the
// Retry-After note says what the header did to the wait.
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function answers(...steps: Array<{ status: number; headers?: Record<string, string> }>): Promise<TestServer> {
  const server = await startServer((_req, res, index) => {
    const step = steps[Math.min(index, steps.length - 1)]!;
    res.writeHead(step.status, step.headers ?? {});
    res.end('answer');
  });
  servers.push(server);
  return server;
}

describe('trigger --count --duplicate', () => {
  it('the summary counts deliveries and events as the first line does', async () => {
    const server = await answers({ status: 200 });
    const { code, stdout } = await runCli(['trigger', 'task.created', '--count', '3', '--duplicate', '--url', server.url]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toContain('sending 3 events, each twice with the same svix-id (6 deliveries)');
    expect(lines.at(-1)).toMatch(/^delivered 6 of 6 deliveries \(3 events, each twice\) · 6 attempts · /);
  });
});

describe('rates', () => {
  it('formatRate() shows rates under 1/s as such, never 0/s', () => {
    expect(formatRate(0.4)).toBe('0.4/s');
    expect(formatRate(0.66)).toBe('0.7/s');
    expect(formatRate(0.02)).toBe('1 every 50s');
    expect(formatRate(2.345)).toBe('2.3/s');
    expect(formatRate(1234.4)).toBe('1234/s');
  });
});

describe('the Retry-After note', () => {
  it('says the header changed nothing when it asked for less than the schedule waits', async () => {
    const server = await answers({ status: 503, headers: { 'retry-after': '1' } }, { status: 200 });
    const { code, stdout } = await runCli(['trigger', 'task.created', '--url', server.url, '--schedule', '0,10ms']);
    expect(code).toBe(0);
    expect(stdout).toContain("Retry-After 1s asked for less than the schedule's delay: no change");
    expect(stdout).not.toContain('honoured');
  });

  it('says it raised the delay when it did', async () => {
    const server = await answers({ status: 503, headers: { 'retry-after': '8' } }, { status: 200 });
    const { code, stdout } = await runCli(['trigger', 'task.created', '--url', server.url, '--schedule', '0,10ms']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/production waits 8s: Retry-After 8s raised the delay\)/);
  });
});
