// What an unsigned or wrongly signed request costs the listener, against a valid delivery of the same size
// (issue 19 defect 4: at most 3x, for any body up to --max-body). Run `npm run build` first, then:
//
//   node bench/hostile.js [--rounds 3] [--scale 1] [--only nested-31,wide,...] [--bin other/bin/scandocs-webhooks.js]
//
// One `listen --no-inspect` (lines to a file) takes, in turns, each hostile kind and its baseline: as many valid
// deliveries (fresh svix-id and timestamp, signed before the clock starts) of a realistic event padded to the same
// body size. The figure is the listener's own CPU time per request (user + system, from /proc); each ratio is the
// median of the rounds' ratios, each measured within a round. The client's CPU share is shown: it must stay well
// under a core for the figures to be the server's.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { buildEvent, sign } from '../dist/index.js';
import { SECRET } from './lib/deliveries.js';
import { buildPost, sendAll } from './lib/keep-alive-client.js';
import { cpuMicros, formatSpread, sleep, spread } from './lib/measure.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    // Multiplies every kind's request count (1 = about half a second of server CPU per kind and round).
    scale: { type: 'string', default: '1' },
    only: { type: 'string' },
    bin: { type: 'string' },
  },
});
const ROUNDS = Number(values.rounds);
const SCALE = Number(values.scale);
const BIN = values.bin ?? fileURLToPath(new URL('../bin/scandocs-webhooks.js', import.meta.url));
const CONNECTIONS = 4;
const TARGET = 3;
const RUN = randomBytes(4).toString('hex');
let sequence = 0;

const KiB = 1024;
/** A realistic task.completed event whose `data.note` pads its JSON to `bytes` bytes. */
function paddedEvent(bytes) {
  const event = buildEvent('task.completed', { id: `event_${RUN}${++sequence}` });
  event.data = { ...event.data, note: '' };
  const base = JSON.stringify(event).length;
  event.data.note = 'n'.repeat(Math.max(0, bytes - base));
  return JSON.stringify(event);
}
/** Objects nested `depth` deep, each holding a string, to `bytes` in all. */
function nestedBody(bytes, depth) {
  const open = '{"k":"v","n":';
  const filler = Math.max(0, bytes - depth * (open.length + 1) - 2);
  return `${open.repeat(depth)}"${'x'.repeat(filler)}"${'}'.repeat(depth)}`;
}
/** Arrays nested `depth` deep around a list of small numbers, to `bytes` in all: compact, and each number pretty-prints on its own line, indented `depth` times (a 61 KB body is 3.9 MB 4-space pretty-printed). */
function nestedListBody(bytes, depth) {
  const items = Math.max(1, Math.floor((bytes - 2 * depth) / 2));
  return `${'['.repeat(depth)}${Array(items).fill('1').join(',')}${']'.repeat(depth)}`;
}
/** One flat object of many short members. */
function wideBody(bytes) {
  const members = [];
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const member = `"k${i}":${i}`;
    members.push(member);
    size += member.length + 1;
  }
  return `{${members.join(',')}}`;
}
const WRONG = `v1,${Buffer.alloc(32, 7).toString('base64')}`;

function headersFor(body, how) {
  const id = `msg_${RUN}${String(++sequence).padStart(10, '0')}`;
  const { headers } = sign({ payload: body, secret: SECRET, id });
  const all = { 'content-type': 'application/json', ...headers };
  if (how === 'valid') return all;
  if (how === 'unsigned') return { 'content-type': 'application/json' };
  if (how === 'many-signatures') return { ...all, 'svix-signature': Array.from({ length: 1800 }, (_, i) => `v1,${Buffer.alloc(3, i).toString('base64')}`).join(' ') };
  return { ...all, 'svix-signature': WRONG };
}

/** Each kind: its body, how it is signed, and how many requests a round sends. */
const KINDS = {
  'nested-31': { label: '61 KB nested 31 deep, wrong signature', body: () => nestedListBody(61 * KiB, 31), how: 'wrong', count: 1500 },
  wide: { label: '52 KB wide flat object, wrong signature', body: () => wideBody(52 * KiB), how: 'wrong', count: 1500 },
  'signatures-1800': { label: '1,800 signatures in one header (2 KB event)', body: () => paddedEvent(2 * KiB), how: 'many-signatures', count: 8000 },
  'plain-60k': { label: 'plain 60 KB event, wrong signature', body: () => paddedEvent(60 * KiB), how: 'wrong', count: 1500 },
  'small-wrong': { label: '2 KB event, wrong signature', body: () => paddedEvent(2 * KiB), how: 'wrong', count: 8000 },
  'small-unsigned': { label: '2 KB event, unsigned', body: () => paddedEvent(2 * KiB), how: 'unsigned', count: 8000 },
  'deep-1m-signed': { label: '1 MiB nested 20,000 deep, validly signed', body: () => nestedBody(1000 * KiB, 20_000), how: 'valid', count: 150 },
  'deep-1m-unsigned': { label: '1 MiB nested 20,000 deep, unsigned', body: () => nestedBody(1000 * KiB, 20_000), how: 'unsigned', count: 150 },
  'deep-1m-wrong': { label: '1 MiB nested 20,000 deep, wrong signature', body: () => nestedBody(1000 * KiB, 20_000), how: 'wrong', count: 150 },
};
const names = values.only ? values.only.split(',') : Object.keys(KINDS);
for (const name of names) if (!KINDS[name]) throw new Error(`--only: no kind ${name}; kinds: ${Object.keys(KINDS).join(', ')}`);

