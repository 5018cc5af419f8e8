#!/usr/bin/env node
// Throughput of `trigger`: 5,000 signed events with --no-retries --concurrency 50 to a bare local Node server,
// as a ratio to autocannon's requests/s (50 connections, 5,000 POSTs of the same size) on the same server, in
// the same run. The CLI figure is wall time from spawn to exit, start-up included. Target: ratio ≥ 0.6.
// Runs ROUNDS (default 5) alternating rounds and compares medians, so machine noise hits both alike.
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
const bin = fileURLToPath(new URL('../bin/scandocs-webhooks.js', import.meta.url));

// The endpoint: a bare node:http server in its own process, so neither load generator shares its event loop.
const SERVER = `
const server = require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => res.end('ok')); });
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;

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

/** autocannon's requests/s for the same number of POSTs of a same-sized signed body, over 50 connections. */
async function cannon(url) {
  const body = JSON.stringify(buildEvent('file.created'));
  const headers = { 'content-type': 'application/json', ...sign({ payload: body, secret: 'whsec_c2NhbmRvY3MtbG9jYWwtdGVzdC1rZXkh' }).headers };
  const result = await autocannon({ url, method: 'POST', headers, body, connections: CONCURRENCY, amount: EVENTS, timeout: 10 });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`autocannon saw ${result.non2xx} non-2xx and ${result.errors} errors`);
  return result.requests.total / result.duration;
}

/**
 * Wall time of the real CLI sending EVENTS events, from spawn to exit. Its output (a line per attempt) goes to a
 * file, as to a terminal: a pipe read by this busy process would measure the reader, not the CLI.
 */
function trigger(url) {
  const args = [bin, 'trigger', 'file.created', '--count', String(EVENTS), '--no-retries', '--concurrency', String(CONCURRENCY), '--url', url];
  const output = join(outputDir, 'trigger.out');
  const fd = openSync(output, 'w');
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { stdio: ['ignore', fd, 'inherit'] });
  closeSync(fd);
  const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
  return new Promise((resolve, reject) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const tail = readFileSync(output, 'utf8').slice(-500);
      if (code !== 0) return reject(new Error(`trigger exited ${code}: ${tail}`));
      const summary = /delivered (\d+) of (\d+) events · \d+ attempts · ([\d.]+)(ms|s)/.exec(tail);
      if (!summary || summary[1] !== String(EVENTS)) return reject(new Error(`unexpected summary: ${tail}`));
      const inRunSeconds = Number(summary[3]) / (summary[4] === 'ms' ? 1000 : 1);
      resolve({ wall: EVENTS / seconds, inRun: EVENTS / inRunSeconds });
    });
  });
}

const outputDir = mkdtempSync(join(tmpdir(), 'bench-trigger-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const server = await startServer();
try {
  await cannon(server.url); // warm the server's JIT and the page cache before measuring
  const samples = { cannon: [], wall: [], inRun: [] };
  for (let round = 0; round < ROUNDS; round++) {
    samples.cannon.push(await cannon(server.url));
    const { wall, inRun } = await trigger(server.url);
    samples.wall.push(wall);
    samples.inRun.push(inRun);
  }
  const base = median(samples.cannon);
  const wall = median(samples.wall);
  const inRun = median(samples.inRun);
  const ratio = wall / base;
  const fmt = (n) => `${Math.round(n).toLocaleString('en-US')}/s`;
  console.log(`autocannon (50 connections, ${EVENTS} POSTs)          median ${fmt(base)} (${ROUNDS} rounds)`);
  console.log(`trigger --count ${EVENTS} --no-retries --concurrency ${CONCURRENCY}  median ${fmt(wall)} wall, start-up included; ${fmt(inRun)} once running`);
  console.log(`ratio ${ratio.toFixed(2)} (target ≥ 0.60) ${ratio >= 0.6 ? 'ok' : 'UNDER TARGET'}; ${(inRun / base).toFixed(2)} excluding start-up`);
  process.exitCode = ratio >= 0.6 ? 0 : 1;
} finally {
  server.stop();
  rmSync(outputDir, { recursive: true, force: true });
}
