import { isUtf8 } from 'node:buffer';
import { stripVTControlCharacters } from 'node:util';
import type { ChalkInstance } from 'chalk';
import type { DeliveryReport, ListenReport, ListenSummary, ProbeReport, RejectedReport } from '../../listener/reports.js';
import type { PolicyReason, RespondOptions, RespondRuleOptions } from '../../listener/respond-policy.js';
import { encodeBody } from '../../journal/index.js';
import { maskSecret } from '../../signature/index.js';
import { formatDuration } from '../../util/duration.js';
import { nestingDepth } from '../../signature/diagnose.js';
import { verificationWithFlagWords } from '../shared/flag-words.js';
import { SECRET_ENV, type ResolvedSecrets } from '../shared/inputs.js';
import { colorJson } from '../shared/json-color.js';
import { escapeBlock, escapeControl as safe, indent, plural } from '../shared/text.js';
import { wrapWords } from '../shared/fit.js';
import { stringifyJson } from '../../util/json-string.js';

export interface LineStyle {
  color: ChalkInstance;
  verbose: boolean;
  /** The terminal's width, on a TTY only: a delivery line wider than this is laid out on several lines. */
  columns?: number;
  /** With two or more --forward-to targets, each forward line names the one that answered (issue 22). */
  namesForwardTarget?: boolean;
}

/** How many characters of the app's answer the one-line view shows. */
const APP_BODY_PREVIEW = 60;
/** -v shows a body pretty-printed up to this size and depth, else its start, raw: a stranger's body must not flood the terminal. */
const VERBOSE_BODY_BYTES = 64 * 1024;
const VERBOSE_BODY_DEPTH = 32;
const VERBOSE_RAW_PREVIEW = 4 * 1024;

/** The line (and with -v, the block under it) a report is shown as; undefined when it shows nothing. */
export function formatReport(given: ListenReport, style: LineStyle): string | undefined {
  const report = withFlagWords(given);
  switch (report.type) {
    case 'ready':
      return undefined;
    case 'delivery':
      return formatDelivery(report, style);
    case 'rejected':
      return formatRejected(report, style);
    case 'probe':
      return formatProbe(report, style);
    case 'error':
      return style.color.red(`error: ${safe(report.message)}`);
    case 'journal-repaired':
      return style.color.yellow(
        `warning: ${safe(report.path)} line ${report.line} was cut off (${plural(report.bytes, 'byte', 'bytes')}, the listener stopped mid-write; it was never answered 2xx): ended it, so new deliveries start on a line of their own (replay skips it with a warning)`,
      );
  }
}

/** time, method, path, type, event id, verification, answer, latency: one line per delivery. */
export function formatDelivery(d: DeliveryReport, { color, verbose, columns, namesForwardTarget = false }: LineStyle): string {
  // Everything a request carries is escaped: a type or id holding ESC or a newline must not forge a line.
  const type = d.eventType === undefined ? '(no type)' : safe(d.eventType);
  const head = `${clock(d.receivedAt)}  ${safe(d.method)} ${safe(d.path)}  ${type.padEnd(15)} ${d.eventId === undefined ? '-' : safe(d.eventId)}`;
  if (d.filtered) return color.dim(`${head}  filtered out by --events  → ${d.status}  ${formatLatency(d.latencyMs)}`);

  // Appended to one string rather than joined from an array: this runs for every delivery.
  let line = `${head}  ${verificationText(d, color)}`;
  if (d.repeat) line += `  ${color.magenta(`↻ ${d.repeat} #${d.attempt}`)}`;
  if (d.problem) line += `  ${color.red(`✗ ${d.problem.reason}: ${safe(d.problem.message)}`)}`;
  if (d.shape && !d.shape.ok) line += `  ${color.yellow(driftText(d))}`;
  if (d.recordError) line += `  ${color.red(`✗ not recorded: ${safe(d.recordError)}`)}`;
  line += `  → ${statusColor(d.status, color)}`;
  if (d.policy) line += color.dim(` (${policyText(d.policy)})`);
  if (d.delayMs > 0 || d.delayCutShort) line += color.dim(delayText(d));
  line += `  ${formatLatency(d.latencyMs)}`;
  if (d.senderGone) line += `  ${color.yellow('the sender had hung up')}`;
  if (d.forward) line += `  ${forwardText(d, color, namesForwardTarget)}`;
  if (columns !== undefined && columns > 0 && stripVTControlCharacters(line).length > columns) line = fitDelivery(d, head, color, columns, namesForwardTarget);
  return verbose ? `${line}\n${verboseBlock(d, color)}` : line;
}