const work = mkdtempSync(join(tmpdir(), 'bench-hostile-'));
const server = await start();
try {
  console.log(`${names.length} kinds, ${ROUNDS} rounds, each against valid deliveries of the same body size; ${CONNECTIONS} keep-alive connections`);
  console.log(`load average before: ${load()}`);
  // Warm up: the listener's code paths optimized before anything is measured.
  for (const name of names) await measure(name, 'kind', Math.ceil(KINDS[name].count / 4));
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const name of round % 2 === 1 ? names : [...names].reverse()) {
      const hostile = await measure(name, 'kind');
      const valid = await measure(name, 'baseline');
      samples[name].push({ hostile, valid, ratio: hostile.cpu / valid.cpu });
    }
  }
  const rows = [['kind', 'body', 'CPU µs/request', 'valid, same size', '× valid', 'client % of a core']];
  let worst;
  for (const name of names) {
    const s = samples[name];
    const ratio = spread(s.map((m) => m.ratio));
    if (!worst || ratio.median > worst.ratio.median) worst = { name, ratio };
    const client = spread(s.flatMap((m) => [m.hostile.clientUse, m.valid.clientUse]).map((u) => u * 100));
    rows.push([
      KINDS[name].label,
      `${(s[0].hostile.bytes / 1024).toFixed(0)} KiB`,
      formatSpread(spread(s.map((m) => m.hostile.cpu)), 0),
      formatSpread(spread(s.map((m) => m.valid.cpu)), 0),
      `${formatSpread(ratio, 2)}${KINDS[name].how === 'valid' ? '' : ratio.median <= TARGET ? ' ok' : ' ABOVE 3'}`,
      formatSpread(client, 0),
    ]);
  }
  console.log(`\nmedians [min–max] of ${ROUNDS} rounds`);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
  console.log(`worst ratio: ${worst.ratio.median.toFixed(2)} (${KINDS[worst.name].label}); target ≤ ${TARGET} for the unsigned and wrongly signed kinds`);
  console.log(`load average after: ${load()}`);
} finally {
  await stop();
  rmSync(work, { recursive: true, force: true });
}

/** Sends a round of `name`'s requests (or of its baseline) and returns the server's CPU per request. */
async function measure(name, which, count = Math.max(1, Math.round(KINDS[name].count * SCALE))) {
  const kind = KINDS[name];
  const requests = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const body = kind.body();
    bytes = Buffer.byteLength(body);
    const how = which === 'kind' ? kind.how : 'valid';
    const payload = which === 'kind' ? body : paddedEvent(bytes);
    requests.push(buildPost({ host: '127.0.0.1', port: server.port, path: '/webhooks', headers: headersFor(payload, how), body: payload }));
  }
  await sleep(100);
  const before = cpuMicros(server.pid);
  const clientBefore = process.cpuUsage();
  const { ms, statuses } = await sendAll({ port: server.port, requests, connections: CONNECTIONS });
  const client = process.cpuUsage(clientBefore);
  await sleep(150);
  const cpu = (cpuMicros(server.pid) - before) / count;
  const expected = which === 'baseline' || kind.how === 'valid' ? 200 : 401;
  if ((statuses.get(expected) ?? 0) !== count) throw new Error(`${name} ${which}: statuses ${JSON.stringify([...statuses])}, expected ${count} × ${expected}`);
  return { cpu, bytes, clientUse: (client.user + client.system) / 1000 / ms };
}

async function start() {
  const out = join(work, 'listen.out');
  const fd = openSync(out, 'a');
  const child = spawn(process.execPath, [BIN, 'listen', '--port', '0', '--no-inspect', '--max-body', '1mb'], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const ready = /waiting for deliveries on http:\/\/127\.0\.0\.1:(\d+)/.exec(readFileSync(out, 'utf8'));
    if (ready) return { child, pid: child.pid, port: Number(ready[1]) };
    await sleep(50);
  }
  throw new Error(`listen did not start: ${readFileSync(out, 'utf8')}`);
}

async function stop() {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGINT');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function load() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
