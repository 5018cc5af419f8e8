/**
 * Formats milliseconds compactly for people: 850ms, 5s, 1m05s, 2h00m, 27h35m. Hours keep counting past a day:
 * production's last retry is at +27h35m, which 1d03h would round to a less exact, less familiar figure.
 */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1_000) return `${sign}${Math.round(abs)}ms`;
  if (abs < 60_000) {
    const s = abs / 1_000;
    return `${sign}${s < 10 && !Number.isInteger(s) ? s.toFixed(1) : Math.round(s)}s`;
  }
  const totalSeconds = Math.round(abs / 1_000);
  const h = Math.floor(totalSeconds / 3_600);
  const m = Math.floor((totalSeconds % 3_600) / 60);
  const s = totalSeconds % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${sign}${h}h${pad(m)}m`;
  return `${sign}${m}m${pad(s)}s`;
}
