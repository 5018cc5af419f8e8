import { InputError } from '../errors.js';
import { compileTypePattern } from '../events/type-pattern.js';
import { checkedSecret } from '../signature/signing-secret.js';
import type { TunnelConfig } from '../tunnel/index.js';
import type { Tunnel, TunnelReport } from '../tunnel/types.js';
import { createReportStream, type ReportStream } from '../util/report-stream.js';
import { startListener } from './listen.js';
import type { ListenReport, ListenSummary } from './reports.js';
import { respondPolicy, type RespondOptions } from './respond-policy.js';
import { compileRoutes, type ForwardTarget } from './route.js';

/** Everything a running listener reports: its own reports and, with a tunnel, the tunnel's. */
export type ListenEvent = ListenReport | TunnelReport;

/** True for the reports the tunnel makes (`tunnel-ready`, `tunnel-closed`…), false for the listener's own. */
export function isTunnelReport(event: ListenEvent): event is TunnelReport {
  return event.type.startsWith('tunnel-');
}

/** How many reports a listener keeps for waitFor() and iterators that start late (bodies included). */
export const DEFAULT_HISTORY_LIMIT = 1_000;

export interface ListenOptions extends RespondOptions {
  /** Default 127.0.0.1: only this machine can post. */
  host?: string;
  /** Default 0: any free port (see `url`). */
  port?: number;
  /** The secret(s) deliveries must be signed with, several during a rotation (default: the built-in test secret). */
  secret?: string | readonly string[];
  /** Secrets that cannot make a delivery pass but explain a failure ("signed with the test secret"). */
  diagnosticSecrets?: ReadonlyArray<{ label: string; secret: string }>;
  /** Accept every delivery without checking its signature (each report says so). */
  skipVerify?: boolean;
  /** Largest body accepted; larger ones get 413 (default 1 MiB). */
  maxBodyBytes?: number;
  /** Only deliveries of these types (globs such as `task.*`) are answered by the policy and forwarded; others get 200. */
  events?: readonly string[];
  /** Pass verified deliveries to your app, byte for byte: one URL, or targets by type. */
  forwardTo?: string | URL | readonly ForwardTarget[];
  /** How long to wait for the app (default 30 s; 0 waits forever). */
  forwardTimeoutMs?: number;
  /** Append every delivery to this journal file (JSON Lines) before answering it; replay() reads it. */
  journal?: string;
  /** Open a public URL to the listener (ngrok or cloudflared). */
  tunnel?: TunnelConfig & { timeoutMs?: number };
  /** skipVerify with a tunnel lets anyone on the internet post: it must be asked for. */
  allowUnverified?: boolean;
  /** Gives up on a tunnel start in progress (the listener keeps running, without the tunnel). */
  signal?: AbortSignal;
  /** Called with every report as it happens, before on() handlers and waiters see it. */
  onReport?: (report: ListenEvent) => void;
  /** Reports kept for waitFor() and late iterators (default 1,000; 0 keeps none). */
  historyLimit?: number;
}

/** A listener that is up: where it is, what it reports, and how to stop it. */
export interface RunningListener extends ReportStream<ListenEvent> {
  /** The local base URL, e.g. http://127.0.0.1:53124; any path under it receives deliveries. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The open tunnel, when one was asked for (and not aborted). */
  readonly tunnel?: { provider: Tunnel['provider']; url: string };
  /** The counts so far. */
  summary(): ListenSummary;
  /**
   * Closes the tunnel, then stops receiving; resolves once every delivery in flight is answered and journaled (one
   * still unanswered after a 1 s grace, such as one held by a long delay, has its connection dropped).
   */
  close(): Promise<ListenSummary>;
}

/**
 * Starts a local webhook endpoint that verifies each delivery, answers it as the respond options say (or as the
 * app it forwards to answers), journals it, and reports it. Start-up problems (port in use, unwritable journal,
 * unreachable app, a tunnel that cannot open) are InputErrors; once started it serves whatever arrives.
 */
export async function listen(options: ListenOptions = {}): Promise<RunningListener> {
  const given = typeof options.secret === 'string' ? [options.secret] : options.secret && options.secret.length > 0 ? options.secret : [undefined];
  const secrets = options.skipVerify ? [] : given.map((secret) => checkedSecret(secret, 'verify'));
  if (options.tunnel && options.skipVerify && !options.allowUnverified) {
    throw new InputError('usage', 'skipVerify with a tunnel would accept unsigned requests from anyone on the internet: verify, or pass allowUnverified', {
      kind: 'unverified-tunnel',
    });
  }
  // A missing cloudflared must stop the start before the listener reports ready, not after.
  if (options.tunnel?.provider === 'cloudflared') {
    const { findCloudflaredProblem } = await import('../tunnel/cloudflared.js');
    const problem = findCloudflaredProblem(options.tunnel.command);
    if (problem) throw problem;
  }
  const stream = createReportStream<ListenEvent>(options.historyLimit ?? DEFAULT_HISTORY_LIMIT, 'the listener');
  const report = (event: ListenEvent) => {
    options.onReport?.(event);
    stream.push(event);
  };

  const listener = await startListener({
    host: options.host,
    port: options.port,
    secrets,
    diagnosticSecrets: options.diagnosticSecrets,
    skipVerify: options.skipVerify,
    maxBodyBytes: options.maxBodyBytes,
    events: options.events?.map(compileTypePattern),
    policy: respondPolicy(options),
    forwardTo: compileRoutes(options.forwardTo),
    forwardTimeoutMs: options.forwardTimeoutMs,
    journalPath: options.journal,
    onReport: report,
  });

  let tunnel: Tunnel | undefined;
  if (options.tunnel) {
    const { openTunnel } = await import('../tunnel/open.js');
    const { timeoutMs, ...config } = options.tunnel;
    try {
      tunnel = await openTunnel(config, { host: listener.host, port: listener.port, timeoutMs, onReport: report, signal: options.signal });
    } catch (error) {
      await listener.close();
      stream.end();
      throw error;
    }
  }

  let closing: Promise<ListenSummary> | undefined;
  return {
    ...stream,
    url: listener.url,
    host: listener.host,
    port: listener.port,
    ...(tunnel ? { tunnel: { provider: tunnel.provider, url: tunnel.url } } : {}),
    summary: () => listener.summary(),
    close() {
      closing ??= (async () => {
        // The tunnel closes first, so no delivery arrives at a closing server.
        await tunnel?.stop();
        const summary = await listener.close();
        stream.end();
        return summary;
      })();
      return closing;
    },
  };
}
