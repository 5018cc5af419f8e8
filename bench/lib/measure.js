// What the benches read about a process from /proc (Linux only), and how they summarise rounds.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond = 100;
try {
  ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
} catch {
  // getconf missing: 100 is what Linux uses on every common architecture.
}

/** CPU time (user + system, all threads, live or exited) the process has used so far, in µs. */
export function cpuMicros(pid) {
  // The command name (field 2) may hold spaces, so split after its closing parenthesis.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / ticksPerSecond;
}

/** Resident set size, in bytes. */
export function rssBytes(pid) {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
}

/** The first process named `name` at or under `pid` (e.g. the node a `script` pseudo-terminal runs). */
export function findProcess(pid, name) {
  const seen = [pid];
  for (let i = 0; i < seen.length && i < 50; i++) {
    try {
      if (readFileSync(`/proc/${seen[i]}/comm`, 'utf8').trim() === name) return seen[i];
      const children = readFileSync(`/proc/${seen[i]}/task/${seen[i]}/children`, 'utf8').trim();
      if (children) seen.push(...children.split(' ').map(Number));
    } catch {
      // The process went away between two reads: keep looking at the others.
    }
  }
  return undefined;
}

/** Median, min and max of a list of numbers. */
export function spread(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1) };
}

/** `12.3 [11.0–14.1]`: a median and its range, to `digits` decimals. */
export function formatSpread({ median, min, max }, digits = 0) {
  const f = (n) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${f(median)} [${f(min)}–${f(max)}]`;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
