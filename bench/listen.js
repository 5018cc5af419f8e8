// The listener's own CPU per delivery, against a bare node:http server and against the floor (the work a delivery
// requires, inline: bench/listen-floor.cjs), all measured in the same run. Run `npm run build` first, then:
//
//   node bench/listen.js [--quick] [--rounds 5] [--count 40000] [--warmup 20000] [--connections 20]
//                        [--client lean|autocannon] [--only bare,floor,listen,record,json] [--floor] [--terminal]
//                        [--compare other/bin/scandocs-webhooks.js] [--no-inspect]
//   node bench/listen.js --memory      RSS after 100,000 deliveries against after 1,000, alone
//
// The primary figure is the server's CPU time per delivery (user + system of its process, from /proc), over a
// fixed count of deliveries: unlike requests/s it does not move when other processes take the machine's cores,
// nor when the load generator is what runs out of CPU. Every delivery is distinct (its own svix-id and event
// id), signed before the clock starts with a fresh timestamp, and sent over keep-alive connections by a client
// that only writes pre-built bytes, so each one is verified and remembered by the duplicate detector. The
// servers take turns within a round (the order reversed every other round), and each ratio is the median of the
// rounds' ratios. The output says when the client used more than 90% of a core: rates from those measurements
// measure the client.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { SECRET, signedDeliveries, signedRequestBuffers } from './lib/deliveries.js';
import { sendAll } from './lib/keep-alive-client.js';
import { cpuMicros, findProcess, formatSpread, rssBytes, sleep, spread } from './lib/measure.js';

