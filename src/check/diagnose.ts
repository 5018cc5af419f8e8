import { createHmac } from 'node:crypto';
import type { AttemptRequest, AttemptResult } from '../delivery/attempt.js';
import { newMessageId, sign } from '../signature/index.js';
import { freshCheckEvent } from './requests.js';
import type { CheckContext, CommonFailure } from './types.js';

/**
 * When every must-accept check was refused the same way (401, 403, 400), the answer alone cannot tell a different
 * secret from a verifier that is wrong in a known way. One or two extra deliveries, each made the way a known-wrong
 * verifier expects, find out: the one it accepts names the mistake. Sends nothing for other answers.
 */
export async function diagnoseRefusals(
  common: CommonFailure,
  context: CheckContext,
  send: (request: Pick<AttemptRequest, 'headers' | 'body'>) => Promise<AttemptResult>,
): Promise<string | undefined> {
  if (!/^(400|401|403)$/.test(common.answer)) return undefined;
  for (const probe of PROBES) {
    const body = JSON.stringify(freshCheckEvent('file.created'));
    const answer = await send({ headers: { 'content-type': 'application/json', ...probe.headers(context, body) }, body });
    if (answer.kind === 'response' && answer.ok) return probe.diagnosis;
  }
  return undefined;
}

interface Probe {
  headers(context: CheckContext, body: string): Record<string, string>;
  diagnosis: string;
}

const PROBES: readonly Probe[] = [
  {
    // Standard Webhooks' unbranded names only: what the standardwebhooks library reads, and Svix does not send alone.
    headers: (context, body) => sign({ payload: body, secret: context.secret, timestamp: context.now, headerFamily: 'webhook' }).headers,
    diagnosis:
      'your verifier reads only webhook-* headers (webhook-id, webhook-timestamp, webhook-signature), and Svix sends svix-* ones: ' +
      'pass the svix-* headers too (the svix library reads both), or map them to webhook-* before verifying',
  },
  {
    // The HMAC keyed with the secret as text, whsec_ and all, instead of the bytes it encodes.
    headers(context, body) {
      const id = newMessageId();
      const signature = createHmac('sha256', context.secret).update(`${id}.${context.now}.${body}`).digest('base64');
      return { 'svix-id': id, 'svix-timestamp': String(context.now), 'svix-signature': `v1,${signature}` };
    },
    diagnosis:
      'your verifier uses the secret string itself as the HMAC key: base64-decode the part after whsec_ and use ' +
      'those bytes as the key (or let the svix library do it: new Webhook(secret))',
  },
];
