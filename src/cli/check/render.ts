import type { Ora } from 'ora';
import { CHECK_NAMES, hasCommonAnswer, type Check, type CheckGroup, type CheckNeed, type CheckReport, type CheckResult, type CommonFailure } from '../../check/index.js';
import { formatDuration } from '../../util/duration.js';
import type { Ui } from '../shared/ui.js';
import { wrapWords } from '../shared/fit.js';

const GROUP_TITLES: Record<CheckGroup, string> = {
  'must-accept': 'Must accept',
  'must-refuse': 'Must refuse',
  'applied-once': 'Applied once (asked through --effects-url)',
  'must-not-redirect': 'Must not redirect',
};
const NAME_WIDTH = Math.max(...CHECK_NAMES.map((name) => name.length));
/** How to enable a skipped check, said once per need. */
const ENABLE: Record<CheckNeed, string> = {
  effects:
    'skipped: status codes cannot show an event applied twice; pass --effects-url URL, a test-only route of your app ' +
    'answering GET ?event_id=<id> with {"count": n} (see the README), to run these',
  'two-secrets': 'skipped: pass --secret twice (the old secret, then the new one) to check a secret rotation',
};

/**
 * Turns the runner's reports into the report card as they come, one line per check when it completes (and, with
 * --json, one object per check, a common-failure object, and a summary).
 */
export function createRenderer(ui: Ui, spinner: Ora | undefined): (report: CheckReport) => void {
  const { color } = ui;
  let group: CheckGroup | undefined;
  let ran = 0;
  const told = new Set<string>();
  // When must-accept checks fail the same way, the first one's hint is shown, and the next ones only their line:
  // after the group, a common-failure line says the cause once (probed, when it can be).
  const hintedAnswers = new Set<string>();
  let common: CommonFailure | undefined;
  const heading = (next: CheckGroup) => {
    if (next === group) return;
    group = next;
    ui.line();
    ui.line(color.bold(GROUP_TITLES[group]));
  };
  return (report) => {
    switch (report.type) {
      case 'start':
        return;
      case 'check-started':
        spinner?.start(`${report.name} (${report.index + 1}/${report.total})`);
        return;
      case 'check-finished': {
        spinner?.stop();
        const { result } = report;
        ui.record({ type: 'check', ...jsonResult(result) });
        heading(result.group);
        if (result.skipped) {
          printSkipped(ui, result, told);
          return;
        }
        ran++;
        let shown = result;
        if (result.group === 'must-accept' && !result.passed) {
          const answer = answerOf(result);
          if (hintedAnswers.has(answer)) shown = { ...result, hint: undefined };
          hintedAnswers.add(answer);
        }
        // A later check that got the same answer (a refusal's 500 warning, no-redirect) would only repeat the cause.
        if (common && result.group !== 'must-accept' && hasCommonAnswer(result, common)) shown = { ...result, hint: undefined, warning: undefined };
        printResult(ui, shown);
        return;
      }
      case 'common-failure': {
        const { failure } = report;
        common = failure;
        const [first, ...rest] = layout(ui, failure.hint, '    ');
        ui.line(`  ${color.red('✗')} ${color.red(first!.trimStart())}`);
        for (const line of rest) ui.line(color.red(line));
        ui.record({ type: 'common-failure', group: report.group, answer: failure.answer, checks: failure.checks, hint: failure.hint });
        return;
      }
      case 'unreachable':
        spinner?.stop();
        ui.line(`${color.red('✗')} cannot reach ${report.url}: ${report.message}${unreachableAdvice(report.cause)}`);
        ui.record({ type: 'unreachable', url: report.url, cause: report.cause, message: report.message });
        return;
      case 'summary': {
        spinner?.stop();
        const { summary } = report;
        ui.line();
        if (summary.unreachable) {
          ui.line(color.red(`Score: 0/${summary.total}: the endpoint is unreachable, no check ran`));
        } else {
          const warnings = summary.warnings > 0 ? `, ${summary.warnings} with a warning` : '';
          const skipped = summary.skipped > 0 ? `, ${summary.skipped} skipped` : '';
          const score = `Score: ${summary.passed}/${summary.total} checks passed${warnings}${skipped}`;
          const stopped = summary.interrupted ? `Stopped (Ctrl-C) after ${ran} ${ran === 1 ? 'check' : 'checks'}: ` : '';
          ui.line(summary.failed === 0 && !summary.interrupted ? color.green(score) : color.red(`${stopped}${score}`));
        }
        ui.record({ type: 'summary', ok: summary.failed === 0 && !summary.interrupted && !summary.unreachable, ...summary });
        return;
      }
    }
  };
}

