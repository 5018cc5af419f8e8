import { sign, maskSecret } from '../../signature/index.js';
import { parseUnixTime } from '../parse/time.js';
import type { SignCommandOptions } from './flags.js';
import { readPayload, resolveSigningSecret } from '../shared/inputs.js';
import { createUi } from '../shared/ui.js';
import { EXIT_OK } from '../shared/errors.js';

export async function runSign(options: SignCommandOptions): Promise<number> {
  const ui = createUi(options);
  const { secret, source } = resolveSigningSecret(options.secret);
  const payload = await readPayload(options.payload);
  const timestamp = options.timestamp === undefined ? undefined : parseUnixTime(options.timestamp, '--timestamp');
  const signed = sign({ payload, secret, id: options.id, timestamp, headerFamily: options.unbranded ? 'webhook' : 'svix' });

  if (options.curl) {
    ui.line(curlCommand(options.curl, signed.headers, payload));
  } else {
    for (const [name, value] of Object.entries(signed.headers)) ui.line(`${name}: ${value}`);
  }
  if (source === 'default' && !options.json) {
    process.stderr.write(ui.color.dim(`# signed with the built-in test secret ${maskSecret(secret)}; pass --secret to use yours\n`));
  }
  ui.record({ type: 'signature', id: signed.id, timestamp: signed.timestamp, signature: signed.signature, headers: signed.headers });
  return EXIT_OK;
}

/** A POSIX-shell curl command that sends the exact bytes that were signed. */
function curlCommand(url: string, headers: Record<string, string>, payload: Buffer): string {
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  const lines = [`curl -sS -X POST ${quote(url)}`, `-H ${quote('content-type: application/json')}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`-H ${quote(`${name}: ${value}`)}`);
  lines.push(`--data-binary ${quote(payload.toString('utf8'))}`);
  return lines.join(' \\\n  ');
}
