import { STATUS_CODES } from 'node:http';
import type { Ora } from 'ora';
import type { AttemptResult } from '../../delivery/attempt.js';
import type { BatchSummary } from '../../delivery/batch.js';
import type { DeliveryReport, MessageRef } from '../../delivery/deliver.js';
import { THROTTLED_MIN_DELAY_MS } from '../../delivery/schedule.js';
import { formatDuration } from '../../util/duration.js';
import { createCoalescedOutput } from '../shared/coalesced-output.js';
import { spinnerOptions, type Ui } from '../shared/ui.js';
import { escapeBlock, escapeControl, indent, plural } from '../shared/text.js';
import { stringifyJson } from '../../util/json-string.js';

/** How many lines of a response body an attempt line shows without -v, and how wide each may be. */
const PREVIEW_LINES = 3;
const PREVIEW_WIDTH = 160;
const SPINNER_TICK_MS = 100;

export interface DeliveryRenderer {
  onReport(report: DeliveryReport): void;
  /** The last line (and --json object); `interrupted` when a signal stopped the run before its end. */
  summary(summary: BatchSummary, interrupted?: NodeJS.Signals): void;
  /** Stops the spinner, if any, and writes what is still buffered. */
  close(): void;
}

/**
 * Turns delivery reports into lines for people (with an ora countdown while a retry waits, on a terminal) and,
 * with --json, into one JSON object per attempt and per final result on stdout.
 */
/** What the renderer says when the first attempt meets one of the two commonest mistakes (issue 22). */
export interface MistakeHints {
  /** 'trigger' or 'replay', as the hint names the command. */
  command: string;
  /** The secret as shown (masked) and where it came from, e.g. "whsec_c2Nh•••••• (the built-in test secret)". */
  signedWith: string;
  /** Whether a failed attempt is retried (not with --no-retries). */
  retries: boolean;
  /** Where the run sends. */
  url: string;
  /** False when -H replaced a signature header on purpose: a 401 is then the point, not a mistake. */
  secretHint: boolean;
}

