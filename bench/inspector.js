// The inspector with 10,000 deliveries in its history. Run `npm run build` first, then:
//   node bench/inspector.js [--deliveries 10000]
//
// 1. History from a journal: `listen --record` on a journal of N deliveries. Start-up time and RSS with the
//    inspector against `--no-inspect` in the same run; then the page in headless Chromium: time to the first rows,
//    rows in the DOM (the list is virtualized), scrolling the whole list (paged from the server), a free-text
//    search over every body, j pressed 100 times; and the listener's RSS after all that.
// 2. History in memory: live deliveries sent to `listen` (no journal); RSS after 1,000, after N and after 3N,
//    with the inspector (which holds the last 1,000) and with --no-inspect.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { chromium } from 'playwright-core';
import { sign, DEFAULT_TEST_SECRET } from '../dist/signature/index.js';
import { rssBytes } from './lib/measure.js';

const { values } = parseArgs({ options: { deliveries: { type: 'string', default: '10000' } } });
const N = Number(values.deliveries);
const BIN = fileURLToPath(new URL('../bin/scandocs-webhooks.js', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const work = mkdtempSync(join(tmpdir(), 'bench-inspector-'));
const mib = (b) => `${(b / 1_048_576).toFixed(1)} MiB`;
const ms = (t) => `${Math.round(t)} ms`;

function body(n) {
  return JSON.stringify({
    id: `event_bench${n}`,
    type: n % 7 === 0 ? 'task.failed' : 'task.completed',
    timestamp: new Date(Date.now() - (N - n) * 1000).toISOString(),
    data: { id: `task_bench${n}`, operation: 'extract-text', result: { content: `Invoice ${n}\nTotal due: 1,250.00 EUR`, format: 'plain' } },
  });
}

function writeJournal(path) {
  const lines = [];
  for (let n = 1; n <= N; n++) {
    const text = body(n);
    const { headers, id, timestamp, signature } = sign({ payload: text, secret: DEFAULT_TEST_SECRET });
    lines.push(
      JSON.stringify({
        type: 'delivery',
        receivedAt: new Date(Date.now() - (N - n) * 1000).toISOString(),
        method: 'POST',
        path: '/webhooks',
        headers: { host: '127.0.0.1:4000', 'content-type': 'application/json', ...headers },
        body: text,
        bodyEncoding: 'utf8',
        messageId: id,
        eventType: JSON.parse(text).type,
        eventId: `event_bench${n}`,
        verification: { ok: true, id, timestamp, family: 'svix', signature, secretIndex: 0 },
        status: 200,
      }),
    );
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

async function start(name, args) {
  const outPath = join(work, `${name}.out`);
  const out = await open(outPath, 'w');
  const started = performance.now();
  // The inspector's token file goes to the bench's own directory, not the user's state directory.
  const env = { ...process.env, XDG_STATE_HOME: work };
  const child = spawn(process.execPath, [BIN, 'listen', '--port', '0', ...args], { stdio: ['ignore', out.fd, 'ignore'], env });
  await out.close();
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const text = readFileSync(outPath, 'utf8');
    const ready = /Ready: waiting for deliveries on (http:\/\/[\d.:]+)/.exec(text);
    if (ready) return { child, url: ready[1], inspectUrl: /inspect\s+(\S+)/.exec(text)?.[1], readyMs: performance.now() - started };
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill();
  throw new Error(`${name} did not become ready:\n${readFileSync(outPath, 'utf8')}`);
}

async function stop(server) {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGINT');
  await exited;
}

const settle = () => new Promise((r) => setTimeout(r, 500));

let sequence = 0;
function signedRequest(request) {
  const text = body(++sequence);
  const { headers } = sign({ payload: text, secret: DEFAULT_TEST_SECRET });
  return { ...request, method: 'POST', path: '/webhooks', headers: { 'content-type': 'application/json', ...headers }, body: text };
}

async function send(url, amount) {
  const result = await autocannon({ url, connections: 10, amount, requests: [{ setupRequest: signedRequest }] });
  if (result.non2xx + result.errors + result.timeouts > 0) throw new Error(`${result.non2xx + result.errors + result.timeouts} requests failed`);
}

// 1. History from a journal.
const journal = join(work, 'events.jsonl');
writeJournal(journal);
console.log(`journal: ${N.toLocaleString('en')} deliveries, ${mib(readFileSync(journal).length)}`);
const readyTimes = { on: [], off: [] };
for (let round = 0; round < 3; round++) {
  for (const mode of round % 2 ? ['off', 'on'] : ['on', 'off']) {
    const s = await start(`ready-${mode}-${round}`, ['--record', journal, '--inspect-port', '0', ...(mode === 'off' ? ['--no-inspect'] : [])]);
    readyTimes[mode].push({ ms: s.readyMs, rss: rssBytes(s.child.pid) });
    await stop(s);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const onReady = median(readyTimes.on.map((r) => r.ms));
const offReady = median(readyTimes.off.map((r) => r.ms));
console.log(`start-up to ready: ${ms(onReady)} with the inspector (it reads the journal when a page first asks), ${ms(offReady)} with --no-inspect (median of 3)`);
console.log(`RSS at ready: ${mib(median(readyTimes.on.map((r) => r.rss)))} with the inspector, ${mib(median(readyTimes.off.map((r) => r.rss)))} without`);

if (!existsSync(CHROMIUM)) {
  console.log(`skipped the page: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
} else {
  const listener = await start('page', ['--record', journal, '--inspect-port', '0']);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 760 } })).newPage();
    let t = performance.now();
    await page.goto(listener.inspectUrl);
    await page.locator('[data-testid=list] .row').first().waitFor();
    await page.getByTestId('detail').waitFor();
    console.log(`page: first rows and the newest delivery's detail in ${ms(performance.now() - t)}`);
    console.log(`page: ${await page.locator('[data-testid=list] .row').count()} rows in the DOM for ${N.toLocaleString('en')} deliveries (virtualized)`);

    t = performance.now();
    for (let i = 0; i < 400; i++) {
      const shown = await page.evaluate(() => {
        const el = document.querySelector('[data-testid=list]');
        el.scrollTop = el.scrollHeight;
        return document.querySelector('.count').textContent;
      });
      if (shown === `${N.toLocaleString('en')} shown`) break;
      await page.waitForTimeout(20);
    }
    const all = await page.locator('.count').textContent();
    console.log(`page: scrolled to the oldest delivery, loading pages of 200 as it went: ${all} in ${ms(performance.now() - t)}, ${await page.locator('[data-testid=list] .row').count()} rows in the DOM`);

    await page.evaluate(() => (document.querySelector('[data-testid=list]').scrollTop = 0));
    await page.locator('[data-testid=list] .row').first().click();
    t = performance.now();
    for (let i = 0; i < 100; i++) {
      await page.keyboard.press('j');
      await page.locator(`[data-testid=detail] h2`, { hasText: `event_bench${N - i - 1}` }).waitFor();
    }
    console.log(`page: j pressed 100 times, each waiting for the next delivery's detail: ${ms((performance.now() - t) / 100)} per press`);

    t = performance.now();
    await page.getByLabel('search bodies').fill(`Invoice ${Math.floor(N / 2)}\\n`);
    await page.getByLabel('search bodies').fill(`bench${Math.floor(N / 2)}"`);
    await page.locator('.count', { hasText: /^1 shown$/ }).waitFor({ timeout: 20_000 });
    console.log(`page: free-text search over ${N.toLocaleString('en')} bodies (read back from the journal) in ${ms(performance.now() - t)} (includes 200 ms of typing pause)`);
    await settle();
    console.log(`listener RSS after browsing the page: ${mib(rssBytes(listener.child.pid))}`);
  } finally {
    await browser.close();
    await stop(listener);
  }
}

// 2. History in memory: N live deliveries.
for (const mode of ['on', 'off']) {
  const s = await start(`memory-${mode}`, ['--inspect-port', '0', ...(mode === 'off' ? ['--no-inspect'] : [])]);
  sequence = 0;
  await send(s.url, 1_000);
  await settle();
  const early = rssBytes(s.child.pid);
  await send(s.url, N - 1_000);
  await settle();
  const late = rssBytes(s.child.pid);
  await send(s.url, 2 * N);
  await settle();
  const later = rssBytes(s.child.pid);
  console.log(
    `memory history ${mode === 'on' ? 'with the inspector' : '--no-inspect      '}: RSS ${mib(early)} after 1,000 deliveries, ` +
      `${mib(late)} after ${N.toLocaleString('en')} (${(late / early).toFixed(2)}x), ${mib(later)} after ${(3 * N).toLocaleString('en')} (${(later / early).toFixed(2)}x)`,
  );
  await stop(s);
}
rmSync(work, { recursive: true, force: true });