function formatRejected(r: RejectedReport, { color }: LineStyle): string {
  const where = r.method ? `${safe(r.method)} ${safe(r.path ?? '')}` : '(no request line)';
  // Some messages already end "nothing was answered": say it once.
  const answer = r.status !== undefined ? `  → ${statusColor(r.status, color)}` : /nothing was answered$/.test(r.message) ? '' : `  ${color.dim('nothing answered')}`;
  return `${clock(r.receivedAt)}  ${where}  ${color.red(`✗ ${r.reason}: ${safe(r.message)}`)}${answer}`;
}

function formatProbe(p: ProbeReport, { color }: LineStyle): string {
  return color.dim(`${clock(p.receivedAt)}  ${safe(p.method)} ${safe(p.path)}  not a delivery (webhooks are POSTs with svix-* headers)  → ${p.status}`);
}

export function formatSummary(s: ListenSummary, { color }: LineStyle): string[] {
  const counts = [`${s.verified} verified`, `${s.failed} failed verification`];
  if (s.unverified > 0) counts.push(`${s.unverified} unverified (--skip-verify)`);
  if (s.filtered > 0) counts.push(`${s.filtered} filtered out`);
  if (s.forwarded > 0) counts.push(`${s.forwarded} forwarded`);
  if (s.forwardFailed > 0) counts.push(`${plural(s.forwardFailed, 'forward', 'forwards')} unanswered (app unreachable or timed out)`);
  const lines = [color.bold(`Stopped. ${plural(s.received, 'delivery', 'deliveries')} received: ${counts.join(', ')}`)];
  if (s.rejected > 0) lines.push(`  ${plural(s.rejected, 'request', 'requests')} rejected before verification (too large, malformed, too slow or aborted)`);
  const byType = Object.entries(s.byType).sort((a, b) => b[1] - a[1]);
  if (byType.length > 0) lines.push(`  by type    ${byType.map(([t, n]) => `${safe(t)} ${n}`).join(' · ')}`);
  const byStatus = Object.entries(s.byStatus).sort((a, b) => Number(a[0]) - Number(b[0]));
  if (byStatus.length > 0) lines.push(`  answered   ${byStatus.map(([status, n]) => `${status} ×${n}`).join(' · ')}`);
  return lines;
}

/** The --json object for a report: what the line shows, plus headers and body (base64 when not UTF-8). */
export function reportJson(given: ListenReport): object {
  const report = withFlagWords(given);
  // `type` first in every object, as in the deliveries' (a rejection is built from the server's report, type last).
  if (report.type === 'rejected') {
    const { type, ...rest } = report;
    return { type, ...rest };
  }
  if (report.type !== 'delivery') return report;
  return deliveryJson(report, encodeBody(report.body));
}

/**
 * A delivery's --json line in parts when its body is UTF-8 (as a webhook's is): the text up to its body, the
 * body's bytes, and the rest. The output escapes the bytes straight into its buffer, so the body, most of the
 * line, is never decoded into a string and escaped into another (that allocation grew V8's young generation:
 * bench/listen.js --memory). The line is byte for byte stringifyJson(reportJson(report)).
 */
export function deliveryJsonLine(given: DeliveryReport): { before: string[]; body: Buffer; after: string } | undefined {
  if (!isUtf8(given.body)) return undefined;
  // Without a body, the object's last keys (body, bodyEncoding) are left out: the line goes on from its `}`.
  // Parts, not one joined string: joining would copy this whole text once more (the same growth as above).
  const fields = stringifyJson(deliveryJson(withFlagWords(given) as DeliveryReport, undefined));
  return { before: [fields.slice(0, -1), ',"body":'], body: given.body, after: ',"bodyEncoding":"utf8"}' };
}

