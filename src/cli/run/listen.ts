import { InputError } from '../../errors.js';
import { startListener, type Listener } from '../../listener/listen.js';
import type { ListenReport, ListenSummary } from '../../listener/reports.js';
import { parseRespondPolicy, type RespondPolicy } from '../../listener/respond-policy.js';
import { parseForwardRoutes, parseTypePatterns, type ForwardRoute, type TypePattern } from '../../listener/route.js';
import { DEFAULT_TEST_SECRET, maskSecret } from '../../signature/index.js';
import { formatDuration, parseDuration } from '../../util/duration.js';
import { parseSize } from '../../util/size.js';
import { createCoalescedOutput } from '../coalesced-output.js';
import type { ListenCommandOptions } from '../commands/listen.js';
import { EXIT_OK } from '../errors.js';
import { resolveSecrets, SECRET_ENV, type ResolvedSecrets } from '../inputs.js';
import { formatReport, formatSummary, reportJson, type LineStyle } from '../render/listen.js';
import { formatTunnelReport, tunnelJson, type TunnelContext } from '../render/tunnel.js';
import { exitSoonEvenIfHeld, openTunnel, resolveTunnel, type TunnelSettings } from '../tunnel.js';
import { createUi, type Ui } from '../ui.js';
import type { Tunnel, TunnelReport } from '../../tunnel/index.js';
import { DEFAULT_INSPECT_PORT, startInspector, type Inspector } from '../../inspector/server.js';
import { listenerReplaySeams } from '../../inspector/seams.js';

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
  // A missing cloudflared must stop the run before the listener reports ready, not after its banner.
  if (settings.tunnel?.config.provider === 'cloudflared') {
    const { findCloudflaredProblem } = await import('../../tunnel/cloudflared.js');
    const problem = findCloudflaredProblem(settings.tunnel.config.command);
    if (problem) throw problem;
  }
  const style: LineStyle = {
    color: ui.color,
    verbose: Boolean(options.verbose),
    // Read at each line, so a resized terminal is followed; off a terminal, lines stay whole.
    get columns() {
      return ui.stream.isTTY ? ui.stream.columns : undefined;
    },
  };
  const output = batchedOutput(ui);
  // The inspector page: fed the same delivery reports as the terminal; replays sign with the listener's secret.
  let listener: Listener | undefined;
  const inspector = options.inspect ? await startListenInspector(options, settings, () => listener?.url) : undefined;
  const onReport = (report: ListenReport) => {
    if (report.type === 'ready') {
      ui.record({ ...reportJson(report), inspectUrl: inspector?.url });
      printBanner(ui, options, settings, report.url, inspector?.url);
      return;
    }
    if (report.type === 'delivery') inspector?.add(report);
    if (ui.json) output.record(reportJson(report));
    const line = formatReport(report, style);
    if (line !== undefined) output.line(line);
  };

  // Listen for Ctrl-C before starting, so one pressed during start-up still stops cleanly once ready.
  const stopped = stopSignal();
  listener = await startListener({
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
  }).catch(async (error: unknown) => {
    await inspector?.close();
    throw error;
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
      await Promise.all([listener.close(), inspector?.close()]);
      // A script reading --json saw `ready`: it must also see why the run ends, not only an exit code.
      if (ui.json) output.record(errorJson(error));
      output.flush();
      exitSoonEvenIfHeld();
      throw error;
    }
  }

  await stopped;
  // The tunnel closes first, so no delivery arrives at a closing server.
  await tunnel?.stop();
  const summary: ListenSummary = await listener.close();
  await inspector?.close();
  output.flush();
  ui.record({ type: 'summary', ...summary });
  for (const line of formatSummary(summary, style)) ui.line(line);
  if (settings.tunnel) exitSoonEvenIfHeld();
  return EXIT_OK;
}

function errorJson(error: unknown): object {
  const code = error instanceof InputError ? error.code : 'unexpected';
  return { type: 'error', code, message: error instanceof Error ? error.message : String(error) };
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

function parsePort(text: string, flag = '--port'): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65_535) {
    throw new InputError('usage', `${flag} "${text}" is not a port: use a number from 1 to 65535, or 0 for any free port`);
  }
  return port;
}

/** 4040 (or the next free port) unless --inspect-port names one; never the webhook port. */
async function startListenInspector(options: ListenCommandOptions, settings: ListenSettings, listenerUrl: () => string | undefined): Promise<Inspector> {
  const port = options.inspectPort === undefined ? DEFAULT_INSPECT_PORT : parsePort(options.inspectPort, '--inspect-port');
  try {
    return await startInspector({
      port,
      nextFreePort: options.inspectPort === undefined,
      avoidPorts: settings.port === 0 ? [] : [settings.port],
      journalPath: options.record,
      replay: listenerReplaySeams({ secret: settings.secrets?.secrets[0], routes: settings.routes, listenerUrl }),
    });
  } catch (error) {
    if (error instanceof InputError && error.code === 'port-in-use') {
      throw new InputError('port-in-use', `--inspect-port ${port} is in use: pass --inspect-port 0 for any free port, or --no-inspect`);
    }
    throw error;
  }
}

/** Secrets that cannot make a delivery pass but can explain a failure, as `verify` uses them. */
function diagnosticSecrets({ secrets, source }: ResolvedSecrets): Array<{ label: string; secret: string }> {
  const env = process.env[SECRET_ENV];
  return [
    { label: 'the built-in test secret', secret: DEFAULT_TEST_SECRET },
    ...(env && source === 'flag' ? [{ label: `$${SECRET_ENV}`, secret: env }] : []),
  ].filter((d) => !secrets.includes(d.secret));
}

function printBanner(ui: Ui, options: ListenCommandOptions, settings: ListenSettings, url: string, inspectUrl: string | undefined): void {
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
  // Kept short: with its 32-character token the row fits an 80-column terminal.
  if (inspectUrl) row('inspect', inspectUrl);
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
