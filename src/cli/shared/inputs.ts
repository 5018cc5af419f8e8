import { readFile } from 'node:fs/promises';
import { InputError } from '../../errors.js';
import { DEFAULT_TEST_SECRET, parseSecret } from '../../signature/secret.js';

export const SECRET_ENV = 'SCANDOCS_WEBHOOK_SECRET';

/** Reads a `<text|@file|->` argument: literal text, a file's bytes, or standard input. Bytes are kept exact. */
export async function readPayload(spec: string, flag = '--payload'): Promise<Buffer> {
  if (spec === '-') return readStdin();
  if (spec.startsWith('@')) return readFileArgument(spec.slice(1), flag);
  return Buffer.from(spec);
}

/** `how` is the hint after the reason: it offers `-` only to the arguments that accept standard input. */
export async function readFileArgument(path: string, flag: string, how = 'use @path/to/file, or - for standard input'): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : code;
    throw new InputError('unreadable-file', `cannot read ${flag} file "${path}": ${why} (${how})`);
  }
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface ResolvedSecrets {
  secrets: string[];
  /** Where they came from, for the start-up line. */
  source: 'flag' | 'env' | 'default';
}

/** `--secret` (repeatable), else SCANDOCS_WEBHOOK_SECRET, else the documented test secret. Each is validated. */
export function resolveSecrets(given: string[] | string | undefined, env = process.env): ResolvedSecrets {
  const list = (Array.isArray(given) ? given : given !== undefined ? [given] : []).filter((s) => s !== undefined);
  // `--secret "$UNSET_VAR"` arrives as an empty string: falling back to the test secret would make a run that
  // forgot its secret look like it worked.
  if (list.some((s) => s.trim() === '')) {
    throw new InputError('invalid-secret', '--secret is empty (an unset variable?): pass the endpoint secret, e.g. --secret whsec_…, or leave --secret out to use the test secret');
  }
  const resolved: ResolvedSecrets =
    list.length > 0
      ? { secrets: list, source: 'flag' }
      : env[SECRET_ENV]
        ? { secrets: [env[SECRET_ENV]!], source: 'env' }
        : { secrets: [DEFAULT_TEST_SECRET], source: 'default' };
  for (const secret of resolved.secrets) {
    const parsed = parseSecret(secret);
    const from = resolved.source === 'env' ? ` (from ${SECRET_ENV})` : '';
    if (!parsed.ok) throw new InputError('invalid-secret', `invalid secret${from}: ${parsed.message}`);
    // A short key works, and is what a hand-made test secret often is: said on stderr, never blocking.
    if (parsed.kind === 'hmac' && parsed.warning) process.stderr.write(`warning${from}: ${parsed.warning}\n`);
  }
  return resolved;
}

/** The one secret a command signs with, resolved as resolveSecrets does; a whpk_ public key can only verify. */
export function resolveSigningSecret(given: string | undefined): { secret: string; source: ResolvedSecrets['source'] } {
  const { secrets, source } = resolveSecrets(given);
  const secret = secrets[0]!;
  if (secret.startsWith('whpk_')) {
    throw new InputError('invalid-secret', 'a whpk_ public key can only verify: sign with the whsec_ secret (or a whsk_ signing key)');
  }
  return { secret, source };
}