/** The --json object of a delivery, with its body as given (encoded for JSON), or without one. */
function deliveryJson(report: DeliveryReport, body: ReturnType<typeof encodeBody> | undefined) {
  // Every key named, in the report's order, rather than a rest/spread of its 22 keys: this runs for every
  // delivery, and the spread made a slow object that cost more than the rest of the line (issue 15). The keys
  // that are undefined are left out by JSON.stringify as before; test/e2e/listen-output-bytes guards the bytes.
  const { forward, verification } = report;
  return {
    type: report.type,
    receivedAt: report.receivedAt,
    method: report.method,
    path: report.path,
    messageId: report.messageId,
    attempt: report.attempt,
    repeat: report.repeat,
    eventType: report.eventType,
    eventId: report.eventId,
    problem: report.problem,
    shape: report.shape,
    filtered: report.filtered,
    status: report.status,
    policy: report.policy,
    delayMs: report.delayMs,
    // Only when it happened: a delay the stop cut short.
    delayCutShort: report.delayCutShort || undefined,
    recorded: report.recorded,
    recordError: report.recordError,
    latencyMs: report.latencyMs,
    senderGone: report.senderGone,
    headers: report.headers,
    verified: verification ? verification.ok : null,
    verification,
    forward: forward && {
      url: forward.url,
      status: forward.status,
      latencyMs: forward.latencyMs,
      error: forward.error,
      errorKind: forward.errorKind,
      contentType: forward.contentType,
      ...(forward.body && encodeBody(forward.body)),
    },
    body: body?.body,
    bodyEncoding: body?.bodyEncoding,
    // A key added to DeliveryReport and not named above fails to compile here.
  } satisfies Record<keyof DeliveryReport, unknown> & { verified: boolean | null; bodyEncoding: unknown };
}

/**
 * The report as the CLI words it, lines and --json alike: a failure the listener explains in its own words also
 * names the flag that changes it. Returns the report itself when there is nothing to reword (the common case).
 */
function withFlagWords(report: ListenReport): ListenReport {
  if (report.type === 'rejected') return report.reason === 'body-too-large' ? { ...report, message: `${report.message} (raise it with --max-body)` } : report;
  if (report.type !== 'delivery') return report;
  const { verification, forward } = report;
  const worded = verification && verificationWithFlagWords(verification);
  const timedOut = forward?.errorKind === 'timeout';
  if (worded === verification && !timedOut) return report;
  return { ...report, verification: worded, forward: timedOut ? { ...forward!, error: `${forward!.error} (--forward-timeout)` } : forward };
}

/** The --json object listen ends with. */
export function summaryJson(summary: ListenSummary): object {
  return { type: 'summary', ...summary };
}

function verificationText(d: DeliveryReport, color: ChalkInstance): string {
  if (!d.verification) return color.yellow('⚠ unverified (--skip-verify)');
  if (d.verification.ok) return color.green('✓ verified');
  return color.red(`✗ ${d.verification.reason}: ${safe(d.verification.message)}`);
}

/** A delay as it happened: the whole --delay, or cut short when the listener stopped (issue 22). */
function delayText(d: DeliveryReport): string {
  return d.delayCutShort ? ` after ${formatDuration(d.delayMs)} (--delay cut short: the listener stopped)` : ` after --delay ${formatDuration(d.delayMs)}`;
}

/** What a forward that got no answer says first: "unreachable" only when nothing could be reached (issue 19). */
const FORWARD_FAILURE: Record<NonNullable<NonNullable<DeliveryReport['forward']>['errorKind']>, string> = {
  unreachable: 'app unreachable',
  timeout: 'app timed out',
  reset: 'app reset the connection',
  'not-http': 'app answered something that is not HTTP',
  failed: 'forward failed',
};

/**
 * Issue 20: a verified event outside the known union, said so that a user running real events through a tunnel
 * learns the vendor's payloads drifted. The answer is not changed. The message quotes field names from the body:
 * escaped.
 */
function driftText(d: DeliveryReport): string {
  const shape = d.shape as Extract<DeliveryReport['shape'], { ok: false }>;
  return `⚠ ${d.eventType === undefined ? '' : `${safe(d.eventType)}: `}${safe(shape.message)} (Scan Documents may have changed this event; check your handler)`;
}

function forwardText(d: DeliveryReport, color: ChalkInstance, namesTarget: boolean): string {
  const f = d.forward!;
  if (f.status === undefined) return color.red(`⇢ ${FORWARD_FAILURE[f.errorKind ?? 'failed']}: ${safe(f.error ?? '')} (${safe(f.url)})`);
  const preview = f.body && f.body.length > 0 ? `: ${oneLine(f.body, APP_BODY_PREVIEW)}` : '';
  const target = namesTarget ? ` at ${safe(f.url)}` : '';
  return `⇢ app${target} ${statusColor(f.status, color)} in ${formatLatency(f.latencyMs)}${color.dim(preview)}`;
}

