import { maskSecret, type SignedMessage } from '../../signature/index.js';
import type { ResolvedSecrets } from '../shared/inputs.js';
import type { Ui } from '../shared/ui.js';

/** The signed headers (or a curl command that sends them), and with --json the `signature` object. */
export function renderSignature(
  ui: Ui,
  signed: SignedMessage,
  context: { payload: Buffer; curl?: string; secret: string; secretSource: ResolvedSecrets['source'] },
): void {
  const curl = context.curl === undefined ? undefined : curlCommand(context.curl, signed.headers, context.payload);
  if (curl) {
    ui.line(curl);
  } else {
    for (const [name, value] of Object.entries(signed.headers)) ui.line(`${name}: ${value}`);
  }
  if (context.secretSource === 'default' && !ui.json) {
    process.stderr.write(ui.color.dim(`# signed with the built-in test secret ${maskSecret(context.secret)}; pass --secret to use yours\n`));
  }
  ui.record({
    type: 'signature',
    id: signed.id,
    timestamp: signed.timestamp,
    signature: signed.signature,
    headers: signed.headers,
    ...(curl ? { curl } : {}),
  });
}

/** A POSIX-shell curl command that sends the exact bytes that were signed. */
function curlCommand(url: string, headers: Record<string, string>, payload: Buffer): string {
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  // -w prints the status it got on its own line: a 204 (or any empty answer) would otherwise print nothing at all.
  const lines = [`curl -sS -X POST ${quote(url)}`, `-w ${quote('\\nHTTP %{http_code}\\n')}`, `-H ${quote('content-type: application/json')}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`-H ${quote(`${name}: ${value}`)}`);
  lines.push(`--data-binary ${quote(payload.toString('utf8'))}`);
  return lines.join(' \\\n  ');
}
