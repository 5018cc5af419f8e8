// Preloaded (`node --require`) into a process a bench times: when it exits, its own CPU time and peak RSS go to the
// file named by BENCH_USAGE_FILE, so the bench can compare processes by the work they did, not only by wall time.
const { writeFileSync } = require('node:fs');

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const { userCPUTime, systemCPUTime, maxRSS } = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ cpuMicros: userCPUTime + systemCPUTime, maxRssKiB: maxRSS }));
  });
}
