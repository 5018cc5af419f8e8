import type { Ora } from 'ora';
import { CHECK_NAMES, type Check, type CheckGroup, type CheckReport, type CheckResult } from '../../check/index.js';
import { formatDuration } from '../../util/duration.js';
import type { Ui } from '../shared/ui.js';

const GROUP_TITLES: Record<CheckGroup, string> = {
  'must-accept': 'Must accept',
  'must-refuse': 'Must refuse',
  'must-not-redirect': 'Must not redirect',
};
const NAME_WIDTH = Math.max(...CHECK_NAMES.map((name) => name.length));

/** Turns the runner's reports into the report card (and, with --json, one object per check and a summary). */
export function createRenderer(ui: Ui, spinner: Ora | undefined): (report: CheckReport) => void {
  const { color } = ui;
  let group: CheckGroup | undefined;
  return (report) => {
    switch (report.type) {
      case 'start':
        return;
      case 'check-started':
        spinner?.start(`${report.name} (${report.index + 1}/${report.total})`);
        return;
      case 'check-finished':
        spinner?.stop();
        if (report.result.group !== group) {
          group = report.result.group;
          ui.line();
          ui.line(color.bold(GROUP_TITLES[group]));
        }
        printResult(ui, report.result);
        ui.record({ type: 'check', ...jsonResult(report.result) });
        return;
      case 'unreachable':
        spinner?.stop();
        ui.line(`${color.red('✗')} cannot reach ${report.url}: ${report.message}${unreachableAdvice(report.cause)}`);
        ui.record({ type: 'unreachable', url: report.url, cause: report.cause, message: report.message });
        return;
      case 'summary': {
        const { summary } = report;
        ui.line();
        if (summary.unreachable) {
          ui.line(color.red(`Score: 0/${summary.total}: the endpoint is unreachable, no check ran`));
        } else {
          const warnings = summary.warnings > 0 ? `, ${summary.warnings} with a warning` : '';
          const score = `Score: ${summary.passed}/${summary.total} checks passed${warnings}`;
          ui.line(summary.failed === 0 ? color.green(score) : color.red(score));
        }
        ui.record({ type: 'summary', ok: summary.failed === 0, ...summary });
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
  ui.line(`  ${mark} ${result.name.padEnd(NAME_WIDTH)}  ${statuses.padEnd(11)} ${color.dim(formatDuration(slowest(result)).padStart(6))}`);
  if (result.hint) ui.line(`      ${color.red(result.hint)}`);
  else if (result.warning) ui.line(`      ${color.yellow(`warning: ${result.warning}`)}`);
}

function jsonResult(result: CheckResult): object {
  const last = result.responses.at(-1);
  return {
    name: result.name,
    group: result.group,
    passed: result.passed,
    status: last?.status ?? null,
    latencyMs: slowest(result),
    ...(last?.location ? { location: last.location } : {}),
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
    ui.line(`  ${check.name.padEnd(NAME_WIDTH)}  ${ui.color.dim(check.rule)}`);
    ui.record({ type: 'check-definition', name: check.name, group: check.group, rule: check.rule });
  }
}

function unreachableAdvice(cause: string): string {
  if (cause === 'refused') return ' (is your app running, and listening on this port?)';
  if (cause === 'dns') return ' (check the host name in --url)';
  return '';
}
