import { maskSecret, type VerifyResult } from '../../signature/index.js';
import { escapeControl } from '../shared/text.js';
import type { Ui } from '../shared/ui.js';

/** The verdict on one line (with the signature's id and time under a valid one), and with --json the `verification` object. */
export function renderVerification(ui: Ui, result: VerifyResult, secrets: readonly string[]): void {
  const { color } = ui;
  if (result.ok) {
    const which = secrets.length > 1 ? ` with secret ${result.secretIndex + 1} (${maskSecret(secrets[result.secretIndex]!)})` : '';
    ui.line(`${color.green('✓ valid')}  ${escapeControl(result.signature)}${which}`);
    ui.line(color.dim(`  ${result.family}-id ${escapeControl(result.id)} · timestamp ${result.timestamp} (${new Date(result.timestamp * 1000).toISOString()})`));
  } else {
    // The message quotes the headers as given (an invalid timestamp, say), which may carry ESC or BEL: escaped.
    ui.line(`${color.red('✗ invalid')}  ${color.bold(result.reason)}: ${escapeControl(result.message)}`);
    if (result.reason === 'missing-headers') ui.line(color.dim('  pass each with --header "name: value", --id/--timestamp/--signature, or --headers @file'));
  }
  ui.record({ type: 'verification', ...result });
}