function verboseBlock(d: DeliveryReport, color: ChalkInstance): string {
  const lines = [color.dim('    headers')];
  for (const [name, value] of Object.entries(d.headers)) lines.push(`      ${color.cyan(safe(name))}: ${safe(String(value))}`);
  const body = bodyView(d.body, color);
  lines.push(color.dim(`    body${body.label}`), indent(body.text, '      '));
  const f = d.forward;
  if (f?.body && f.body.length > 0) {
    const answer = bodyView(f.body, color);
    lines.push(color.dim(`    app answered ${f.status}${f.contentType ? ` (${safe(f.contentType)})` : ''}${answer.label}`), indent(answer.text, '      '));
  }
  return lines.join('\n');
}

/**
 * A body for -v: its label (after "body") and its text, pretty JSON when it is small and shallow enough, else raw
 * and cut; escaped either way. One pass decides both, so a body is checked, measured and parsed once.
 */
function bodyView(body: Buffer, color: ChalkInstance): { label: string; text: string } {
  if (body.length === 0) return { label: ' (empty)', text: '' };
  const cut = body.length > VERBOSE_RAW_PREVIEW ? `, the first ${VERBOSE_RAW_PREVIEW} bytes` : '';
  if (!isUtf8(body)) return { label: ` (not UTF-8, ${body.length} bytes, shown as base64${cut})`, text: body.subarray(0, VERBOSE_RAW_PREVIEW).toString('base64') };
  const raw = () => {
    const start = escapeBlock(body.subarray(0, VERBOSE_RAW_PREVIEW).toString('utf8'));
    return body.length > VERBOSE_RAW_PREVIEW ? `${start}…` : start;
  };
  const depth = nestingDepth(body);
  if (body.length > VERBOSE_BODY_BYTES || depth > VERBOSE_BODY_DEPTH) return { label: ` (${body.length} bytes, nested ${depth} deep: shown raw${cut})`, text: raw() };
  const parsed = parseJson(body);
  return parsed === undefined ? { label: ` (not JSON, shown raw${cut})`, text: raw() } : { label: '', text: colorJson(parsed.value, color) };
}

function parseJson(body: Buffer): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(body.toString('utf8')) };
  } catch {
    return undefined;
  }
}

function policyText(p: PolicyReason): string {
  return p.source === 'respond' ? `--respond ${p.rule}: ${p.step}/${p.steps}` : `--fail-rate ${p.rate}`;
}

function statusColor(status: number, color: ChalkInstance): string {
  const text = String(status);
  return status < 300 ? color.green(text) : status < 500 ? color.yellow(text) : color.red(text);
}

