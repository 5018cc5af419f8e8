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

/**
 * A clock skew or tolerance in seconds, in words a person reads at once: "45 seconds", "6 min 40 s", "5 minutes",
 * "3 hours", "400 days" (issue 22: never "34560000 s").
 */
export function formatSkew(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 120) return `${s} ${s === 1 ? 'second' : 'seconds'}`;
  if (s < 3_600) return s % 60 === 0 ? `${s / 60} minutes` : `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 48 * 3_600) {
    const hours = s / 3_600;
    const shown = hours < 10 ? Math.round(hours * 10) / 10 : Math.round(hours);
    return `${shown} ${shown === 1 ? 'hour' : 'hours'}`;
  }
  return `${Math.round(s / 86_400)} days`;
}
