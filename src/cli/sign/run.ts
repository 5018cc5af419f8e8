import { InputError } from '../../errors.js';
import { sign } from '../../signature/index.js';
import { parseUnixTime } from '../parse/time.js';
import { isHttpUrl } from '../../util/http-url.js';
import { readPayload, resolveSigningSecret } from '../shared/inputs.js';
import { createUi } from '../shared/ui.js';
import { EXIT_OK } from '../shared/errors.js';
import { renderSignature } from './render.js';

export interface SignCommandOptions {
  payload: string;
  secret?: string;
  id?: string;
  timestamp?: string;
  unbranded?: boolean;
  curl?: string;
  json?: boolean;
}

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

  renderSignature(ui, signed, { payload, curl: options.curl, secret, secretSource: source });
  return EXIT_OK;
}

function checkCurlUrl(text: string): void {
  if (!isHttpUrl(text)) {
    throw new InputError('usage', `--curl "${text}" is not an http(s) URL: pass the endpoint, e.g. --curl http://localhost:3000/webhooks`);
  }
}
