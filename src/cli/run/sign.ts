import { InputError } from '../../errors.js';
import { sign, maskSecret } from '../../signature/index.js';
import { parseUnixTime } from '../../util/time.js';
import type { SignCommandOptions } from '../commands/sign.js';
import { readPayload, resolveSigningSecret } from '../inputs.js';
import { createUi } from '../ui.js';
import { EXIT_OK } from '../errors.js';

export async function runSign(options: SignCommandOptions): Promise<number> {
  const ui = createUi(options);
  const { secret, source } = resolveSigningSecret(options.secret);
  const payload = await readPayload(options.payload);
  const timestamp = options.timestamp === undefined ? undefined : parseUnixTime(options.timestamp, '--timestamp');
  if (options.id !== undefined && options.id.trim() === '') {
    throw new InputError('usage', '--id is empty: pass a message id such as --id msg_1, or leave it out for a fresh one');
  }
  if (options.curl !== undefined) checkCurlUrl(options.curl);
  const signed = sign({ payload, secret, id: options.id, timestamp, headerFamily: options.unbranded ? 'webhook' : 'svix' });

  const curl = options.curl === undefined ? undefined : curlCommand(options.curl, signed.headers, payload);
  if (curl) {
    ui.line(curl);
  } else {
    for (const [name, value] of Object.entries(signed.headers)) ui.line(`${name}: ${value}`);
  }
  if (source === 'default' && !options.json) {
    process.stderr.write(ui.color.dim(`# signed with the built-in test secret ${maskSecret(secret)}; pass --secret to use yours\n`));
  }
  ui.record({
    type: 'signature',
    id: signed.id,
    timestamp: signed.timestamp,
    signature: signed.signature,
    headers: signed.headers,
    ...(curl ? { curl } : {}),
  });
  return EXIT_OK;
}

function checkCurlUrl(text: string): void {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new InputError('usage', `--curl "${text}" is not an http(s) URL: pass the endpoint, e.g. --curl http://localhost:3000/webhooks`);
  }
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
