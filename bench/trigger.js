#!/usr/bin/env node
// Throughput of `trigger`: 5,000 signed events with --no-retries --concurrency 50 to a bare local Node server, as
// a ratio to autocannon's requests/s (50 connections, 5,000 POSTs of the same size) on the same server, in the
// same run. Target: ratio ≥ 0.6. Medians of ROUNDS (default 5) alternating rounds, so noise hits all alike.
//
// THE ratio is wall time from spawn to exit, start-up included: a CLI's events/s is what its user waits for, and
// leaving start-up out would flatter short runs. It is printed next to the rate once running (from the CLI's own
// summary: first send to last answer), which is what a long --count tends to. Both send the same work: 5,000 POSTs,
// each signed afresh, 50 in flight, one line of output each (to a file, as to a terminal).
// autocannon sends one pre-built request from this process, already warm; the CLI is always a fresh, cold process.
// So the line "undici alone" times the HTTP client trigger uses sending the same POSTs from a fresh process, with
// no signing and no output: the ceiling trigger can reach at all.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { buildEvent, sign } from '../dist/index.js';

const EVENTS = 5000;
const CONCURRENCY = 50;
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const TIMEOUT_MS = 120_000;
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/scandocs-webhooks.js');
const body = JSON.stringify(buildEvent('file.created'));
const headers = { 'content-type': 'application/json', ...sign({ payload: body, secret: 'whsec_c2NhbmRvY3MtbG9jYWwtdGVzdC1rZXkh' }).headers };

// The endpoint: a bare node:http server in its own process, so no load generator shares its event loop.
const SERVER = `
const server = require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => res.end('ok')); });
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;

// undici alone: the same POSTs through the same Agent and dispatch() trigger uses, from a fresh process.
const UNDICI = `
import Agent from 'undici/lib/dispatcher/agent.js';
const [url, count, concurrency, body, headers] = [new URL(process.argv[1]), +process.argv[2], +process.argv[3], process.argv[4], JSON.parse(process.argv[5])];
const agent = new Agent({ keepAliveTimeout: 10000 });
const post = () => new Promise((resolve, reject) => agent.dispatch(
  { origin: url.origin, path: url.pathname, method: 'POST', headers, body },
  { onRequestStart() {}, onResponseStart() {}, onResponseData() {}, onResponseEnd: resolve, onResponseError: (_c, error) => reject(error) },
));
let sent = 0;
await Promise.all(Array.from({ length: concurrency }, async () => { while (sent < count) { sent++; await post(); } }));
await agent.close();`;

function startServer() {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bench server did not start within 10 s')), 10_000);
    child.stdout.once('data', (data) => {
      clearTimeout(timer);
      resolve({ url: `http://127.0.0.1:${String(data).trim()}/webhooks`, stop: () => child.kill() });
    });
  });
}

/**
 * autocannon's requests/s for the same POSTs. Its result waits for the next sampling tick (sampleInt, 1 s by
 * default), so with `amount` it reports about 1 s whatever the speed: 5,000 req/s where it really does several
 * times that. Sampling every 5 ms and timing the run here gives the real rate.
 */
async function cannon(url) {
  const started = performance.now();
  const result = await autocannon({ url, method: 'POST', headers, body, connections: CONCURRENCY, amount: EVENTS, sampleInt: 5, timeout: 10 });
  const seconds = (performance.now() - started) / 1000;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`autocannon saw ${result.non2xx} non-2xx and ${result.errors} errors`);
  return result.requests.total / seconds;
}

/** Runs a child to completion within TIMEOUT_MS; resolves with its wall time in seconds. */
function timeChild(args, stdout = 'ignore') {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', stdout, 'inherit'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
  return new Promise((resolve, reject) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`${args.slice(0, 2).join(' ')} exited ${code}`));
      else resolve(Number(process.hrtime.bigint() - started) / 1e9);
    });
  });
}

/**
 * The real CLI sending EVENTS events. Its output (a line per attempt) goes to a file, as to a terminal: a pipe
 * read by this busy process would measure the reader, not the CLI.
 */
async function trigger(url) {
  const output = join(outputDir, 'trigger.out');
  const fd = openSync(output, 'w');
  const args = [bin, 'trigger', 'file.created', '--count', String(EVENTS), '--no-retries', '--concurrency', String(CONCURRENCY), '--url', url];
  const seconds = await timeChild(args, fd).finally(() => closeSync(fd));
  const tail = readFileSync(output, 'utf8').slice(-300);
  // The summary's rate, not its duration: that one is shown to 0.1 s past a second (1.5s reads as 3,333/s).
  const summary = /delivered (\d+) of \d+ events · \d+ attempts · [\d.]+m?s · (\d+)\/s/.exec(tail);
  if (!summary || summary[1] !== String(EVENTS)) throw new Error(`unexpected summary: ${tail}`);
  return { wall: EVENTS / seconds, inRun: Number(summary[2]) };
}

async function undiciAlone(url) {
  const seconds = await timeChild(['--input-type=module', '-e', UNDICI, url, String(EVENTS), String(CONCURRENCY), body, JSON.stringify(headers)]);
  return EVENTS / seconds;
}

const outputDir = mkdtempSync(join(tmpdir(), 'bench-trigger-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const server = await startServer();
try {
  await cannon(server.url); // warm the server's JIT before measuring
  const samples = { cannon: [], wall: [], inRun: [], undici: [] };
  for (let round = 0; round < ROUNDS; round++) {
    samples.cannon.push(await cannon(server.url));
    const { wall, inRun } = await trigger(server.url);
    samples.wall.push(wall);
    samples.inRun.push(inRun);
    samples.undici.push(await undiciAlone(server.url));
  }
  const base = median(samples.cannon);
  const [wall, inRun, undici] = [median(samples.wall), median(samples.inRun), median(samples.undici)];
  const ratio = wall / base;
  const fmt = (n) => `${Math.round(n).toLocaleString('en-US')}/s`.padStart(9);
  console.log(`autocannon, ${CONCURRENCY} connections, ${EVENTS} POSTs             ${fmt(base)}  (median of ${ROUNDS} rounds)`);
  console.log(`trigger --count ${EVENTS} --no-retries --concurrency ${CONCURRENCY}  ${fmt(wall)}  wall, start-up included (ratio ${ratio.toFixed(2)})`);
  console.log(`  the same runs, once running                       ${fmt(inRun)}  first send to last answer (ratio ${(inRun / base).toFixed(2)})`);
  console.log(`undici alone, fresh process, same POSTs            ${fmt(undici)}  wall (ratio ${(undici / base).toFixed(2)}): the client's own ceiling`);
  console.log(`ratio ${ratio.toFixed(2)}, wall (target ≥ 0.60) ${ratio >= 0.6 ? 'ok' : 'UNDER TARGET'}; ${(wall / undici).toFixed(2)} of undici alone`);
  process.exitCode = ratio >= 0.6 ? 0 : 1;
} finally {
  server.stop();
  rmSync(outputDir, { recursive: true, force: true });
}
