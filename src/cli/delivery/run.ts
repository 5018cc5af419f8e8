import { InputError } from '../../errors.js';
import type { Schedule } from '../../delivery/schedule.js';
import type { SendOptions, SendReport, SendResult, SendStartReport } from '../../delivery/send.js';
import { maskSecret } from '../../signature/index.js';
import { formatDuration } from '../../util/duration.js';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK } from '../shared/errors.js';
import { resolveSigningSecret, type ResolvedSecrets } from '../shared/inputs.js';
import type { Ui } from '../shared/ui.js';
import { parseDuration } from '../parse/duration.js';
import { parseHeaderLine } from '../parse/header-line.js';
import { fitLine, terminalColumns } from '../shared/fit.js';
import { resolveTarget, secretDisagreement, targetWords, type Target } from '../shared/target.js';
import { parseSchedule } from './schedule-flags.js';
import { stopOnSignal } from '../shared/stop-on-signal.js';

/** The options `trigger` and `replay` share: where to send, how to sign, and how to retry. */
export interface DeliveryCommandOptions {
  /** Without it, the running `listen`. */
  url?: string;
  secret?: string;
  header?: string[];
  timeout: string;
  retries: boolean;
  schedule?: string;
  timeScale?: string;
  concurrency: string;
  json?: boolean;
  verbose?: boolean;
}

const MAX_CONCURRENCY = 1000;

/** The flags `trigger` and `replay` share, as the options their library functions take. */
export interface DeliverySettings {
  send: Omit<SendOptions, 'onReport' | 'signal'> & { url: string; secret: string; timeoutMs: number; concurrency: number; schedule: Schedule };
  secretSource: ResolvedSecrets['source'];
  target: Target;
  verbose: boolean;
}

/** Checks every shared flag before anything is sent, so bad input is one line and exit 2, never a half-run. */
export function resolveDeliverySettings(options: DeliveryCommandOptions): DeliverySettings {
  const { secret, source } = resolveSigningSecret(options.secret);
  const headers = Object.fromEntries((options.header ?? []).map((h) => parseHeaderLine(h, '--header', '"svix-signature: v1,bad"')));
  const timeoutMs = parseDuration(options.timeout, '--timeout');
  if (timeoutMs <= 0) throw new InputError('invalid-duration', `--timeout ${options.timeout} must be more than 0, e.g. --timeout 5s`);
  const schedule = parseSchedule(options);
  const concurrency = parseCount(options.concurrency, '--concurrency', MAX_CONCURRENCY);
  // Last: every flag is checked before "no listen is running" sends the user off to start one.
  const target = resolveTarget(options.url, 'http://127.0.0.1:3000/webhooks');
  const url = target.url;
  return {
    send: { url, secret, headers, timeoutMs, schedule, concurrency },
    secretSource: source,
    target,
    verbose: options.verbose === true,
  };
}

/** A whole number in [1, max] for --count and --concurrency. */
export function parseCount(text: string, flag: string, max: number): number {
  const value = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || value < 1 || value > max) {
    throw new InputError('usage', `${flag} "${text}" must be a whole number from 1 to ${max}, e.g. ${flag} 10`);
  }
  return value;
}

/**
 * Runs a trigger() or replay(), renders every report, and returns the exit code: 0 when every message was
 * delivered, 1 when any finally failed. `describe` words the run for its first line.
 */
export async function runDeliveries(
  command: 'trigger' | 'replay',
  settings: DeliverySettings & { duplicate?: boolean },
  ui: Ui,
  describe: (start: SendStartReport) => string,
  run: (onReport: (report: SendReport) => void, signal: AbortSignal) => Promise<SendResult>,
): Promise<number> {
  const { createDeliveryRenderer } = await import('./render.js');
  // On a terminal the spinner shows each attempt in flight and each retry wait. A terminal reporting 0 columns
  // (some CI ptys) would make ora's line clearing loop forever: plain lines there.
  const spinner = ui.interactive && (ui.stream.columns ?? 0) > 0;
  const secretNote = settings.secretSource === 'default' ? ' (the built-in test secret)' : settings.secretSource === 'env' ? ' (from $SCANDOCS_WEBHOOK_SECRET)' : ' (from --secret)';
  const renderer = await createDeliveryRenderer(ui, {
    verbose: settings.verbose,
    spinner,
    duplicate: settings.duplicate,
    hints: {
      command,
      signedWith: `${maskSecret(settings.send.secret)}${secretNote}`,
      retries: settings.send.schedule.waitsMs.length > 1,
      url: settings.send.url,
      secretHint: !Object.keys(settings.send.headers ?? {}).some((name) => /^(svix|webhook)-(signature|timestamp|id)$/i.test(name)),
    },
  });
  const { color } = ui;
  // What happened so far, for the summary a Ctrl-C still prints (the run itself rejects when stopped).
  const sofar = { total: 0, delivered: 0, failed: 0, attempts: 0, started: performance.now() };
  const onReport = (report: SendReport) => {
    if (report.type !== 'start') {
      if (report.type === 'response') sofar.attempts++;
      else if (report.type === 'delivered') sofar.delivered++;
      else if (report.type === 'gave-up') sofar.failed++;
      return renderer.onReport(report);
    }
    sofar.total = report.total;
    const parallel = report.concurrency > 1 ? ` · ${report.concurrency} at a time` : '';
    const disagreement = secretDisagreement(settings.target, settings.secretSource);
    if (disagreement) ui.line(fitLine(color.yellow(disagreement), terminalColumns(ui)));
    ui.line(
      fitLine(color.dim(
        `→ ${describe(report)} ${targetWords(settings.target, displayUrl(report.url))} · schedule ${report.schedule.label} · timeout ${formatDuration(report.timeoutMs)}${parallel} · signed with ${maskSecret(settings.send.secret)}${secretNote}`,
      ), terminalColumns(ui)),
    );
  };
  const stop = stopOnSignal();
  try {
    const { deliveries: _results, ...summary } = await run(onReport, stop.signal);
    renderer.summary(summary);
    return summary.failed === 0 ? EXIT_OK : EXIT_FAILED;
  } catch (error) {
    if (!stop.signal.aborted) throw error;
    // Ctrl-C: nothing more is sent, and what was found is kept: the lines so far, then the summary.
    const { started, ...counts } = sofar;
    renderer.summary({ ...counts, durationMs: Math.round(performance.now() - started) }, stop.signal.reason as NodeJS.Signals);
    return EXIT_INTERRUPTED;
  } finally {
    stop.dispose();
    renderer.close();
  }
}

/** The URL as shown in output: a password in it is masked, never printed. */
function displayUrl(href: string): string {
  const url = new URL(href);
  if (url.password) url.password = '••••••';
  return url.href;
}
