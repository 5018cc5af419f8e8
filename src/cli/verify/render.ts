import { maskSecret, type VerifyResult } from '../../signature/index.js';
import type { Ui } from '../shared/ui.js';

/** The verdict on one line (with the signature's id and time under a valid one), and with --json the `verification` object. */
export function renderVerification(ui: Ui, result: VerifyResult, secrets: readonly string[]): void {
  const { color } = ui;
  if (result.ok) {
    const which = secrets.length > 1 ? ` with secret ${result.secretIndex + 1} (${maskSecret(secrets[result.secretIndex]!)})` : '';
    ui.line(`${color.green('✓ valid')}  ${result.signature}${which}`);
    ui.line(color.dim(`  ${result.family}-id ${result.id} · timestamp ${result.timestamp} (${new Date(result.timestamp * 1000).toISOString()})`));
  } else {
    ui.line(`${color.red('✗ invalid')}  ${color.bold(result.reason)}: ${result.message}`);
    if (result.reason === 'missing-headers') ui.line(color.dim('  pass each with --header "name: value", --id/--timestamp/--signature, or --headers @file'));
  }
  ui.record({ type: 'verification', ...result });
}
