import { InputError } from '../../errors.js';
import { startListener, type Listener } from '../../listener/listen.js';
import type { ListenReport, ListenSummary } from '../../listener/reports.js';
import { parseRespondPolicy, type RespondPolicy } from '../../listener/respond-policy.js';
import { parseForwardRoutes, parseTypePatterns, type ForwardRoute, type TypePattern } from '../../listener/route.js';
import { DEFAULT_TEST_SECRET, maskSecret } from '../../signature/index.js';
import { formatDuration, parseDuration } from '../../util/duration.js';
import { parseSize } from '../../util/size.js';
import { createCoalescedOutput } from '../shared/coalesced-output.js';
import type { ListenCommandOptions } from './flags.js';
import { EXIT_OK } from '../shared/errors.js';
import { resolveSecrets, SECRET_ENV, type ResolvedSecrets } from '../shared/inputs.js';
import { formatReport, formatSummary, reportJson, type LineStyle } from './render.js';
import { formatTunnelReport, tunnelJson, type TunnelContext } from '../tunnel/render.js';
import { exitSoonEvenIfHeld, openTunnel, resolveTunnel, type TunnelSettings } from '../tunnel/settings.js';
import { createUi, type Ui } from '../shared/ui.js';
import type { Tunnel, TunnelReport } from '../../tunnel/index.js';

interface ListenSettings {
  port: number;
  host: string;
  maxBodyBytes: number;
  events?: TypePattern[];
  policy: RespondPolicy;
  routes: ForwardRoute[];
  forwardTimeoutMs: number;
  secrets?: ResolvedSecrets;
  tunnel?: TunnelSettings;
}

export async function runListen(options: ListenCommandOptions): Promise<number> {
  const ui = createUi(options);
  const settings = parseSettings(options);
  const style: LineStyle = { color: ui.color, verbose: Boolean(options.verbose) };
  const output = batchedOutput(ui);
  const onReport = (report: ListenReport) => {
    if (report.type === 'ready') {
      ui.record(reportJson(report));
      printBanner(ui, options, settings, report.url);
      return;
    }
    if (ui.json) output.record(reportJson(report));
    const line = formatReport(report, style);
    if (line !== undefined) output.line(line);
  };

  // Listen for Ctrl-C before starting, so one pressed during start-up still stops cleanly once ready.
  const stopped = stopSignal();
  const listener: Listener = await startListener({
    host: settings.host,
    port: settings.port,
    secrets: settings.secrets?.secrets ?? [],
    diagnosticSecrets: settings.secrets && diagnosticSecrets(settings.secrets),
    skipVerify: Boolean(options.skipVerify),
    maxBodyBytes: settings.maxBodyBytes,
    events: settings.events,
    policy: settings.policy,
    forwardTo: settings.routes,
    forwardTimeoutMs: settings.forwardTimeoutMs,
    recordPath: options.record,
    onReport,
  });
  let tunnel: Tunnel | undefined;
  if (settings.tunnel) {
    const context: TunnelContext = {
      localUrl: listener.url,
      verification: settings.secrets ? { verified: true, secretSource: settings.secrets.source } : { verified: false },
    };
    const onTunnelReport = (report: TunnelReport) => {
      if (ui.json) output.record(tunnelJson(report));
      for (const line of formatTunnelReport(report, context, ui.color)) output.line(line);
    };
    try {
      tunnel = await openTunnel(settings.tunnel, { host: listener.host, port: listener.port, stopped, onReport: onTunnelReport });
    } catch (error) {
      await listener.close();
      output.flush();
      exitSoonEvenIfHeld();
      throw error;
    }
  }

  await stopped;
  // The tunnel closes first, so no delivery arrives at a closing server.
  await tunnel?.stop();
  const summary: ListenSummary = await listener.close();
  output.flush();
  ui.record({ type: 'summary', ...summary });
  for (const line of formatSummary(summary, style)) ui.line(line);
  if (settings.tunnel) exitSoonEvenIfHeld();
  return EXIT_OK;
}

