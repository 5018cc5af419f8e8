import { InputError } from '../../errors.js';
import { announceListener } from '../../listener/announcement.js';
import { isTunnelReport, listen, type ListenEvent, type RunningListener } from '../../listener/running-listener.js';
import type { DeliveryReport, ListenSummary } from '../../listener/reports.js';
import { DEFAULT_TEST_SECRET } from '../../signature/index.js';
import { boundedWrite, droppingWarning, resumedWarning } from '../shared/bounded-output.js';
import { createCoalescedOutput } from '../shared/coalesced-output.js';
import { EXIT_OK } from '../shared/errors.js';
import { withFlagWords } from '../shared/flag-words.js';
import { resolveSecrets, SECRET_ENV, type ResolvedSecrets } from '../shared/inputs.js';
import { createUi, type Ui } from '../shared/ui.js';
import { parseDuration } from '../parse/duration.js';
import { parsePort } from '../parse/port.js';
import { parseSize } from '../parse/size.js';
import { parseTypePatterns, patternTexts } from '../parse/type-patterns.js';
import { formatTunnelReport, tunnelJson, type TunnelContext } from '../tunnel/render.js';
import { exitSoonEvenIfHeld, resolveTunnel } from '../tunnel/settings.js';
import { parseForwardTargets } from './forward-flags.js';
import { bannerLines, deliveryJsonLine, formatReport, formatSummary, reportJson, summaryJson, type ListenBanner, type LineStyle } from './render.js';
import { parseRespondOptions } from './respond-flags.js';
import { startListenInspector } from './inspect.js';
import type { TunnelCommandOptions } from '../tunnel/flags.js';
import { stringifyJson } from '../../util/json-string.js';

export interface ListenCommandOptions extends TunnelCommandOptions {
  port: string;
  host: string;
  secret?: string[];
  printSecret?: boolean;
  skipVerify?: boolean;
  maxBody: string;
  events?: string[];
  respond?: string[];
  failRate?: string;
  delay?: string;
  failHeader?: string[];
  forwardTo?: string[];
  forwardTimeout: string;
  record?: string;
  inspectPort?: string;
  inspect: boolean;
  newToken?: boolean;
  json?: boolean;
  verbose?: boolean;
}

export async function runListen(options: ListenCommandOptions): Promise<number> {
  const ui = createUi(options);
  const settings = parseSettings(options);
  const style: LineStyle = {
    color: ui.color,
    verbose: Boolean(options.verbose),
    // Read at each line, so a resized terminal is followed; off a terminal, lines stay whole.
    get columns() {
      return ui.stream.isTTY ? ui.stream.columns : undefined;
    },
  };
  const output = batchedOutput(ui, options.record !== undefined);
  let tunnelContext: TunnelContext | undefined;
  let ready = false;
  let unannounce: (() => void) | undefined;
  // The inspector page, fed the listener's delivery reports (started first, so the banner can give its URL).
  let listener: RunningListener | undefined;
  const started = options.inspect ? await startListenInspector(options, settings.listen, () => listener?.url) : undefined;
  const inspector = started?.inspector;
  const onReport = (report: ListenEvent) => {
    if (report.type === 'delivery') inspector?.add(report);
    if (report.type === 'ready') {
      ready = true;
      ui.record({ ...reportJson(report), ...(inspector && { inspectUrl: inspector.url }) });
      // `trigger`, `replay` and `check` without a URL send here; the file goes when the listener stops (or, after
      // a crash, when a later run finds its process gone). Written before the banner, so whoever reads "Ready"
      // finds it.
      unannounce = announceListener({ url: `${reachableUrl(report.url)}/webhooks`, secretSource: announcedSource(settings.secrets) });
      if (unannounce) process.once('exit', unannounce);
      for (const line of bannerLines({ ...settings.banner, url: report.url, inspectUrl: inspector?.url, inspectTokenProblem: started?.tokenProblem }, ui.color)) ui.line(line);
      tunnelContext = {
        localUrl: report.url,
        verification: settings.secrets ? { verified: true, secretSource: settings.secrets.source } : { verified: false },
      };
      return;
    }
    if (isTunnelReport(report)) {
      if (ui.json) output.record(tunnelJson(report));
      for (const line of formatTunnelReport(report, tunnelContext!, ui.color)) output.line(line);
      return;
    }
    if (ui.json) {
      if (report.type === 'delivery') output.delivery(report);
      else output.record(reportJson(report));
    }
    const line = formatReport(report, style);
    if (line !== undefined) output.line(line);
  };

  // Listen for Ctrl-C before starting, so one pressed during start-up still stops cleanly once ready.
  const stop = new AbortController();
  const stopped = stopSignal().then((signal) => (stop.abort(new Error('stopped before the tunnel opened')), signal));
  try {
    listener = await listen({
      ...settings.listen,
      signal: stop.signal,
      onReport,
      // The CLI renders every report as it comes and never waits for one: keeping them would only cost memory.
      historyLimit: 0,
    });
  } catch (error) {
    unannounce?.();
    await inspector?.close();
    // A script reading --json saw `ready`: it must also see why the run ends, not only an exit code.
    if (ui.json && ready) output.record(errorJson(error));
    output.flush();
    if (settings.listen.tunnel) exitSoonEvenIfHeld();
    throw error;
  }

  const signal = await stopped;
  // Stopping: no new sender should pick this listener.
  unannounce?.();
  const summary: ListenSummary = await listener.close();
  await inspector?.close();
  output.flush();
  // The terminal echoed ^C at the start of the line: "Stopped." goes on the next one (issue 22).
  if (signal === 'SIGINT' && ui.stream.isTTY) ui.stream.write('\n');
  const dropped = output.droppedNote();
  if (dropped) process.stderr.write(`${dropped}\n`);
  ui.record(summaryJson(summary));
  for (const line of formatSummary(summary, style)) ui.line(line);
  if (settings.listen.tunnel) exitSoonEvenIfHeld();
  return EXIT_OK;
}

