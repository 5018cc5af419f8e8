// Where a delivery's CPU goes: runs one server under `node --cpu-prof`, sends it the bench's load (distinct signed
// deliveries, pre-built, keep-alive), stops it, and prints the functions with the most self time, as µs per
// delivery. Run `npm run build` first, then:
//
//   node bench/profile-listen.js [--count 40000] [--warmup 20000] [--top 30] [--keep DIR] [--bin PATH] -- listen --json
//   node bench/profile-listen.js -- floor        (bench/listen-floor.cjs)       node bench/profile-listen.js -- bare
//
// Arguments after `--` are the listen command's (listen, listen --record FILE, listen --json, …), or `floor`, or
// `bare`. Only the samples taken while the `--count` deliveries after the warm-up were sent are counted. --keep
// writes the .cpuprofile to that folder (open it in Chrome DevTools, Performance tab).
import { spawn } from 'node:child_process';
import { closeSync, cpSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SECRET, signedRequestBuffers } from './lib/deliveries.js';
import { sendAll } from './lib/keep-alive-client.js';
import { cpuMicros, sleep } from './lib/measure.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    count: { type: 'string', default: '40000' },
    warmup: { type: 'string', default: '20000' },
    top: { type: 'string', default: '30' },
    connections: { type: 'string', default: '20' },
    keep: { type: 'string' },
    // Another build's bin/scandocs-webhooks.js to profile instead of this one.
    bin: { type: 'string' },
  },
});
const COUNT = Number(values.count);
const WARMUP = Number(values.warmup);
const TOP = Number(values.top);
const CONNECTIONS = Number(values.connections);
const BIN = values.bin ?? fileURLToPath(new URL('../bin/scandocs-webhooks.js', import.meta.url));
const FLOOR = fileURLToPath(new URL('./listen-floor.cjs', import.meta.url));
const BARE = `const s = require('node:http').createServer((q, r) => { const c = []; q.on('data', (x) => c.push(x)); q.on('end', () => { Buffer.concat(c); r.end('ok'); }); });
s.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ type: 'ready', url: 'http://127.0.0.1:' + s.address().port })));`;

const work = mkdtempSync(join(tmpdir(), 'bench-profile-'));
const what = positionals.length ? positionals : ['listen'];
const EXIT_ON_SIGINT = fileURLToPath(new URL('./lib/exit-on-sigint.cjs', import.meta.url));
const target =
  what[0] === 'bare'
    ? ['--require', EXIT_ON_SIGINT, '-e', BARE]
    : what[0] === 'floor'
      ? ['--require', EXIT_ON_SIGINT, FLOOR, join(work, 'floor.jsonl'), SECRET]
      : [BIN, ...what, ...(what.includes('--port') ? [] : ['--port', '0'])];
// Sampling every 100 µs (node's default is 1 ms) gives enough samples for functions of a few µs per delivery.
const args = ['--cpu-prof', '--cpu-prof-dir', work, '--cpu-prof-interval', '100', ...target];
const out = openSync(join(work, 'out'), 'a');
const err = openSync(join(work, 'err'), 'a');
const child = spawn(process.execPath, args, { stdio: ['ignore', out, err] });
closeSync(out);
closeSync(err);
const killer = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000);
killer.unref();

try {
  const port = await ready();
  await sendAll({ port, requests: signedRequestBuffers(WARMUP, { host: '127.0.0.1', port }), connections: CONNECTIONS });
  const requests = signedRequestBuffers(COUNT, { host: '127.0.0.1', port });
  await sleep(200);
  const markStart = Date.now() * 1000;
  const cpuBefore = cpuMicros(child.pid);
  const { statuses } = await sendAll({ port, requests, connections: CONNECTIONS });
  await sleep(150);
  const cpu = cpuMicros(child.pid) - cpuBefore;
  const markEnd = Date.now() * 1000;
  if ((statuses.get(200) ?? 0) !== COUNT) throw new Error(`not every delivery was answered 200: ${JSON.stringify([...statuses])}`);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  await exited;
  const markExit = Date.now() * 1000;
  const file = readdirSync(work).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no .cpuprofile was written (did the server exit through process.exit?)');
  if (values.keep) cpSync(join(work, file), join(values.keep, `${what.join('_').replaceAll('/', '_')}.cpuprofile`));
  summarise(JSON.parse(readFileSync(join(work, file), 'utf8')), markExit - markStart, markExit - markEnd, cpu);
} finally {
  if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}

async function ready() {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const text = readFileSync(join(work, 'out'), 'utf8') + readFileSync(join(work, 'err'), 'utf8');
    const match = /(?:Ready: waiting for deliveries on |"url":")http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
    if (match) return Number(match[1]);
    await sleep(50);
  }
  throw new Error(`the server did not become ready:\n${readFileSync(join(work, 'err'), 'utf8')}`);
}

/**
 * Self time per function within the measured window, as a share of the samples and as µs per delivery: the share
 * times the process's CPU per delivery (from /proc). V8 samples on a wall clock, so on a busy machine a sample
 * can fall while the thread waits for a core; the shares stay right, the sampled µs do not.
 */
function summarise(profile, startBeforeExit, endBeforeExit, cpu) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let t = profile.startTime;
  let inWindow = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    // The profile's clock is not the epoch: the window is placed by its distance from the exit (within a few ms).
    if (t < profile.endTime - startBeforeExit || t > profile.endTime - endBeforeExit) continue;
    const node = byId.get(profile.samples[i]);
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*\/(dist|node_modules)\//, '$1/').replace(/^node:/, '')}:${lineNumber + 1}` : ''}`.trim();
    if (functionName === '(idle)') idle += delta;
    else {
      self.set(key, (self.get(key) ?? 0) + delta);
      inWindow += delta;
    }
  }
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP);
  console.log(`${what.join(' ')}: ${COUNT.toLocaleString('en-US')} deliveries; process CPU ${(cpu / COUNT).toFixed(1)} µs per delivery (/proc, all threads)`);
  console.log(`main-thread samples in the window: ${(inWindow / COUNT).toFixed(1)} µs per delivery busy, ${(idle / COUNT).toFixed(1)} idle (wall clock)`);
  for (const [key, us] of rows) console.log(`${((us / inWindow) * (cpu / COUNT)).toFixed(2).padStart(7)} µs  ${((100 * us) / inWindow).toFixed(1).padStart(5)} %  ${key}`);
}