export async function createDeliveryRenderer(ui: Ui, options: { verbose: boolean; spinner: boolean; hints?: MistakeHints }): Promise<DeliveryRenderer> {
  const { color } = ui;
  const countdown = options.spinner ? createCountdown(ui, (await import('ora')).default) : undefined;
  // Thousands of deliveries make thousands of lines: written one by one, each is a blocking syscall on a pipe,
  // which costs more than the deliveries. Without a spinner to interleave with, lines leave in batches.
  const human = countdown ? undefined : createCoalescedOutput((bytes) => ui.stream.write(bytes));
  const records = ui.json ? createCoalescedOutput((bytes) => process.stdout.write(bytes)) : undefined;
  const line = (text = '') => (human ? human.line(text) : countdown!.around(() => ui.line(text)));
  // Called as record?.({…}): without --json the object is not even built (one per attempt adds up over thousands).
  const record = records && ((value: object) => records.line(stringifyJson(value)));

  // A --data body without a "type" is no event: name it by its svix-id, not as an event type called "body".
  const label = (m: MessageRef) =>
    // A replayed journal's type and id came from whoever posted them: escaped, as is what the endpoint answers.
    `${m.eventType ? `${color.bold(escapeControl(m.eventType))} ${escapeControl(m.eventId ?? m.messageId)}` : `${color.bold(escapeControl(m.messageId))} ${color.dim('(no event type)')}`}${m.copy ? color.yellow(` (copy ${m.copy}, same svix-id)`) : ''}${m.scenario ? color.dim(` · ${escapeControl(m.scenario)}: ${escapeControl(m.step ?? '')}`) : ''}`;
  const refFields = (m: MessageRef) => ({
    messageId: m.messageId,
    eventId: m.eventId ?? null,
    eventType: m.eventType ?? null,
    ...(m.copy ? { copy: m.copy } : {}),
    // Issue 20: each attempt of a scenario names the scenario and the step it is.
    ...(m.scenario ? { scenario: m.scenario, step: m.step } : {}),
  });

  // Each hint is said once a run, the moment its mistake first shows, rather than after ten seconds of retries.
  const hinted = new Set<'refused' | 'refused-auth'>();
  const hint = (result: AttemptResult) => {
    const hints = options.hints;
    if (!hints) return;
    const then = hints.retries ? `${hints.command} keeps retrying as production would (Ctrl-C stops)` : `${hints.command} makes no retries`;
    if (result.kind === 'error' && result.cause === 'refused' && !hinted.has('refused')) {
      hinted.add('refused');
      line(color.yellow(`nothing is listening at ${hostPort(hints.url)}: start your app (or \`scandocs-webhooks listen\`); ${then}`));
    } else if (result.kind === 'response' && (result.status === 401 || result.status === 403) && hints.secretHint && !hinted.has('refused-auth')) {
      hinted.add('refused-auth');
      line(
        color.yellow(
          `the endpoint answered ${result.status}: it probably verifies with another secret than ${hints.command} signed with, ${hints.signedWith}: pass your app's secret with --secret, or set SCANDOCS_WEBHOOK_SECRET`,
        ),
      );
    }
  };

  function onReport(report: DeliveryReport): void {
    switch (report.type) {
      case 'attempt': {
        countdown?.inFlight(report.message, `${label(report.message)} · attempt ${report.attempt} · waiting for the answer`);
        if (options.verbose) {
          const { request } = report;
          line(color.dim(`  > POST ${escapeControl(request.url)}  (attempt ${report.attempt})`));
          // A replayed svix-id is whatever the recorded request carried (C1 bytes read as latin1 included): escaped.
          for (const [name, value] of Object.entries(request.headers)) line(color.dim(`  > ${escapeControl(name)}: ${escapeControl(value)}`));
          line(indent(escapeBlock(Buffer.from(request.body).toString('utf8')), '  > '));
        }
        return;
      }
      case 'response': {
        countdown?.done(report.message);
        const { result, attempt } = report;
        const where = attempt > 1 ? ` · would be ${formatOffset(report.productionOffsetMs)} in production · waited ${formatWait(report.waitedMs)}` : '';
        const mark = result.ok ? color.green('✓') : color.red('✗');
        line(`${mark} ${label(report.message)} · attempt ${attempt}${where} · ${describeResult(result, color)} · ${formatDuration(result.latencyMs)}`);
        if (!result.ok) hint(result);
        if (result.kind === 'response') {
          if (options.verbose) {
            for (const [name, value] of Object.entries(result.headers)) line(color.dim(`  < ${escapeControl(name)}: ${escapeControl(String(value))}`));
            if (result.body) line(indent(escapeBlock(result.body), '  < '));
          } else {
            for (const preview of previewLines(result.body)) line(color.dim(`    ${escapeControl(preview)}`));
          }
        }
        record?.({
          type: 'attempt',
          ...refFields(report.message),
          attempt,
          outcome: result.ok ? 'success' : 'failure',
          status: result.kind === 'response' ? result.status : null,
          ...(result.kind === 'error' ? { cause: result.cause, error: result.message } : {}),
          latencyMs: result.latencyMs,
          productionOffsetMs: report.productionOffsetMs,
          productionOffset: formatOffset(report.productionOffsetMs),
          waitedMs: report.waitedMs,
        });
        return;
      }
      case 'retry-scheduled': {
        const why = [
          report.throttled ? `at least ${THROTTLED_MIN_DELAY_MS / 1000}s after a ${report.throttled}` : '',
          report.retryAfterMs !== undefined ? `Retry-After ${formatDuration(report.retryAfterMs)} honoured within [delay, 2×delay]` : '',
        ].filter(Boolean);
        const text = `attempt ${report.nextAttempt} in ${formatWait(report.waitMs)} (production waits ${formatDuration(report.productionDelayMs)}${why.length ? `: ${why.join(', ')}` : ''})`;
        if (countdown) countdown.wait(report.message, report.waitMs, `${label(report.message)} · ${text}`);
        else line(color.dim(`  ↻ ${escapeControl(report.message.eventId ?? report.message.messageId)} · ${text}`));
        return;
      }
      case 'delivered':
      case 'gave-up': {
        const after = `after ${plural(report.attempts, 'attempt', 'attempts')}`;
        const at = report.attempts > 1 ? ` (would be ${formatOffset(report.productionOffsetMs)} in production)` : '';
        if (report.type === 'delivered') {
          // A first-attempt success is already a ✓ line; say more only when retries were needed.
          if (report.attempts > 1) line(`${color.green('✓ delivered')} ${label(report.message)} ${after}${at}`);
        } else {
          const why = report.reason === 'aborted' ? 'the endpoint answered webhook-delivery: abort-message' : report.attempts === 1 ? 'no retries' : 'no retries left';
          line(`${color.red('✗ gave up')} on ${label(report.message)} ${after}${at}: ${why}`);
        }
        record?.({
          type: 'result',
          ...refFields(report.message),
          outcome: report.type,
          ...(report.type === 'gave-up' ? { reason: report.reason } : {}),
          attempts: report.attempts,
          status: report.result.kind === 'response' ? report.result.status : null,
          productionOffsetMs: report.productionOffsetMs,
          productionOffset: formatOffset(report.productionOffsetMs),
        });
        return;
      }
    }
  }

  function summary(result: BatchSummary, interrupted?: NodeJS.Signals): void {
    const events = plural(result.total, 'event', 'events');
    const rate = result.total > 1 && result.durationMs > 0 ? ` · ${Math.round((result.total * 1000) / result.durationMs)}/s` : '';
    const tail = color.dim(` · ${plural(result.attempts, 'attempt', 'attempts')} · ${formatDuration(result.durationMs)}${rate}`);
    if (interrupted) {
      // The terminal echoed ^C where the cursor was: a spinner's line is cleared with it; a finished line is left
      // with "^C" at its start, so the summary starts a new one.
      const spinning = countdown?.stop() ?? false;
      if (!spinning && ui.interactive) ui.stream.write('\n');
      const unfinished = result.total - result.delivered - result.failed;
      const failed = result.failed > 0 ? `, ${result.failed} gave up` : '';
      const stopped = interrupted === 'SIGINT' ? 'stopped (Ctrl-C)' : `stopped (${interrupted})`;
      // No rate: the run did not send what it counts.
      const done = color.dim(` · ${plural(result.attempts, 'attempt', 'attempts')} · ${formatDuration(result.durationMs)}`);
      line(`${color.yellow(stopped)}: delivered ${result.delivered} of ${events}${failed}, ${unfinished} not finished${done}`);
      record?.({ type: 'summary', ...result, interrupted, unfinished });
      return;
    }
    line(
      result.failed === 0
        ? `${color.green(`delivered ${result.delivered} of ${events}`)}${tail}`
        : `${color.red(`${result.failed} of ${events} gave up`)}, ${result.delivered} delivered${tail}`,
    );
    record?.({ type: 'summary', ...result });
  }

  return {
    onReport,
    summary,
    close: () => {
      countdown?.stop();
      human?.flush();
      records?.flush();
    },
  };
}