function parseSettings(options: ListenCommandOptions): ListenSettings {
  return {
    port: parsePort(options.port),
    host: options.host,
    maxBodyBytes: parseSize(options.maxBody, '--max-body'),
    events: options.events && options.events.flatMap((e) => parseTypePatterns(e, '--events')),
    policy: parseRespondPolicy(options),
    routes: parseForwardRoutes(options.forwardTo ?? []),
    forwardTimeoutMs: parseDuration(options.forwardTimeout, '--forward-timeout'),
    secrets: options.skipVerify ? undefined : resolveSecrets(options.secret),
    tunnel: resolveTunnel(options),
  };
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65_535) {
    throw new InputError('usage', `--port "${text}" is not a port: use a number from 1 to 65535, or 0 for any free port`);
  }
  return port;
}

/** Secrets that cannot make a delivery pass but can explain a failure, as `verify` uses them. */
function diagnosticSecrets({ secrets, source }: ResolvedSecrets): Array<{ label: string; secret: string }> {
  const env = process.env[SECRET_ENV];
  return [
    { label: 'the built-in test secret', secret: DEFAULT_TEST_SECRET },
    ...(env && source === 'flag' ? [{ label: `$${SECRET_ENV}`, secret: env }] : []),
  ].filter((d) => !secrets.includes(d.secret));
}

function printBanner(ui: Ui, options: ListenCommandOptions, settings: ListenSettings, url: string): void {
  const { color } = ui;
  const row = (label: string, value: string) => ui.line(`  ${color.dim(label.padEnd(9))} ${value}`);
  ui.line(color.bold('scandocs-webhooks listen'));
  row('url', `${url} ${color.dim('(any path)')}`);
  if (!settings.secrets) {
    row('secret', color.yellow('none: --skip-verify accepts every delivery without checking its signature'));
  } else {
    const { secrets, source } = settings.secrets;
    const from = source === 'default' ? 'the built-in test secret' : source === 'env' ? `from $${SECRET_ENV}` : '--secret';
    const shown = secrets.map((s) => (options.printSecret ? s : maskSecret(s))).join(', ');
    row('secret', `${shown} ${color.dim(`(${from}${options.printSecret ? '' : '; --print-secret shows it'})`)}`);
  }
  for (const route of settings.routes) {
    const types = route.patterns ? `${route.patterns.map((p) => p.text).join(',')} → ` : '';
    const timeout = settings.forwardTimeoutMs > 0 ? `timeout ${formatDuration(settings.forwardTimeoutMs)}` : 'no timeout';
    row('forward', `${types}${route.url.href} ${color.dim(`(${timeout})`)}`);
  }
  const policy = describePolicy(settings.policy);
  if (policy) row('respond', policy);
  if (settings.events) row('events', settings.events.map((p) => p.text).join(', '));
  if (options.record) row('record', options.record);
  if (!/^(127\.|::1$|localhost$)/.test(settings.host)) {
    ui.line(color.yellow(`  warning: bound to ${settings.host}, so other machines on the network can reach this listener`));
  }
  ui.line(color.green(`Ready: waiting for deliveries on ${url} (Ctrl-C to stop)`));
}

function describePolicy(policy: RespondPolicy): string | undefined {
  const parts = policy.rules.map((r) => r.text);
  if (policy.failRate > 0) parts.push(`fail-rate ${policy.failRate}`);
  if (policy.delayMs > 0) parts.push(`delay ${formatDuration(policy.delayMs)}`);
  if (policy.failHeaders.length > 0) parts.push(`failures add ${policy.failHeaders.map(([n, v]) => `${n}: ${v}`).join(', ')}`);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** Delivery lines and --json objects, each stream written at most once per 20 ms (see createCoalescedOutput). */
function batchedOutput(ui: Ui): { line(text: string): void; record(value: object): void; flush(): void } {
  const records = createCoalescedOutput((bytes) => process.stdout.write(bytes));
  const lines = createCoalescedOutput((bytes) => ui.stream.write(bytes));
  const flush = () => (records.flush(), lines.flush());
  // Whatever ends the process (an unexpected crash included), the lines already queued are shown.
  process.once('exit', flush);
  return {
    line: (text) => lines.line(text),
    record: (value) => records.line(JSON.stringify(value)),
    flush,
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
