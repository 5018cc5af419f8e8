import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { startServer } from '../helpers/server.js';

// Issue 12: labels that said something odd or untrue.
const READY = /Ready: waiting for deliveries on (http:\/\/\S+)/;

describe('listen labels', () => {
  it('the summary does not call two forwards the app never answered "2 forwarded"', async () => {
    const app = await startServer(() => {}); // never answers
    try {
      const listen = startCli(['listen', '--port', '0', '--forward-to', `${app.url}/hook`, '--forward-timeout', '300ms']);
      const [, url] = await listen.waitFor(READY);
      for (let i = 0; i < 2; i++) await runCli(['trigger', 'file.created', '--url', `${url}/webhooks`, '--no-retries']);
      await listen.waitFor(/timed out[\s\S]*timed out/);
      expect(await listen.stop()).toBe(0);
      const summary = listen.stdout().split('\n').find((line) => line.startsWith('Stopped.'))!;
      expect(summary).toContain('2 forwards unanswered (app unreachable or timed out)');
      expect(summary).not.toMatch(/\b2 forwarded\b/);
    } finally {
      await app.close();
    }
  });

  it('a request abandoned mid-body says "nothing was answered" once, and its --json object starts with type', async () => {
    const listen = startCli(['listen', '--port', '0', '--json']);
    const [, url] = await listen.waitFor(READY);
    const { port } = new URL(url!);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write('POST /webhooks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":');
        setTimeout(() => (socket.destroy(), resolve()), 200);
      });
      socket.on('error', reject);
    });
    await listen.waitFor(/"type":"rejected"/);
    expect(await listen.stop()).toBe(0);
    const line = listen.stderr().split('\n').find((l) => l.includes('✗ aborted'))!;
    expect(line).toMatch(/nothing was answered$/);
    expect(line.match(/nothing (was )?answered/g)).toHaveLength(1);
    const rejected = listen.stdout().split('\n').find((l) => l.includes('"type":"rejected"'))!;
    expect(Object.keys(JSON.parse(rejected))[0]).toBe('type');
  });
});

describe('durations past a day', () => {
  it('trigger prints the last production offset as hours and minutes (+27h35m), as the README does', async () => {
    const { stdout, code } = await runCli(['trigger', 'task.created', '--url', 'http://127.0.0.1:9/webhooks', '--time-scale', '100000', '--json']);
    expect(code).toBe(1);
    const result = stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; productionOffset?: string }).find((r) => r.type === 'result')!;
    // 27h35m ± 20% jitter on each delay: between about 22 h and 33 h, always written in hours.
    expect(result.productionOffset).toMatch(/^\+(2\d|3[0-3])h\d\dm$/);
  });
});