/** "127.0.0.1:4000": where a connection was refused. */
function hostPort(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || (parsed.protocol === 'https:' ? '443' : '80')}`;
}

/** Where an attempt falls in production, counted from the first attempt: +0s, +5s, +35m05s. */
function formatOffset(ms: number): string {
  return ms === 0 ? '+0s' : `+${formatDuration(ms)}`;
}

/** Compressed waits can be fractions of a millisecond (5 s ÷ 10,000): show them rather than "0ms". */
function formatWait(ms: number): string {
  return ms > 0 && ms < 1 ? `${ms.toFixed(1)}ms` : formatDuration(ms);
}

function describeResult(result: AttemptResult, color: Ui['color']): string {
  if (result.kind === 'error') return color.red(`${result.cause}: ${result.message}`);
  const text = `${result.status} ${STATUS_CODES[result.status] ?? ''}`.trim();
  return result.ok ? color.green(text) : color.red(text);
}

/** The first lines of a response body, for a glance at what the endpoint said. */
function previewLines(body: string): string[] {
  // Most endpoints answer one short line ("ok"): skip the splitting for those.
  if (!body.includes('\n')) return body.trim() === '' ? [] : [body.length > PREVIEW_WIDTH ? `${body.slice(0, PREVIEW_WIDTH)}…` : body];
  const lines = body.split(/\r?\n/).filter((l) => l.trim() !== '');
  const shown = lines.slice(0, PREVIEW_LINES).map((l) => (l.length > PREVIEW_WIDTH ? `${l.slice(0, PREVIEW_WIDTH)}…` : l));
  return lines.length > PREVIEW_LINES ? [...shown, `… ${plural(lines.length - PREVIEW_LINES, 'more line', 'more lines')} (-v shows all)`] : shown;
}

/**
 * One ora spinner for what the run is waiting on: an attempt in flight (how long it has been out), else the soonest
 * retry wait counting down; the other messages waiting are counted beside it.
 */
function createCountdown(ui: Ui, ora: typeof import('ora').default) {
  const waits = new Map<MessageRef, { until: number; text: string; inFlightSince?: number }>();
  let spinner: Ora | undefined;
  let ticker: NodeJS.Timeout | undefined;

  const refresh = () => {
    if (waits.size === 0) return stop();
    const now = performance.now();
    const entries = [...waits.values()];
    const shown = entries.find((w) => w.inFlightSince !== undefined) ?? entries.reduce((a, b) => (b.until < a.until ? b : a));
    const others = waits.size > 1 ? ui.color.dim(` (+${waits.size - 1} more waiting)`) : '';
    const time = shown.inFlightSince !== undefined ? `${formatDuration(now - shown.inFlightSince)} so far` : `${formatDuration(Math.max(0, shown.until - now))} left`;
    const text = `${shown.text} · ${time}${others}`;
    if (spinner) spinner.text = text;
    else spinner = ora(spinnerOptions(ui, text)).start();
    ticker ??= setInterval(refresh, SPINNER_TICK_MS);
  };
  /** Stops the spinner; true when one was showing (its line is now cleared). */
  function stop(): boolean {
    if (ticker) clearInterval(ticker);
    ticker = undefined;
    const spinning = spinner !== undefined;
    spinner?.stop();
    spinner = undefined;
    return spinning;
  }
  return {
    wait(message: MessageRef, ms: number, text: string) {
      waits.set(message, { until: performance.now() + ms, text });
      refresh();
    },
    // An attempt starts and ends per event: once the spinner runs, its ticker redraws the text within
    // SPINNER_TICK_MS, so these only start or stop it (a refresh per event cost a TTY run most of its CPU).
    inFlight(message: MessageRef, text: string) {
      waits.set(message, { until: Infinity, text, inFlightSince: performance.now() });
      if (!spinner) refresh();
    },
    done(message: MessageRef) {
      if (waits.delete(message) && (!spinner || waits.size === 0)) refresh();
    },
    /** Writes a line without tearing the spinner. */
    around(write: () => void) {
      spinner?.clear();
      write();
      spinner?.render();
    },
    stop,
  };
}
