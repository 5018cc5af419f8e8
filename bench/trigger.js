#!/usr/bin/env node
// Throughput of `trigger --count 50000 --no-retries --concurrency 50` against its own ceiling: undici alone (the
// HTTP client trigger uses, through the same Agent and dispatch()) sending the same signed POSTs from a fresh
// process, with no event building, signing or output. Target: trigger ≥ 0.9× undici alone's events/s. Run
// `npm run build` first, then:
//
//   node bench/trigger.js [--quick] [--count 50000] [--concurrency 50] [--rounds 3] [--bin other/bin/scandocs-webhooks.js]
//
// Between the two, the floor (bench/trigger-floor.mjs): undici alone plus only the work every event needs (a
// fresh event, its HMAC signature, a line of output), inline, to tell the cost of that work from trigger's own.
// undici alone is the same script in its `bare` mode, so the two differ only in that work.
//
// All are fresh processes timed from spawn to exit (start-up included: a CLI's events/s is what its user waits
// for), sending to a bare node:http server in another process; the rounds alternate which goes first, and each
// ratio is the median of the rounds' ratios. Beside the rates, each process's own CPU time per event (from
// process.resourceUsage() at exit, via bench/lib/report-usage.cjs), which other load on the machine moves much
// less than it moves rates. autocannon's figure (pre-built requests from this warm process, not a ceiling any CLI
// can reach) is printed for reference only.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { buildEvent, sign, DEFAULT_TEST_SECRET } from '../dist/index.js';
import { formatSpread, spread } from './lib/measure.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    count: { type: 'string' },
    concurrency: { type: 'string', default: '50' },
    rounds: { type: 'string' },
    // Another build's bin/scandocs-webhooks.js to time instead of this one (its dist/ is not used otherwise).
    bin: { type: 'string' },
  },
});
const EVENTS = positive('count', values.count ?? (values.quick ? '5000' : '50000'));
const CONCURRENCY = positive('concurrency', values.concurrency);
const ROUNDS = positive('rounds', values.rounds ?? (values.quick ? '2' : '3'));
const TARGET = 0.9;
const TIMEOUT_MS = 300_000; // per child; the run is bounded by ROUNDS × 3 of them
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = values.bin ?? join(root, 'bin/scandocs-webhooks.js');
const usagePreload = fileURLToPath(new URL('./lib/report-usage.cjs', import.meta.url));
const floorScript = fileURLToPath(new URL('./trigger-floor.mjs', import.meta.url));
const body = JSON.stringify(buildEvent('file.created'));
const headers = { 'content-type': 'application/json', ...sign({ payload: body, secret: DEFAULT_TEST_SECRET }).headers };

// The endpoint: a bare node:http server in its own process, so no load generator shares its event loop.
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

/**
 * autocannon's requests/s for the same POSTs. Its result waits for the next sampling tick (sampleInt, 1 s by
 * default), so with `amount` it reports about 1 s whatever the speed; sampling every 5 ms and timing the run here
 * gives the real rate.
 */
async function cannon(url) {
  const started = performance.now();
  const result = await autocannon({ url, method: 'POST', headers, body, connections: CONCURRENCY, amount: EVENTS, sampleInt: 5, timeout: 10 });
  const seconds = (performance.now() - started) / 1000;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`autocannon saw ${result.non2xx} non-2xx and ${result.errors} errors`);
  return result.requests.total / seconds;
}

/** Runs a fresh node on `args` to completion within TIMEOUT_MS: its wall time in seconds and its own CPU time. */
function timeChild(name, args, stdout = 'ignore') {
  const usageFile = join(outputDir, `${name}.usage.json`);
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--require', usagePreload, ...args], {
    cwd: root,
    stdio: ['ignore', stdout, 'inherit'],
    env: { ...process.env, BENCH_USAGE_FILE: usageFile },
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
  return new Promise((resolve, reject) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return reject(new Error(`${name} exited ${code}`));
      resolve({ seconds, cpuMicros: JSON.parse(readFileSync(usageFile, 'utf8')).cpuMicros });
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
  const { seconds, cpuMicros } = await timeChild('trigger', args, fd).finally(() => closeSync(fd));
  const tail = readFileSync(output, 'utf8').slice(-300);
  // The summary's rate, not its duration: that one is shown to 0.1 s past a second (1.5s reads as 3,333/s).
  const summary = /delivered (\d+) of \d+ events · \d+ attempts · [\d.]+m?s · ([\d,]+)\/s/.exec(tail);
  if (!summary || summary[1] !== String(EVENTS)) throw new Error(`unexpected summary: ${tail}`);
  return { rate: EVENTS / seconds, running: Number(summary[2].replaceAll(',', '')), cpu: cpuMicros / EVENTS };
}

/** The floor (bench/trigger-floor.mjs): undici alone plus the work every event needs (build, sign, a line). */
async function floor(url) {
  const output = join(outputDir, 'floor.out');
  const fd = openSync(output, 'w');
  const args = [floorScript, url, String(EVENTS), String(CONCURRENCY), body, DEFAULT_TEST_SECRET];
  const { seconds, cpuMicros } = await timeChild('floor', args, fd).finally(() => closeSync(fd));
  return { rate: EVENTS / seconds, cpu: cpuMicros / EVENTS };
}

/** undici alone: the floor's script in its `bare` mode, one pre-built signed POST sent EVENTS times, no output. */
async function undiciAlone(url) {
  const { seconds, cpuMicros } = await timeChild('undici', [floorScript, url, String(EVENTS), String(CONCURRENCY), body, DEFAULT_TEST_SECRET, 'bare']);
  return { rate: EVENTS / seconds, cpu: cpuMicros / EVENTS };
}

function positive(flag, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`bench/trigger.js: --${flag} takes a whole number above 0, not ${text}`);
    process.exit(2);
  }
  return n;
}

