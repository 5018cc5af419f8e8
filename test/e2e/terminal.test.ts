import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { inTerminal, screenLines } from '../helpers/terminal.js';
import { startServer } from '../helpers/server.js';

// Issue 12: what a user sees in a terminal, run in a real pseudo-terminal (util-linux `script`).
const OTHER_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('listen in an 80-column terminal', () => {
  it('a delivery line that would wrap puts the diagnosis on its own indented line under the status', async () => {
    const listen = inTerminal(['listen', '--port', '0'], { cols: 80 });
    await listen.waitFor(/Ready: waiting for deliveries on (http:\/\/\S+)/);
    const url = /Ready: waiting for deliveries on (http:\/\/\S+)/.exec(listen.output())![1]!;
    const wrong = await runCli(['trigger', 'task.completed', '--url', `${url}/webhooks`, '--secret', OTHER_SECRET, '--no-retries']);
    expect(wrong.code).toBe(1);
    const right = await runCli(['trigger', 'file.created', '--url', `${url}/webhooks`, '--no-retries']);
    expect(right.code).toBe(0);
    await listen.waitFor(/file\.created[\s\S]*→ 200/);
    expect(await listen.stop()).toBe(0);

    const lines = screenLines(listen.output());
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
    const first = lines.findIndex((line) => / POST \/webhooks {2}task\.completed +event_/.test(line));
    expect(first).toBeGreaterThanOrEqual(0);
    // The status, then the diagnosis on lines of its own, indented under the method.
    expect(lines.slice(first, first + 2).join('\n')).toMatch(/✗ no-matching-signature {2}→ 401 {2}\S+ms/);
    const diagnosis = lines.slice(first + 1, first + 5).filter((line) => line.startsWith(' '.repeat(10)) && !/→ 401/.test(line));
    expect(diagnosis.length).toBeGreaterThan(0);
    expect(diagnosis.join(' ').replace(/\s+/g, ' ')).toContain('no signature matched among 1 (v1)');
    expect(lines.some((line) => /file\.created/.test(line))).toBe(true);
  }, 30_000);

  it('off a terminal, the same delivery stays on one whole line (for grep)', async () => {
    const listen = startCli(['listen', '--port', '0']);
    const [, url] = await listen.waitFor(/Ready: waiting for deliveries on (http:\/\/\S+)/);
    await runCli(['trigger', 'task.completed', '--url', `${url}/webhooks`, '--secret', OTHER_SECRET, '--no-retries']);
    await listen.waitFor(/→ 401/);
    expect(await listen.stop()).toBe(0);
    expect(listen.stdout()).toMatch(/^\d\d:\d\d:\d\d {2}POST \/webhooks {2}task\.completed +event_\w+ {2}✗ no-matching-signature: no signature matched among 1 \(v1\)[^\n]* {2}→ 401 {2}\S+$/m);
  });
});

describe('spinners in a terminal', () => {
  it('trigger shows a spinner while an attempt is in flight, without colour under NO_COLOR', async () => {
    const server = await startServer(async (_req, res) => {
      await sleep(700);
      res.end('ok');
    });
    try {
      const run = inTerminal(['trigger', 'task.created', '--url', `${server.url}/webhooks`, '--no-retries'], { cols: 120 });
      await run.waitFor(/delivered 1 of 1 event/, 15_000);
      expect(await run.stop()).toBe(0);
      const output = run.output();
      expect(output).toMatch(/task\.created event_\w+ · attempt 1 · waiting for the answer · \d+ms so far/);
      expect(output).toMatch(/✓ task\.created event_\w+ · attempt 1 · 200 OK/);
      // No SGR colour sequence at all (ora's frame was cyan whatever NO_COLOR said).
      // eslint-disable-next-line no-control-regex
      expect(output).not.toMatch(/\x1b\[3\dm/);
    } finally {
      await server.close();
    }
  }, 30_000);
});

describe('labels', () => {
  it('trigger --data with a body that is no event names it by svix-id, not "body"', async () => {
    const server = await startServer();
    try {
      const { code, stdout } = await runCli(['trigger', '--data', '{"hello":"world"}', '--url', `${server.url}/webhooks`]);
      expect(stdout).toMatch(/^✓ msg_\w+ \(no event type\) · attempt 1 · 200 OK/m);
      expect(stdout).not.toMatch(/✓ body /);
      expect(code).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('.gitignore covers the files the README examples write', () => {
    const ignored = readFileSync(new URL('../../.gitignore', import.meta.url), 'utf8').split('\n');
    for (const file of ['events.jsonl', 'event.json', 'headers.txt']) expect(ignored).toContain(file);
  });
});
