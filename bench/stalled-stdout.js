// RSS of `listen --json --record` whose stdout nobody reads (a harness that reads the ready line, then stops), over
// a fixed count of deliveries, against the same listener whose stdout is read (issue 19 defect 8). Run
// `npm run build` first, then:
//
//   node bench/stalled-stdout.js [--count 40000] [--step 10000] [--connections 10]
//
// The figure is the listener's RSS growth per 10,000 deliveries, from /proc, measured after each step; the journal
// is counted at the end (it must hold every delivery whatever happens to stdout), and the stalled listener's
// stderr is shown (it says how many lines it dropped).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { signedRequestBuffers } from './lib/deliveries.js';
import { sendAll } from './lib/keep-alive-client.js';
import { rssBytes, sleep } from './lib/measure.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '40000' },
    step: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '10' },
  },
});
const COUNT = Number(values.count);
const STEP = Number(values.step);
const CONNECTIONS = Number(values.connections);
const BIN = fileURLToPath(new URL('../bin/scandocs-webhooks.js', import.meta.url));
const mib = (bytes) => `${(bytes / 1_048_576).toFixed(1)} MiB`;
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const work = mkdtempSync(join(tmpdir(), 'bench-stalled-'));
try {
  console.log(`load average before: ${load()}`);
  for (const stalled of [false, true]) await run(stalled);
  console.log(`load average after: ${load()}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

async function run(stalled) {
  const journal = join(work, `${stalled ? 'stalled' : 'read'}.jsonl`);
  const child = spawn(process.execPath, [BIN, 'listen', '--port', '0', '--no-inspect', '--json', '--record', journal], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text) => (stderr += text));
  const port = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`not ready in 10 s: ${stderr}`)), 10_000);
    const onData = (chunk) => {
      out += chunk;
      const ready = /"url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(out);
      if (!ready) return;
      clearTimeout(timer);
      if (stalled) {
        // Stop reading: the pipe fills, then the listener holds whatever it writes.
        child.stdout.off('data', onData);
        child.stdout.pause();
      } else {
        child.stdout.off('data', onData);
        child.stdout.on('data', () => {});
      }
      resolve(Number(ready[1]));
    };
    child.stdout.on('data', onData);
  });
  await sleep(300);
  const rows = [[0, rssBytes(child.pid)]];
  for (let sent = 0; sent < COUNT; sent += STEP) {
    const requests = signedRequestBuffers(STEP, { host: '127.0.0.1', port });
    const { statuses } = await sendAll({ port, requests, connections: CONNECTIONS });
    if ((statuses.get(200) ?? 0) !== STEP) throw new Error(`statuses ${JSON.stringify([...statuses])}`);
    await sleep(500);
    rows.push([sent + STEP, rssBytes(child.pid)]);
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  if (stalled) child.stdout.resume();
  await exited;
  clearTimeout(timer);
  const lines = readFileSync(journal, 'utf8').split('\n').length - 1;
  console.log(`\nlisten --json --record, stdout ${stalled ? 'NOT read after the ready line' : 'read'}:`);
  for (let i = 1; i < rows.length; i++) {
    console.log(`  after ${rows[i][0].toLocaleString('en-US')} deliveries: RSS ${mib(rows[i][1])} (+${mib(rows[i][1] - rows[i - 1][1])} over the last ${STEP.toLocaleString('en-US')})`);
  }
  const perStep = (rows.at(-1)[1] - rows[1][1]) / (rows.length - 2);
  console.log(`  first ${STEP.toLocaleString('en-US')}: +${mib(rows[1][1] - rows[0][1])}; after that, +${mib(perStep)} per ${STEP.toLocaleString('en-US')} (target ≤ 5 MiB)`);
  console.log(`  journal: ${lines.toLocaleString('en-US')} lines of ${COUNT.toLocaleString('en-US')} deliveries`);
  const warnings = stderr.split('\n').filter((line) => /stdout/i.test(line));
  if (warnings.length > 0) console.log(`  stderr: ${warnings.join('\n          ')}`);
}
