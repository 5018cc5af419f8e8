// Throughput and memory of `listen` receiving verified, recorded deliveries, against a bare node:http server
// under the same load in the same run. Run `npm run build` first, then: node bench/listen.js [--seconds 5] [--rounds 7] [--connections 10] [--floor] [--terminal] [--no-inspect]
//
// Prints requests/s of both and their ratio (target >= 0.75), then the listener's RSS after 1,000 and after
// 100,000 deliveries and their ratio (target <= 1.25). Every request carries a fresh svix-id and a valid
// signature, so each one is verified, written to the journal and remembered by the duplicate detector.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sign, DEFAULT_TEST_SECRET } from '../dist/signature/index.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '7' },
    connections: { type: 'string', default: '10' },
    // Measure bench/listen-floor.cjs (the same work, inline) in place of the listener.
    floor: { type: 'boolean', default: false },
    // Run the listener in a pseudo-terminal (util-linux `script`), as a developer watching it does, instead of
    // with its lines going to a file. Throughput only; the memory run is unchanged.
    terminal: { type: 'boolean', default: false },
    // Run the listener without its inspector page (on by default), to measure what the inspector costs.
    'no-inspect': { type: 'boolean', default: false },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const CONNECTIONS = Number(values.connections);
const BIN = fileURLToPath(new URL('../bin/scandocs-webhooks.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'bench-listen-'));

/** The same minimal server every webhook tutorial starts from: read the body, answer 200. */
const BARE_SERVER = `
const server = require('node:http').createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => { Buffer.concat(chunks); res.end('ok'); });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ type: 'ready', url: 'http://127.0.0.1:' + server.address().port })));
`;

let sequence = 0;
/** A realistic task.completed event, signed afresh with a new svix-id for every request. */
function signedRequest(request) {
  sequence++;
  const body = JSON.stringify({
    id: `event_bench${sequence}`,
    type: 'task.completed',
    timestamp: new Date().toISOString(),
    data: {
      id: `task_bench${sequence}`,
      operation: 'extract-text',
      result: { content: 'Invoice 2024-117\nTotal due: 1,250.00 EUR\nPayment within 30 days of the invoice date.', format: 'plain' },
    },
  });
  const { headers } = sign({ payload: body, secret: DEFAULT_TEST_SECRET, id: `msg_bench${String(sequence).padStart(20, '0')}` });
  return { ...request, method: 'POST', path: '/webhooks', headers: { 'content-type': 'application/json', ...headers }, body };
}

async function start(name, args, { terminal = false } = {}) {
  const outPath = join(work, `${name}.out`);
  const out = await open(outPath, 'w');
  const command = [process.execPath, ...args];
  const child = terminal
    ? spawn('script', ['--quiet', '--flush', '--return', '--command', command.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' '), '/dev/null'], { stdio: ['ignore', out.fd, 'ignore'] })
    : spawn(command[0], command.slice(1), { stdio: ['ignore', out.fd, 'ignore'] });
  await out.close();
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const ready = /(?:Ready: waiting for deliveries on |"url":")(http:\/\/[\d.:]+)/.exec(readFileSync(outPath, 'utf8'));
    if (ready) return { child, url: ready[1] };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error(`${name} did not become ready:\n${readFileSync(outPath, 'utf8')}`);
}

async function stop(server) {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGINT');
  await exited;
}

async function load(url, options) {
  const result = await autocannon({ url, connections: CONNECTIONS, requests: [{ setupRequest: signedRequest }], ...options });
  const failures = result.non2xx + result.errors + result.timeouts;
  if (failures > 0) throw new Error(`${failures} requests failed (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts})`);
  return result;
}

function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

const journal = join(work, 'events.jsonl');
// The listener's human lines go to a file, as they would to a terminal.
const listenArgs = values.floor
  ? [fileURLToPath(new URL('./listen-floor.cjs', import.meta.url)), journal, DEFAULT_TEST_SECRET]
  : [BIN, 'listen', '--port', '0', '--inspect-port', '0', '--record', journal, ...(values['no-inspect'] ? ['--no-inspect'] : [])];
if (values.floor) console.log('measuring bench/listen-floor.cjs (the inline floor) in place of the listener');
if (values.terminal) console.log('the listener runs in a pseudo-terminal (script), its lines coloured as on screen');
const bare = await start('bare', ['-e', BARE_SERVER]);
const listen = await start('listen', listenArgs, { terminal: values.terminal });
try {
  // Warm both up (JIT, connection set-up) before measuring.
  await load(bare.url, { duration: 1 });
  await load(listen.url, { duration: 1 });
  // Alternate the two servers round by round (and which goes first), so a burst of load from elsewhere on the
  // machine hits both alike; the ratio is the median of the rounds' ratios.
  const totals = { bare: 0, listen: 0 };
  const ratios = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const rps = {};
    const order = round % 2 === 1 ? [['bare', bare], ['listen', listen]] : [['listen', listen], ['bare', bare]];
    for (const [name, server] of order) {
      const result = await load(server.url, { duration: SECONDS });
      rps[name] = result.requests.average;
      totals[name] += result.requests.average;
    }
    ratios.push(rps.listen / rps.bare);
    console.log(`round ${round}  bare ${Math.round(rps.bare)} req/s  listen ${Math.round(rps.listen)} req/s  ratio ${(rps.listen / rps.bare).toFixed(2)}`);
  }
  const ratio = ratios.sort((a, b) => a - b)[Math.floor(ratios.length / 2)];
  console.log(`throughput: listen ${Math.round(totals.listen / ROUNDS)} req/s vs bare node:http ${Math.round(totals.bare / ROUNDS)} req/s (${CONNECTIONS} connections, ${SECONDS} s rounds)`);
  console.log(`ratio ${ratio.toFixed(2)}, median of ${ROUNDS} rounds (target >= 0.75) ${ratio >= 0.75 ? 'OK' : 'BELOW TARGET'}`);
} finally {
  await stop(bare);
  await stop(listen);
}

// Memory: a fresh listener, RSS after 1,000 deliveries, then after 100,000.
rmSync(journal, { force: true });
const fresh = await start('listen-memory', listenArgs);
try {
  await load(fresh.url, { amount: 1_000 });
  await new Promise((r) => setTimeout(r, 500));
  const early = rssBytes(fresh.child.pid);
  await load(fresh.url, { amount: 99_000 });
  await new Promise((r) => setTimeout(r, 500));
  const late = rssBytes(fresh.child.pid);
  const lines = readFileSync(journal, 'utf8').split('\n').length - 1;
  const mib = (b) => `${(b / 1_048_576).toFixed(1)} MiB`;
  console.log(`memory: RSS ${mib(early)} after 1,000 deliveries, ${mib(late)} after 100,000 (${lines} journal lines, ${mib(statSync(journal).size)})`);
  console.log(`ratio ${(late / early).toFixed(2)} (target <= 1.25) ${late / early <= 1.25 ? 'OK' : 'ABOVE TARGET'}`);
} finally {
  await stop(fresh);
  rmSync(work, { recursive: true, force: true });
}
