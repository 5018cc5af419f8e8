import { sign } from '../../signature/index.js';
import { parseUnixTime } from '../parse/time.js';
import type { SignCommandOptions } from './flags.js';
import { readPayload, resolveSigningSecret } from '../shared/inputs.js';
import { createUi } from '../shared/ui.js';
import { EXIT_OK } from '../shared/errors.js';
import { renderSignature } from './render.js';

export async function runSign(options: SignCommandOptions): Promise<number> {
  const ui = createUi(options);
  const { secret, source } = resolveSigningSecret(options.secret);
  const payload = await readPayload(options.payload);
  const timestamp = options.timestamp === undefined ? undefined : parseUnixTime(options.timestamp, '--timestamp');
  const signed = sign({ payload, secret, id: options.id, timestamp, headerFamily: options.unbranded ? 'webhook' : 'svix' });

  renderSignature(ui, signed, { payload, curl: options.curl, secret, secretSource: source });
  return EXIT_OK;
}