/** Every flag checked and turned into listen()'s options (and what the banner shows) before anything starts. */
function parseSettings(options: ListenCommandOptions) {
  // In the order the flags were always checked, so the first mistake reported stays the same.
  const port = parsePort(options.port, '--port');
  const maxBodyBytes = parseSize(options.maxBody, '--max-body');
  const events = options.events && options.events.flatMap((e) => parseTypePatterns(e, '--events'));
  const respond = parseRespondOptions(options);
  const forwardTo = parseForwardTargets(options.forwardTo ?? []);
  const forwardTimeoutMs = parseDuration(options.forwardTimeout, '--forward-timeout');
  const secrets = options.skipVerify ? undefined : resolveSecrets(options.secret);
  const tunnel = resolveTunnel(options);
  const banner: Omit<ListenBanner, 'url'> = {
    host: options.host,
    secrets: secrets && { ...secrets, printed: Boolean(options.printSecret) },
    forwardTo,
    forwardTimeoutMs,
    respond,
    events: patternTexts(events),
    record: options.record,
  };
  return {
    secrets,
    banner,
    listen: {
      host: options.host,
      port,
      secret: secrets?.secrets,
      diagnosticSecrets: secrets && diagnosticSecrets(secrets),
      skipVerify: Boolean(options.skipVerify),
      allowUnverified: Boolean(options.allowUnverified),
      maxBodyBytes,
      events: patternTexts(events),
      ...respond,
      forwardTo,
      forwardTimeoutMs,
      journal: options.record,
      tunnel: tunnel && { ...tunnel.config, timeoutMs: tunnel.timeoutMs },
    },
  };
}

/** A listener bound to every interface (0.0.0.0, ::) is reached on loopback. */
function reachableUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.hostname === '0.0.0.0') parsed.hostname = '127.0.0.1';
  else if (parsed.hostname === '[::]') parsed.hostname = '[::1]';
  return parsed.href.replace(/\/$/, '');
}

function announcedSource(secrets: ResolvedSecrets | undefined): 'option' | 'env' | 'default' | 'none' {
  if (!secrets) return 'none';
  return secrets.source === 'flag' ? 'option' : secrets.source;
}

function errorJson(error: unknown): object {
  const code = error instanceof InputError ? error.code : 'unexpected';
  const message = error instanceof InputError ? withFlagWords(error).message : error instanceof Error ? error.message : String(error);
  return { type: 'error', code, message };
}


/** Secrets that cannot make a delivery pass but can explain a failure, as `verify` uses them. */
function diagnosticSecrets({ secrets, source }: ResolvedSecrets): Array<{ label: string; secret: string }> {
  const env = process.env[SECRET_ENV];
  return [
    { label: 'the built-in test secret', secret: DEFAULT_TEST_SECRET },
    ...(env && source === 'flag' ? [{ label: `$${SECRET_ENV}`, secret: env }] : []),
  ].filter((d) => !secrets.includes(d.secret));
}

/**
 * Delivery lines and --json objects, each stream written at most once per 20 ms (see createCoalescedOutput), and
 * neither holding more than a bounded amount for a reader that stopped reading (see boundedWrite).
 */
function batchedOutput(
  ui: Ui,
  journal: boolean,
): { line(text: string): void; record(value: object): void; delivery(report: DeliveryReport): void; flush(): void; droppedNote(): string | undefined } {
  const bounded = (stream: NodeJS.WriteStream) => {
    const name = stream === process.stdout ? 'stdout' : 'stderr';
    return boundedWrite(stream, {
      onDropping: (limit) => process.stderr.write(`${droppingWarning(name, limit, journal)}\n`),
      onResumed: (dropped) => process.stderr.write(`${resumedWarning(name, dropped)}\n`),
    });
  };
  const toStdout = bounded(process.stdout);
  const toLines = ui.stream === process.stdout ? toStdout : bounded(ui.stream);
  const records = createCoalescedOutput(toStdout);
  const lines = createCoalescedOutput(toLines);
  const flush = () => (records.flush(), lines.flush());
  // Whatever ends the process (an unexpected crash included), the lines already queued are shown.
  process.once('exit', flush);
  return {
    line: (text) => lines.line(text),
    record: (value) => records.line(stringifyJson(value)),
    // A UTF-8 body goes from its bytes into the line (see deliveryJsonLine); any other, base64 in a string.
    delivery: (report) => {
      const parts = deliveryJsonLine(report);
      if (parts) records.jsonLine(parts.before, parts.body, parts.after);
      else records.line(stringifyJson(reportJson(report)));
    },
    flush,
    droppedNote: () => {
      const dropped = toStdout.dropped() + (toLines === toStdout ? 0 : toLines.dropped());
      return dropped === 0 ? undefined : `warning: ${dropped} output line${dropped === 1 ? ' was' : 's were'} dropped in all because the output was not being read`;
    },
  };
}

/** Resolves on the first Ctrl-C (SIGINT) or SIGTERM; a second one falls back to the default, immediate exit. */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