function formatLatency(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)}ms` : formatDuration(ms);
}

let lastSecond = '';
let lastClock = '';
/** Local wall-clock time of an ISO instant, HH:MM:SS; formatted once a second, as deliveries come in bursts. */
function clock(iso: string): string {
  const second = iso.slice(0, 19);
  if (second !== lastSecond) {
    lastSecond = second;
    lastClock = new Date(iso).toTimeString().slice(0, 8);
  }
  return lastClock;
}

function oneLine(body: Buffer, max: number): string {
  const text = (isUtf8(body) ? body.toString('utf8') : `<${body.length} bytes, not UTF-8>`).replace(/\s+/g, ' ').trim();
  return safe(text.length > max ? `${text.slice(0, max - 1)}…` : text);
}

/** Where continuation lines start: under the method, past the clock. */
const CONTINUATION = ' '.repeat(10);

/**
 * A delivery line too wide for the terminal, laid out to fit: the status on the first line (or the next, indented),
 * then the forward and each diagnosis on its own indented line, wrapped at word boundaries. Off a terminal lines
 * stay whole, for grep.
 */
function fitDelivery(d: DeliveryReport, head: string, color: ChalkInstance, columns: number, namesForwardTarget: boolean): string {
  const verification = !d.verification ? color.yellow('⚠ unverified') : d.verification.ok ? color.green('✓ verified') : color.red(`✗ ${d.verification.reason}`);
  let status = verification;
  if (d.repeat) status += `  ${color.magenta(`↻ ${d.repeat} #${d.attempt}`)}`;
  status += `  → ${statusColor(d.status, color)}`;
  if (d.policy) status += color.dim(` (${policyText(d.policy)})`);
  if (d.delayMs > 0 || d.delayCutShort) status += color.dim(delayText(d));
  status += `  ${formatLatency(d.latencyMs)}`;
  if (d.senderGone) status += `  ${color.yellow('the sender had hung up')}`;
  const width = (text: string) => stripVTControlCharacters(text).length;
  const lines = width(head) + 2 + width(status) <= columns ? [`${head}  ${status}`] : [head, `${CONTINUATION}${status}`];
  const notes: string[] = [];
  // Escaped as on the one-line form: a parse error quotes the body, which came from the sender.
  if (d.verification && !d.verification.ok) notes.push(safe(d.verification.message));
  if (d.problem) notes.push(`✗ ${d.problem.reason}: ${safe(d.problem.message)}`);
  if (d.recordError) notes.push(`✗ not recorded: ${safe(d.recordError)}`);
  for (const note of notes) for (const part of wrapWords(note, columns - CONTINUATION.length)) lines.push(`${CONTINUATION}${color.red(part)}`);
  if (d.shape && !d.shape.ok) for (const part of wrapWords(driftText(d), columns - CONTINUATION.length)) lines.push(`${CONTINUATION}${color.yellow(part)}`);
  if (d.forward) lines.push(`${CONTINUATION}${forwardText(d, color, namesForwardTarget)}`);
  return lines.join('\n');
}

/** What the start-up banner shows: the listener's settings as the flags gave them. */
export interface ListenBanner {
  url: string;
  host: string;
  /** Absent with --skip-verify. */
  secrets?: ResolvedSecrets & { printed: boolean };
  forwardTo: ReadonlyArray<{ types?: readonly string[]; url: URL }>;
  forwardTimeoutMs: number;
  respond: Required<RespondOptions>;
  events?: readonly string[];
  record?: string;
  /** The inspector page's URL (with its token), unless --no-inspect. */
  inspectUrl?: string;
  /** Why the inspector's token could not be kept for the next start (its URL will change). */
  inspectTokenProblem?: string;
}

export function bannerLines(banner: ListenBanner, color: ChalkInstance): string[] {
  const lines = [color.bold('scandocs-webhooks listen')];
  const row = (label: string, value: string) => lines.push(`  ${color.dim(label.padEnd(9))} ${value}`);
  row('url', `${banner.url} ${color.dim('(any path)')}`);
  if (!banner.secrets) {
    row('secret', color.yellow('none: --skip-verify accepts every delivery without checking its signature'));
  } else {
    const { secrets, source, printed } = banner.secrets;
    const from = source === 'default' ? 'the built-in test secret' : source === 'env' ? `from $${SECRET_ENV}` : '--secret';
    const shown = secrets.map((s) => (printed ? s : maskSecret(s))).join(', ');
    row('secret', `${shown} ${color.dim(`(${from}${printed ? '' : '; --print-secret shows it'})`)}`);
  }
  for (const route of banner.forwardTo) {
    const types = route.types ? `${route.types.join(',')} → ` : '';
    const timeout = banner.forwardTimeoutMs > 0 ? `timeout ${formatDuration(banner.forwardTimeoutMs)}` : 'no timeout';
    row('forward', `${types}${route.url.href} ${color.dim(`(${timeout})`)}`);
  }
  const policy = describePolicy(banner.respond);
  if (policy) row('respond', policy);
  if (banner.events) row('events', banner.events.join(', '));
  if (banner.record) row('record', banner.record);
  // Just the URL: with its 32-character token the row fits an 80-column terminal.
  if (banner.inspectUrl) row('inspect', banner.inspectUrl);
  if (banner.inspectTokenProblem) {
    lines.push(color.yellow(`  warning: the inspector's token is not kept (${banner.inspectTokenProblem}): its URL changes at each start`));
  }
  if (!/^(127\.|::1$|localhost$)/.test(banner.host)) {
    lines.push(color.yellow(`  warning: bound to ${banner.host}, so other machines on the network can reach this listener`));
  }
  lines.push(color.green(`Ready: waiting for deliveries on ${banner.url} (Ctrl-C to stop)`));
  return lines;
}

function describePolicy(policy: Required<RespondOptions>): string | undefined {
  const parts = (policy.respond as RespondRuleOptions[]).map((rule) => `${rule.types ? `${rule.types.join(',')}=` : ''}${rule.statuses.join(',')}`);
  if (policy.failRate > 0) parts.push(`fail-rate ${policy.failRate}`);
  if (policy.delayMs > 0) parts.push(`delay ${formatDuration(policy.delayMs)}`);
  if (policy.failHeaders.length > 0) parts.push(`failures add ${policy.failHeaders.map(([n, v]) => `${n}: ${v}`).join(', ')}`);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}
