import type { ChalkInstance } from 'chalk';
import type { TunnelReport } from '../../tunnel/types.js';

/** The path shown for pasting into the Dashboard; listen answers on any path, this one just reads well. */
export const DASHBOARD_PATH = '/webhooks';

/** What the tunnel lines need to know about the listener behind it. */
export interface TunnelContext {
  /** The local listener, e.g. http://127.0.0.1:4000. */
  localUrl: string;
  /** How deliveries are checked: with a secret (and where it came from), or not at all (--allow-unverified). */
  verification: { verified: true; secretSource: 'flag' | 'env' | 'default' } | { verified: false };
}

/** The URL to register in the Scan Documents Dashboard. */
export function dashboardUrl(publicUrl: string): string {
  return `${publicUrl}${DASHBOARD_PATH}`;
}

/** The human lines for one tunnel report (empty when it shows nothing). Pure, so tests can read them as is. */
export function formatTunnelReport(report: TunnelReport, context: TunnelContext, color: ChalkInstance): string[] {
  const row = (label: string, value: string) => `  ${color.dim(label.padEnd(9))} ${value}`;
  switch (report.type) {
    case 'tunnel-starting':
      return [color.dim(`  opening the ${report.provider} tunnel to ${context.localUrl}…`)];
    case 'tunnel-ready':
      return [
        row('public', `${report.url} → ${context.localUrl} ${color.dim(`(${report.provider})`)}`),
        '',
        `  ${color.bold('Paste this into the Scan Documents Dashboard as the webhook endpoint URL:')}`,
        `    ${color.bold.cyan(dashboardUrl(report.url))}`,
        '',
        ...verificationLines(context, color, row),
      ];
    case 'tunnel-interrupted':
      return [color.yellow(`⚠ ${report.provider} tunnel interrupted: ${report.reason} (the local listener keeps running)`)];
    case 'tunnel-reconnected':
      return [color.green(`✓ ${report.provider} tunnel back: ${dashboardUrl(report.url)}`)];
    case 'tunnel-exited':
      return [
        color.red(`✗ ${report.provider} tunnel closed: ${report.reason}`),
        color.red(`  the public URL no longer works; the local listener keeps running on ${context.localUrl} (restart listen for a new URL)`),
      ];
    case 'tunnel-closed':
      return [color.dim(`  ${report.provider} tunnel closed`)];
  }
}

function verificationLines(context: TunnelContext, color: ChalkInstance, row: (l: string, v: string) => string): string[] {
  const { verification } = context;
  if (!verification.verified) {
    return [row('verify', color.red.bold('OFF (--skip-verify --allow-unverified): anyone who finds this URL can post anything to your listener'))];
  }
  const lines = [row('verify', `${color.green('on')}: requests to the public URL need a valid svix-signature, anything else is answered 401`)];
  if (verification.secretSource === 'default') {
    // The Dashboard signs with the endpoint's own secret: with the test secret every real delivery would fail.
    lines.push(
      row('', color.yellow("real events are signed with your endpoint's secret: copy it from the Dashboard and restart with --secret whsec_…")),
    );
  }
  return lines;
}

/** The JSON line for a tunnel report: the report itself, plus the Dashboard URL once there is one. */
export function tunnelJson(report: TunnelReport): object {
  return report.type === 'tunnel-ready' || report.type === 'tunnel-reconnected' ? { ...report, dashboardUrl: dashboardUrl(report.url) } : report;
}
