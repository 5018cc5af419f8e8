import { InputError } from '../errors.js';
import { DEFAULT_TEST_SECRET, parseSecret } from './secret.js';

/** The secret a library call verifies or signs with: the given one, checked, else the built-in test secret. */
export function checkedSecret(secret: string | undefined, use: 'verify' | 'sign'): string {
  const chosen = secret ?? DEFAULT_TEST_SECRET;
  const parsed = parseSecret(chosen);
  if (!parsed.ok) throw new InputError('invalid-secret', `invalid secret: ${parsed.message}`);
  if (use === 'sign' && chosen.startsWith('whpk_')) {
    throw new InputError('invalid-secret', 'a whpk_ public key can only verify: sign with the whsec_ secret (or a whsk_ signing key)');
  }
  return chosen;
}
