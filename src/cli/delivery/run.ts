import { createRequire } from 'node:module';
import { InputError } from '../../errors.js';
import { parseHttpUrl } from '../parse/url.js';
import { parseHeaderLine } from '../parse/header-line.js';
import { parseSchedule, type Schedule } from '../../delivery/schedule.js';
import type { OutgoingMessage } from '../../delivery/deliver.js';
import { maskSecret } from '../../signature/index.js';
import { formatDuration, parseDuration } from '../../util/duration.js';
import type { DeliveryCommandOptions } from './flags.js';
import { EXIT_FAILED, EXIT_OK } from '../shared/errors.js';
import { resolveSigningSecret, type ResolvedSecrets } from '../shared/inputs.js';
import type { Ui } from '../shared/ui.js';

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };
/** Svix names itself in `user-agent`; so do we, so an endpoint's logs show where a test delivery came from. */
export const USER_AGENT = `scandocs-webhooks/${version}`;
const MAX_CONCURRENCY = 1000;

/** The validated form of the options `trigger` and `replay` share. */
export interface DeliverySettings {
  url: string;
  secret: string;
  secretSource: ResolvedSecrets['source'];
  headers: Record<string, string>;
  timeoutMs: number;
  schedule: Schedule;
  concurrency: number;
  verbose: boolean;
}

/** Checks every shared option before anything is sent, so bad input is one line and exit 2, never a half-run. */
export function resolveDeliverySettings(options: DeliveryCommandOptions): DeliverySettings {
  const url = parseHttpUrl(options.url, '--url', 'http://127.0.0.1:3000/webhooks').href;
  const { secret, source } = resolveSigningSecret(options.secret);
  // Lower-cased, so `-H "Svix-Signature: …"` overrides the computed header rather than sending it twice.
  const headers = Object.fromEntries(
    (options.header ?? []).map((h) => parseHeaderLine(h, '--header', '"svix-signature: v1,bad"')).map(([n, v]) => [n.toLowerCase(), v]),
  );
  const timeoutMs = parseDuration(options.timeout, '--timeout');
  if (timeoutMs <= 0) throw new InputError('invalid-duration', `--timeout ${options.timeout} must be more than 0, e.g. --timeout 5s`);
  return {
    url,
    secret,
    secretSource: source,
    headers,
    timeoutMs,
    schedule: parseSchedule(options),
    concurrency: parseCount(options.concurrency, '--concurrency', MAX_CONCURRENCY),
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
 * Sends the messages with the shared settings, renders every report, and returns the exit code:
 * 0 when every message was delivered, 1 when any finally failed.
 */
export async function runDeliveries(messages: Iterable<OutgoingMessage>, settings: DeliverySettings, ui: Ui, what: string): Promise<number> {
  const [{ createDeliveryAgent }, { deliverBatch }, { createDeliveryRenderer }] = await Promise.all([
    import('../../delivery/attempt.js'),
    import('../../delivery/batch.js'),
    import('./render.js'),
  ]);
  // A terminal reporting 0 columns (some CI ptys) would make ora's line clearing loop forever: plain lines there.
  const spinner = ui.interactive && (ui.stream.columns ?? 0) > 0 && settings.schedule.waitsMs.length > 1;
  const renderer = await createDeliveryRenderer(ui, { verbose: settings.verbose, spinner });
  const { color } = ui;
  const secretNote = settings.secretSource === 'default' ? ' (the built-in test secret)' : settings.secretSource === 'env' ? ' (from $SCANDOCS_WEBHOOK_SECRET)' : '';
  const parallel = settings.concurrency > 1 ? ` · ${settings.concurrency} at a time` : '';
  ui.line(
    color.dim(
      `→ ${what} to ${displayUrl(settings.url)} · schedule ${settings.schedule.label} · timeout ${formatDuration(settings.timeoutMs)}${parallel} · signed with ${maskSecret(settings.secret)}${secretNote}`,
    ),
  );
  // One keep-alive pool per origin, shared by every message and retry of the run.
  const agent = createDeliveryAgent();
  try {
    const summary = await deliverBatch(messages, {
      url: settings.url,
      secret: settings.secret,
      timeoutMs: settings.timeoutMs,
      schedule: settings.schedule,
      userAgent: USER_AGENT,
      headers: settings.headers,
      dispatcher: agent,
      concurrency: settings.concurrency,
      onReport: renderer.onReport,
    });
    renderer.summary(summary);
    return summary.failed === 0 ? EXIT_OK : EXIT_FAILED;
  } finally {
    renderer.close();
    await agent.close();
  }
}

/** The URL as shown in output: a password in it is masked, never printed. */
function displayUrl(href: string): string {
  const url = new URL(href);
  if (url.password) url.password = '••••••';
  return url.href;
}