const outputDir = mkdtempSync(join(tmpdir(), 'bench-trigger-'));
const server = await startServer();
try {
  console.log(`${EVENTS.toLocaleString('en-US')} events, concurrency ${CONCURRENCY}, ${ROUNDS} rounds; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  await cannon(server.url); // warm the server's JIT before measuring
  const samples = { trigger: [], floor: [], undici: [], cannon: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    const steps = [
      async () => samples.trigger.push(await trigger(server.url)),
      async () => samples.floor.push(await floor(server.url)),
      async () => samples.undici.push(await undiciAlone(server.url)),
      async () => samples.cannon.push(await cannon(server.url)),
    ];
    for (const step of round % 2 === 1 ? steps : steps.reverse()) await step();
    const [t, f, u] = [samples.trigger.at(-1), samples.floor.at(-1), samples.undici.at(-1)];
    console.log(
      `round ${round}  trigger ${Math.round(t.rate)}/s (${t.cpu.toFixed(0)} µs CPU/event)  floor ${Math.round(f.rate)}/s (${f.cpu.toFixed(0)} µs)  undici alone ${Math.round(u.rate)}/s (${u.cpu.toFixed(0)} µs)  autocannon ${Math.round(samples.cannon.at(-1))}/s`,
    );
  }
  const of = (list, f) => spread(list.map(f));
  const ratio = of(samples.trigger, (t, i) => t.rate / samples.undici[i].rate);
  const cpuRatio = of(samples.trigger, (t, i) => t.cpu / samples.undici[i].cpu);
  const name = `trigger --count ${EVENTS} --no-retries --concurrency ${CONCURRENCY}`;
  console.log(`\nmedians [min–max] of ${ROUNDS} rounds`);
  console.log(`${name}: ${formatSpread(of(samples.trigger, (t) => t.rate))} events/s wall, start-up included; ${formatSpread(of(samples.trigger, (t) => t.running))}/s once running; ${formatSpread(of(samples.trigger, (t) => t.cpu))} µs CPU per event`);
  console.log(`undici alone, fresh process, same POSTs: ${formatSpread(of(samples.undici, (u) => u.rate))} events/s wall; ${formatSpread(of(samples.undici, (u) => u.cpu))} µs CPU per event`);
  console.log(`ratio to undici alone ${formatSpread(ratio, 2)} (target ≥ ${TARGET.toFixed(2)}: ${ratio.median >= TARGET ? 'ok' : 'BELOW TARGET'}); CPU per event ${formatSpread(cpuRatio, 2)}× undici alone's`);
  console.log(
    `floor (undici alone + a fresh event, its HMAC and a line each; bench/trigger-floor.mjs): ${formatSpread(of(samples.floor, (f) => f.rate))} events/s wall; ${formatSpread(of(samples.floor, (f) => f.cpu))} µs CPU per event, ${formatSpread(of(samples.floor, (f, i) => f.cpu / samples.undici[i].cpu), 2)}× undici alone's`,
  );
  console.log(
    `trigger against the floor: ${formatSpread(of(samples.trigger, (t, i) => t.rate / samples.floor[i].rate), 2)}× its events/s; CPU per event ${formatSpread(of(samples.trigger, (t, i) => t.cpu / samples.floor[i].cpu), 2)}× its CPU`,
  );
  const cannonRate = spread(samples.cannon);
  console.log(`autocannon, ${CONCURRENCY} connections, pre-built in this process: ${formatSpread(cannonRate)} requests/s (reference only: trigger ${formatSpread(of(samples.trigger, (t, i) => t.rate / samples.cannon[i]), 2)}× of it)`);
} finally {
  server.stop();
  rmSync(outputDir, { recursive: true, force: true });
}
