#!/usr/bin/env node
// Start-up cost of the CLI: median wall time of `scandocs-webhooks --help` as a ratio to `node -e 0`,
// both measured in this run, alternating so machine noise hits both alike. Target: ratio < 1.3.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runs = Number(process.env.RUNS ?? 31);
const bin = fileURLToPath(new URL('../bin/scandocs-webhooks.js', import.meta.url));
const commands = {
  baseline: [process.execPath, ['-e', '0']],
  help: [process.execPath, [bin, '--help']],
};

function timeOnce([command, args]) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const samples = { baseline: [], help: [] };
for (let i = 0; i < 3; i++) for (const c of Object.values(commands)) timeOnce(c); // warm the file cache
for (let i = 0; i < runs; i++) {
  for (const [name, command] of Object.entries(commands)) samples[name].push(timeOnce(command));
}
const baseline = median(samples.baseline);
const help = median(samples.help);
const ratio = help / baseline;
console.log(`node -e 0                  median ${baseline.toFixed(1)} ms (${runs} runs)`);
console.log(`scandocs-webhooks --help   median ${help.toFixed(1)} ms (${runs} runs)`);
console.log(`ratio ${ratio.toFixed(2)} (target < 1.30) ${ratio < 1.3 ? 'ok' : 'OVER TARGET'}`);
process.exitCode = ratio < 1.3 ? 0 : 1;
