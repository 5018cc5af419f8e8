import { curlCommand } from '../../util/curl.js';
import { maskSecret, type SignedMessage } from '../../signature/index.js';
import type { ResolvedSecrets } from '../shared/inputs.js';
import type { Ui } from '../shared/ui.js';

/** The signed headers (or a curl command that sends them), and with --json the `signature` object. */
export function renderSignature(
  ui: Ui,
  signed: SignedMessage,
  context: { payload: Buffer; curl?: string; secret: string; secretSource: ResolvedSecrets['source'] },
): void {
  const curl = context.curl === undefined ? undefined : signedCurl(context.curl, signed.headers, context.payload);
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

/** The command that sends the exact bytes that were signed (one form with the inspector's "Copy as curl"). */
function signedCurl(url: string, headers: Record<string, string>, payload: Buffer): string {
  return curlCommand({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, body: payload });
}