const { values } = parseArgs({
  options: {
    // A run a developer can wait for (well under a minute): fewer, shorter rounds, no memory run.
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    count: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '20' },
    // lean: bench/lib/keep-alive-client.js. autocannon spends about twice a bare server's CPU per request, so on
    // two cores it, not the server, sets the pace; it is kept to show that.
    client: { type: 'string', default: 'lean' },
    only: { type: 'string' },
    // Only the bare server and the floor (the reference figures).
    floor: { type: 'boolean', default: false },
    // Run the floor and the listeners in a pseudo-terminal (util-linux `script`), their lines coloured, as a
    // developer watching them does, instead of with their lines going to a file.
    terminal: { type: 'boolean', default: false },
    // Only the memory run: RSS after 1,000 and after 100,000 deliveries, for listen, --record and --json.
    memory: { type: 'boolean', default: false },
    // Another build's bin/scandocs-webhooks.js (e.g. a checkout of main) to run as well, so a change is measured
    // against the code before it in the same run: each listener also runs from there, marked "(compare)".
    compare: { type: 'string' },
    help: { type: 'boolean', default: false },
    // Run this build's listeners without their inspector page (on by default), to see what it costs.
    'no-inspect': { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(0, 8).join('\n').replaceAll('// ', '').replaceAll('//', ''));
  process.exit(0);
}
const CONNECTIONS = positive('connections', values.connections);
const ROUNDS = positive('rounds', values.rounds ?? (values.quick ? '3' : '5'));
// A multiple of the connection count, so every connection sends the same share of distinct deliveries.
const COUNT = roundUp(positive('count', values.count ?? (values.quick ? '8000' : '40000')));
const WARMUP = roundUp(positive('warmup', values.warmup ?? (values.quick ? '4000' : '20000')));
const CLIENT = values.client;
if (CLIENT !== 'lean' && CLIENT !== 'autocannon') fail(`--client must be lean or autocannon, not ${CLIENT}`);
const CLIENT_SATURATED = 0.9;
// No run may outlive this, whatever hangs: the servers are killed and the bench exits 1.
const WATCHDOG_MS = 30 * 60_000;

const BIN = fileURLToPath(new URL('../bin/scandocs-webhooks.js', import.meta.url));
const FLOOR = fileURLToPath(new URL('./listen-floor.cjs', import.meta.url));

/** The same minimal server every webhook tutorial starts from: read the body, answer 200. */
const BARE_SERVER = `
const server = require('node:http').createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => { Buffer.concat(chunks); res.end('ok'); });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ type: 'ready', url: 'http://127.0.0.1:' + server.address().port })));
`;

// This build's listeners serve the inspector page as they do by default (on a free port, no page open), or not
// with --no-inspect; a --compare build gets no inspector flags, which it may not know.
const INSPECT = values['no-inspect'] ? ['--no-inspect'] : ['--inspect-port', '0'];
const listeners = (bin, suffix = '') => {
  const port = ['--port', '0', ...(suffix ? [] : INSPECT)];
  return {
    [`listen${suffix}`]: { label: `listen${suffix && ' (compare)'}`, args: () => [bin, 'listen', ...port], terminal: true },
    [`record${suffix}`]: { label: `listen --record${suffix && ' (compare)'}`, args: (journal) => [bin, 'listen', ...port, '--record', journal], journal: true, terminal: true },
    [`json${suffix}`]: { label: `listen --json${suffix && ' (compare)'}`, args: () => [bin, 'listen', ...port, '--json'], terminal: true },
  };
};
const SERVERS = {
  bare: { label: 'bare node:http', args: () => ['-e', BARE_SERVER] },
  floor: { label: 'floor (listen-floor.cjs)', args: (journal) => [FLOOR, journal, SECRET], journal: true, terminal: true },
  ...listeners(BIN),
  ...(values.compare ? listeners(values.compare, '@compare') : {}),
};
// The targets, as CPU per delivery against the floor's, medians of one run.
const TARGETS = { listen: 1.1, record: 1.1, json: 1.3, 'listen@compare': 1.1, 'record@compare': 1.1, 'json@compare': 1.3 };

let names = values.only ? values.only.split(',') : values.floor ? ['bare', 'floor'] : ['bare', 'floor', 'listen', 'record', 'json'];
for (const name of names) if (!(name in SERVERS) || name.includes('@')) fail(`--only takes bare,floor,listen,record,json; ${name} is not one`);
if (values.compare) {
  if (!existsSync(values.compare)) {
    fail(
      `--compare takes the path of another build's bin/scandocs-webhooks.js; ${values.compare} does not exist ` +
        '(make one with: git worktree add ../before HEAD~1 && (cd ../before && npm install), then --compare ../before/bin/scandocs-webhooks.js)',
    );
  }
  names = names.flatMap((name) => (name in TARGETS ? [name, `${name}@compare`] : [name]));
}

const work = mkdtempSync(join(tmpdir(), 'bench-listen-'));
const started = new Set();
const watchdog = setTimeout(() => {
  console.error(`bench/listen.js: still running after ${WATCHDOG_MS / 60_000} minutes; stopping`);
  for (const server of started) server.child.kill('SIGKILL');
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

try {
  if (values.memory) await memoryRun(['listen', 'record', 'json']);
  else {
    await cpuRuns(names);
    if (!values.quick && names.includes('record')) await memoryRun(['record']);
  }
} finally {
  for (const server of started) await stop(server);
  rmSync(work, { recursive: true, force: true });
}

async function cpuRuns(names) {
  console.log(
    `${names.length} servers, ${ROUNDS} rounds of ${COUNT.toLocaleString('en-US')} deliveries each after ${WARMUP.toLocaleString('en-US')} to warm up, ` +
      `${CONNECTIONS} keep-alive connections, client: ${CLIENT}${values.terminal ? ', listeners in a pseudo-terminal' : ', lines to files'}`,
  );
  console.log(`load average before: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} (${navigatorCores()} cores)`);
  const servers = {};
  for (const name of names) servers[name] = await start(name);
  for (const name of names) await measure(servers[name], WARMUP);

  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 === 1 ? names : [...names].reverse();
    for (const name of order) {
      samples[name].push(await measure(servers[name], COUNT));
      if (SERVERS[name].journal) truncateSync(servers[name].journal, 0); // keeps the disk in use small
    }
    const cells = names.map((name) => {
      const m = samples[name].at(-1);
      return `${name} ${m.cpuPerDelivery.toFixed(0)} µs ${Math.round(m.rate)}/s${m.clientUse > CLIENT_SATURATED ? ' (client-bound)' : ''}`;
    });
    console.log(`round ${round}  ${cells.join('  ')}`);
  }

  const perRound = (name, f) => samples[name].map((m, i) => f(m, i));
  const has = (name) => names.includes(name);
  const rows = [['server', 'CPU µs/delivery', '× bare', '× floor', 'deliveries/s', 'rate × bare', 'server busy']];
  for (const name of names) {
    const cpu = spread(perRound(name, (m) => m.cpuPerDelivery));
    const xBare = has('bare') ? spread(perRound(name, (m, i) => m.cpuPerDelivery / samples.bare[i].cpuPerDelivery)) : undefined;
    const xFloor = has('floor') && name !== 'bare' ? spread(perRound(name, (m, i) => m.cpuPerDelivery / samples.floor[i].cpuPerDelivery)) : undefined;
    const rate = spread(perRound(name, (m) => m.rate));
    const rateBare = has('bare') ? spread(perRound(name, (m, i) => m.rate / samples.bare[i].rate)) : undefined;
    const busy = spread(perRound(name, (m) => m.serverUse * 100));
    let floorCell = xFloor ? formatSpread(xFloor, 2) : '';
    if (xFloor && TARGETS[name]) floorCell += ` (≤ ${TARGETS[name].toFixed(2)}: ${xFloor.median <= TARGETS[name] ? 'ok' : 'ABOVE TARGET'})`;
    rows.push([SERVERS[name].label, formatSpread(cpu, 0), xBare ? formatSpread(xBare, 2) : '', floorCell, formatSpread(rate, 0), rateBare ? formatSpread(rateBare, 2) : '', `${formatSpread(busy, 0)} %`]);
  }
  console.log(`\nmedians [min–max] of ${ROUNDS} rounds; each ratio is measured within a round`);
  printTable(rows);

  const all = names.flatMap((name) => samples[name]);
  const clientUse = spread(all.map((m) => m.clientUse * 100));
  const clientCpu = spread(all.map((m) => m.clientCpuPerDelivery));
  const bound = all.filter((m) => m.clientUse > CLIENT_SATURATED).length;
  console.log(
    `client (${CLIENT}): ${formatSpread(clientCpu, 0)} µs per delivery, ${formatSpread(clientUse, 0)} % of one core; ` +
      (bound === 0
        ? `never above ${CLIENT_SATURATED * 100} %: not the bottleneck`
        : `CLIENT-BOUND in ${bound} of ${all.length} measurements (above ${CLIENT_SATURATED * 100} % of a core): their rates measure the client, not the server`),
  );
  console.log(
    'server busy = its CPU time over the wall time of the load. When neither it nor the client is near 100 %, other\n' +
      'processes had the cores: the rates are then noisy, the CPU per delivery (and its ratios) much less so.',
  );
  console.log(`load average after: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  for (const name of names) await stop(servers[name]);
}

/** RSS of a fresh server after 1,000 deliveries, then after 100,000, for each of `names`. */
async function memoryRun(names) {
  for (const name of names) {
    const server = await start(`${name}-memory`, name, { terminal: false });
    await measure(server, 1_000, { connections: 10 });
    await sleep(500);
    const early = rssBytes(server.pid);
    // In shares, so the bench never holds 99,000 pre-built requests at once.
    for (let sent = 1_000; sent < 100_000; sent += 19_800) await measure(server, 19_800, { connections: 10 });
    await sleep(500);
    const late = rssBytes(server.pid);
    const mib = (b) => `${(b / 1_048_576).toFixed(1)} MiB`;
    const journal = server.journal ? `; journal ${readFileSync(server.journal, 'utf8').split('\n').length - 1} lines, ${mib(statSync(server.journal).size)}` : '';
    const ratio = late / early;
    console.log(`memory, ${SERVERS[name].label}: RSS ${mib(early)} after 1,000 deliveries, ${mib(late)} after 100,000${journal}`);
    console.log(`  ratio ${ratio.toFixed(2)} (target ≤ 1.25) ${ratio <= 1.25 ? 'ok' : 'ABOVE TARGET'}`);
    await stop(server);
  }
}

/**
 * Sends `count` fresh deliveries to `server` and returns its CPU per delivery, the rate, and how busy the server
 * and the client (this process) were. The deliveries are signed before the clock starts.
 */
async function measure(server, count, { connections = CONNECTIONS } = {}) {
  const requests = CLIENT === 'lean' ? signedRequestBuffers(count, server) : signedDeliveries(count);
  await sleep(100); // the previous load's last output write, in whichever server, is done
  const serverBefore = cpuMicros(server.pid);
  const clientBefore = process.cpuUsage();
  const { ms, statuses } = CLIENT === 'lean' ? await sendAll({ port: server.port, requests, connections }) : await cannon(server, requests, connections);
  const client = process.cpuUsage(clientBefore);
  // Work a server does just after its last answer (a batched write of lines) belongs to these deliveries.
  await sleep(150);
  const serverCpu = cpuMicros(server.pid) - serverBefore;
  const ok = statuses.get(200) ?? 0;
  if (ok !== count) throw new Error(`${server.name}: ${ok} of ${count} deliveries answered 200 (statuses: ${JSON.stringify([...statuses])})`);
  const clientCpu = client.user + client.system;
  return { cpuPerDelivery: serverCpu / count, rate: count / (ms / 1000), serverUse: serverCpu / 1000 / ms, clientUse: clientCpu / 1000 / ms, clientCpuPerDelivery: clientCpu / count };
}

/** autocannon sending each delivery once: each connection cycles through its own share (`setRequests`). */
async function cannon(server, deliveries, connections) {
  const share = deliveries.length / connections;
  let next = 0;
  const begun = performance.now();
  const result = await autocannon({
    url: server.url,
    connections,
    amount: deliveries.length,
    timeout: 10,
    requests: [deliveries[0]],
    setupClient(client) {
      const i = next++;
      client.setRequests(deliveries.slice(i * share, (i + 1) * share));
    },
  });
  const ms = performance.now() - begun;
  return { ms, statuses: new Map([[200, result['2xx']], [0, result.non2xx + result.errors + result.timeouts]]) };
}

async function start(id, kind = id, { terminal = values.terminal } = {}) {
  const spec = SERVERS[kind];
  const journal = spec.journal ? join(work, `${id}.jsonl`) : undefined;
  const outPath = join(work, `${id}.out`);
  const errPath = join(work, `${id}.err`);
  // Appending, so truncating a file between rounds leaves no hole where the server's offset was.
  const out = openSync(outPath, 'a');
  const err = openSync(errPath, 'a');
  const command = [process.execPath, ...spec.args(journal)];
  const inTerminal = terminal && spec.terminal;
  const child = inTerminal
    ? spawn('script', ['--quiet', '--flush', '--return', '--command', command.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' '), '/dev/null'], { stdio: ['ignore', out, err] })
    : spawn(command[0], command.slice(1), { stdio: ['ignore', out, err] });
  closeSync(out);
  closeSync(err);
  const server = { name: id, child, journal, outPath, errPath };
  started.add(server);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    // eslint-disable-next-line no-control-regex
    const text = (readFileSync(outPath, 'utf8') + readFileSync(errPath, 'utf8')).replace(/\x1b\[[0-9;]*m/g, '');
    const ready = /(?:Ready: waiting for deliveries on |"url":")http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
    if (ready) {
      server.port = Number(ready[1]);
      server.url = `http://127.0.0.1:${server.port}/webhooks`;
      server.pid = inTerminal ? findProcess(child.pid, 'node') : child.pid;
      if (!server.pid) throw new Error(`${id}: no node process under the pseudo-terminal`);
      return server;
    }
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  throw new Error(`${id} did not become ready within 10 s:\n${readFileSync(outPath, 'utf8')}${readFileSync(errPath, 'utf8')}`);
}

async function stop(server) {
  if (!started.delete(server) || server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGINT');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function printTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
}

function positive(flag, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) fail(`--${flag} takes a whole number above 0, not ${text}`);
  return n;
}

function roundUp(n) {
  return Math.ceil(n / CONNECTIONS) * CONNECTIONS;
}

function navigatorCores() {
  return readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((line) => line.startsWith('processor')).length;
}

function fail(message) {
  console.error(`bench/listen.js: ${message}`);
  process.exit(2);
}
