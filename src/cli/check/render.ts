import type { Ora } from 'ora';
import { CHECK_NAMES, findCommonFailure, hasCommonAnswer, type Check, type CheckGroup, type CheckReport, type CheckResult, type CommonFailure } from '../../check/index.js';
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
  // The must-accept results wait until their group is over: when they all failed the same way (all 401, all 500,
  // the same redirect), the card says so once, first, instead of one unrelated hint per check.
  let accepts: CheckResult[] | undefined = [];
  let common: CommonFailure | undefined;
  const show = (result: CheckResult, withNotes: boolean) => {
    if (result.group !== group) {
      group = result.group;
      ui.line();
      ui.line(color.bold(GROUP_TITLES[group]));
    }
    printResult(ui, withNotes ? result : { ...result, hint: undefined, warning: undefined });
  };
  const flushAccepts = () => {
    if (!accepts) return;
    const held = accepts;
    accepts = undefined;
    common = findCommonFailure(held);
    if (common) {
      ui.line();
      ui.line(`${color.red('✗')} ${color.red(common.hint)}`);
      ui.record({ type: 'common-failure', group: 'must-accept', answer: common.answer, checks: common.checks, hint: common.hint });
    }
    for (const result of held) show(result, !common);
  };
  return (report) => {
    switch (report.type) {
      case 'start':
        return;
      case 'check-started':
        spinner?.start(`${report.name} (${report.index + 1}/${report.total})`);
        return;
      case 'check-finished':
        spinner?.stop();
        ui.record({ type: 'check', ...jsonResult(report.result) });
        if (accepts && report.result.group === 'must-accept') {
          accepts.push(report.result);
          return;
        }
        flushAccepts();
        // A later check that got the same answer (a refusal's 500 warning, no-redirect) would only repeat the cause.
        show(report.result, !(common && hasCommonAnswer(report.result, common)));
        return;
      case 'unreachable':
        spinner?.stop();
        flushAccepts();
        ui.line(`${color.red('✗')} cannot reach ${report.url}: ${report.message}${unreachableAdvice(report.cause)}`);
        ui.record({ type: 'unreachable', url: report.url, cause: report.cause, message: report.message });
        return;
      case 'summary': {
        flushAccepts();
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