/** `✓ name  status  latency`, then the warning or the fix on the next line. */
function printResult(ui: Ui, result: CheckResult): void {
  const { color } = ui;
  const mark = result.passed ? (result.warning ? color.yellow('✓') : color.green('✓')) : color.red('✗');
  const statuses = result.responses.map((response) => (response.status === undefined ? response.error!.cause : String(response.status))).join(' → ');
  const applied = result.applied === undefined ? '' : color.dim(`  applied ${result.applied}×`);
  ui.line(`  ${mark} ${result.name.padEnd(NAME_WIDTH)}  ${statuses.padEnd(11)} ${color.dim(formatDuration(slowest(result)).padStart(6))}${applied}`);
  if (result.hint) detail(ui, result.hint, color.red);
  else if (result.warning) detail(ui, `warning: ${result.warning}`, color.yellow);
}

/** `– name  skipped`, and once per need (or per reason) the line that says how to run it. */
function printSkipped(ui: Ui, result: CheckResult, told: Set<string>): void {
  const { color } = ui;
  const skip = result.skipped!;
  const why = skip.message ? `skipped: ${skip.message}` : ENABLE[skip.need];
  ui.line(`  ${color.dim('–')} ${result.name.padEnd(NAME_WIDTH)}  ${color.dim('skipped')}`);
  if (!told.has(why)) detail(ui, why, color.yellow);
  told.add(why);
}

/** A hint or warning under its check's line, indented, wrapped to the terminal (whole off a terminal). */
function detail(ui: Ui, text: string, paint: (text: string) => string): void {
  for (const line of layout(ui, text, '      ')) ui.line(paint(line));
}

/** A header line, wrapped to the terminal like the hints (a long URL stays whole). */
export function printHeader(ui: Ui, text: string, paint: (text: string) => string = (line) => line): void {
  for (const line of layout(ui, text, '')) ui.line(paint(line));
}

function layout(ui: Ui, text: string, indent: string): string[] {
  const columns = ui.interactive ? (ui.stream.columns ?? 0) : 0;
  // At least 20 columns of room, so a deep indent on a narrow terminal still leaves words a line.
  return columns > 0 ? wrapWords(text, Math.max(20, columns - indent.length)).map((piece) => indent + piece) : [indent + text];
}

function answerOf(result: CheckResult): string {
  const response = result.responses.at(-1);
  if (!response) return 'nothing';
  if (response.status === undefined) return response.error!.cause;
  return response.location ? `${response.status} → ${response.location}` : String(response.status);
}

function jsonResult(result: CheckResult): object {
  const last = result.responses.at(-1);
  return {
    name: result.name,
    group: result.group,
    passed: result.passed,
    ...(result.skipped ? { skipped: true, skipReason: result.skipped.message ?? result.skipped.need } : {}),
    status: last?.status ?? null,
    latencyMs: slowest(result),
    ...(last?.location ? { location: last.location } : {}),
    ...(result.applied === undefined ? {} : { applied: result.applied }),
    ...(result.warning ? { warning: result.warning } : {}),
    ...(result.hint ? { hint: result.hint } : {}),
    rule: result.rule,
    responses: result.responses,
  };
}

/** The latency a check reports: its slowest request's. */
function slowest(result: CheckResult): number {
  return Math.max(0, ...result.responses.map((response) => response.latencyMs));
}

export function printList(ui: Ui, checks: Check[]): void {
  let group: CheckGroup | undefined;
  for (const check of checks) {
    if (check.group !== group) {
      group = check.group;
      ui.line(ui.color.bold(GROUP_TITLES[group]));
    }
    const needs = check.needs === 'effects' ? ' (needs --effects-url)' : check.needs === 'two-secrets' ? ' (needs two --secret)' : '';
    ui.line(`  ${check.name.padEnd(NAME_WIDTH)}  ${ui.color.dim(`${check.rule}${needs}`)}`);
    ui.record({ type: 'check-definition', name: check.name, group: check.group, rule: check.rule, ...(check.needs ? { needs: check.needs } : {}) });
  }
}

function unreachableAdvice(cause: string): string {
  if (cause === 'refused') return ' (is your app running, and listening on this port?)';
  if (cause === 'dns') return ' (check the host name in --url)';
  return '';
}
