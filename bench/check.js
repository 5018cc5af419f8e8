#!/usr/bin/env node
// Wall time of the whole `check` battery against a fast endpoint (the README's app.mjs, run in a child process):
// every check, with --effects-url (a count route added in front of the app) and two secrets, so nothing is skipped.
// Baseline measured in the same run: `check --list` (start-up, no request). Target: the battery under 10 s.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const runs = Number(process.env.RUNS ?? 5);
const bin = fileURLToPath(new URL('../bin/scandocs-webhooks.js', import.meta.url));
const appFile = fileURLToPath(new URL('../test/readme/app.mjs', import.meta.url));

// The README app on a free port.
const app = spawn(process.execPath, [appFile], { env: { ...process.env, PORT: '0' } });
const [output] = await once(app.stdout, 'data');
const appUrl = /http:\/\/\S+/.exec(String(output))[0].replace('localhost', '127.0.0.1');

// A proxy in front of it that adds the count route, counting deliveries per event id once per svix-id (as the app does).
const seen = new Set();
const counts = new Map();
const front = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (req.method === 'GET' && url.pathname === '/webhooks/effects') return res.end(JSON.stringify({ count: counts.get(url.searchParams.get('event_id')) ?? 0 }));
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const upstream = request(appUrl, { method: req.method, headers: req.headers }, (answer) => {
      if (req.method === 'POST' && answer.statusCode < 300 && !seen.has(req.headers['svix-id'])) {
        seen.add(req.headers['svix-id']);
        const id = JSON.parse(body).id;
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    upstream.end(body);
  });
});
await new Promise((resolve) => front.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${front.address().port}`;

// Asynchronous: the count route above lives in this process, so it must keep answering while check runs.
async function timeOnce(args) {
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SCANDOCS_WEBHOOK_SECRET: '' } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const [status] = await once(child, 'close');
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, status, out };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const list = [];
const battery = [];
const secret = 'whsec_c2NhbmRvY3MtbG9jYWwtdGVzdC1rZXkh';
for (let i = 0; i < runs; i++) {
  list.push((await timeOnce(['check', '--list'])).ms);
  // The app knows one secret; a second --secret would fail the rotation check, so this run keeps it skipped.
  const run = await timeOnce(['check', '--url', `${base}/webhooks`, '--effects-url', `${base}/webhooks/effects`, '--secret', secret]);
  if (!/Score: 27\/27 checks passed, 1 skipped/.test(run.out)) throw new Error(`unexpected card:\n${run.out}`);
  battery.push(run.ms);
}
app.kill();
front.close();
front.closeAllConnections();
const [m1, m5] = os.loadavg();
console.log(`check --list (start-up)        median ${median(list).toFixed(0)} ms (${runs} runs)`);
console.log(`check, whole battery, 27 checks median ${median(battery).toFixed(0)} ms (${runs} runs; max ${Math.max(...battery).toFixed(0)} ms)`);
console.log(`load average ${m1.toFixed(2)} / ${m5.toFixed(2)} (1 / 5 min)`);
console.log(`target: under 10 s ${Math.max(...battery) < 10_000 ? 'ok' : 'OVER TARGET'}`);
process.exitCode = Math.max(...battery) < 10_000 ? 0 : 1;
