#!/usr/bin/env node
// Issue 20's limits for scenarios, measured against plain events in the same run. Run `npm run build` first, then:
//
//   node bench/trigger-scenario.js [--quick] [--count 10000] [--scenario convert] [--concurrency 50] [--rounds 3]
//
// 1. Building: µs per event to build a scenario's events (scenarioTextBuilder, what trigger sends; buildScenario,
//    the library's objects) against building the same events one by one as trigger does for plain types
//    (eventTextBuilder per type) and as the library does (buildEvent). In this process, alternating, median of rounds.
// 2. Sending: `trigger --scenario convert --count 10000` (4 events a round: 40,000) against
//    `trigger file.created --count 40000`, both fresh processes timed from spawn to exit, sending to a bare
//    node:http server in another process, --no-retries; events/s and the process's CPU per event, the rounds
//    alternating which goes first. Target: the scenario's events/s ≥ 0.9× plain events'.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildEvent, buildScenario } from '../dist/index.js';
import { eventTextBuilder } from '../dist/events/event-text.js';
import { builtInScenario } from '../dist/events/scenario.js';
import { scenarioTextBuilder } from '../dist/events/scenario-text.js';
import { formatSpread, spread } from './lib/measure.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    count: { type: 'string' },
    scenario: { type: 'string', default: 'convert' },
    concurrency: { type: 'string', default: '50' },
    rounds: { type: 'string' },
  },
});
const ROUNDS = Number(values.rounds ?? (values.quick ? '2' : '3'));
const COUNT = Number(values.count ?? (values.quick ? '1000' : '10000'));
const SCENARIO = values.scenario;
const TARGET = 0.9;
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/scandocs-webhooks.js');
const usagePreload = fileURLToPath(new URL('./lib/report-usage.cjs', import.meta.url));
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

// 1. Building, in this process.
const sample = buildScenario(SCENARIO);
const plainBuilders = sample.map(({ event }) => [event.type, variantOf(event)]).map(([type, variant]) => eventTextBuilder(type, { variant }));
const scenarioText = scenarioTextBuilder(builtInScenario(SCENARIO));
const perEvent = sample.length;
const builders = {
  'eventTextBuilder, type by type (plain trigger)': () => plainBuilders.forEach((build) => build()),
  'scenarioTextBuilder (trigger --scenario)': () => scenarioText(),
  'buildEvent, one by one (library)': () => sample.forEach(({ event }) => buildEvent(event.type, { variant: variantOf(event) })),
  'buildScenario (library)': () => buildScenario(SCENARIO),
};
const BUILDS = values.quick ? 5_000 : 20_000;
const buildSamples = Object.fromEntries(Object.keys(builders).map((name) => [name, []]));
console.log(`${SCENARIO}: ${perEvent} events a round; load average ${loadavg()} (2 cores shared)`);
for (let round = 0; round < 5; round++) {
  const names = Object.keys(builders);
  for (const name of round % 2 ? names.reverse() : names) {
    const build = builders[name];
    for (let i = 0; i < 1000; i++) build();
    const started = performance.now();
    for (let i = 0; i < BUILDS; i++) build();
    buildSamples[name].push(((performance.now() - started) * 1000) / BUILDS / perEvent);
  }
}
console.log('\nbuilding, µs per event (median [min–max] of 5 rounds):');
for (const [name, list] of Object.entries(buildSamples)) console.log(`  ${name.padEnd(48)} ${formatSpread(spread(list), 2)}`);

/** Which sample variant an event of a lifecycle is (for building it one by one). */
function variantOf(event) {
  if (event.type === 'task.completed') return event.data.operation;
  if (event.type === 'file.created') return `${event.data.type === 'application/pdf' ? 'pdf' : 'image'}${event.data.task_id ? '-generated' : ''}`;
  return undefined;
}

// 2. Sending, fresh processes.
const SERVER = `
const server = require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => res.end('ok')); });
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
const server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve) => server.stdout.once('data', (data) => resolve(String(data).trim())));
const url = `http://127.0.0.1:${port}/webhooks`;
const outputDir = mkdtempSync(join(tmpdir(), 'bench-trigger-scenario-'));
const EVENTS = COUNT * perEvent;

function run(name, args) {
  const output = join(outputDir, `${name}.out`);
  const usageFile = join(outputDir, `${name}.usage.json`);
  const fd = openSync(output, 'w');
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--require', usagePreload, bin, ...args, '--no-retries', '--concurrency', values.concurrency, '--url', url], {
    stdio: ['ignore', fd, 'inherit'],
    env: { ...process.env, BENCH_USAGE_FILE: usageFile },
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
  return new Promise((resolve, reject) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      closeSync(fd);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const tail = readFileSync(output, 'utf8').slice(-300);
      if (code !== 0 || !tail.includes(`delivered ${EVENTS} of ${EVENTS} events`)) return reject(new Error(`${name} exited ${code}: ${tail}`));
      resolve({ rate: EVENTS / seconds, cpu: JSON.parse(readFileSync(usageFile, 'utf8')).cpuMicros / EVENTS });
    }),
  );
}

try {
  const sends = { scenario: [], plain: [] };
  console.log(`\nsending ${EVENTS.toLocaleString('en-US')} events, concurrency ${values.concurrency}, ${ROUNDS} rounds; load average ${loadavg()}`);
  for (let round = 1; round <= ROUNDS; round++) {
    const steps = [
      async () => sends.scenario.push(await run('scenario', ['trigger', '--scenario', SCENARIO, '--count', String(COUNT)])),
      async () => sends.plain.push(await run('plain', ['trigger', 'file.created', '--count', String(EVENTS)])),
    ];
    for (const step of round % 2 ? steps : steps.reverse()) await step();
    const [s, p] = [sends.scenario.at(-1), sends.plain.at(-1)];
    console.log(`round ${round}  --scenario ${SCENARIO} ${Math.round(s.rate)}/s (${s.cpu.toFixed(0)} µs CPU/event)  plain ${Math.round(p.rate)}/s (${p.cpu.toFixed(0)} µs CPU/event)`);
  }
  const ratio = spread(sends.scenario.map((s, i) => s.rate / sends.plain[i].rate));
  const cpuRatio = spread(sends.scenario.map((s, i) => s.cpu / sends.plain[i].cpu));
  console.log(`\nmedians [min–max] of ${ROUNDS} rounds; load average ${loadavg()}`);
  console.log(`trigger --scenario ${SCENARIO} --count ${COUNT}: ${formatSpread(spread(sends.scenario.map((s) => s.rate)))} events/s; ${formatSpread(spread(sends.scenario.map((s) => s.cpu)))} µs CPU per event`);
  console.log(`trigger file.created --count ${EVENTS}: ${formatSpread(spread(sends.plain.map((s) => s.rate)))} events/s; ${formatSpread(spread(sends.plain.map((s) => s.cpu)))} µs CPU per event`);
  console.log(`ratio ${formatSpread(ratio, 2)} of plain events/s (target ≥ ${TARGET}: ${ratio.median >= TARGET ? 'ok' : 'BELOW TARGET'}); CPU per event ${formatSpread(cpuRatio, 2)}×`);
  process.exitCode = ratio.median >= TARGET ? 0 : 1;
} finally {
  server.kill();
  rmSync(outputDir, { recursive: true, force: true });
}
