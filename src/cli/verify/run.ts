import { InputError } from '../../errors.js';
import { verify, parseHeaderDump, DEFAULT_TEST_SECRET } from '../../signature/index.js';
import { parseUnixTime } from '../parse/time.js';
import { parseHeaderLine } from '../parse/header-line.js';
import { readPayload, readFileArgument, resolveSecrets, SECRET_ENV } from '../shared/inputs.js';
import { createUi } from '../shared/ui.js';
import { verificationWithFlagWords } from '../shared/flag-words.js';
import { EXIT_FAILED, EXIT_OK } from '../shared/errors.js';
import { renderVerification } from './render.js';

export interface VerifyCommandOptions {
  payload: string;
  secret?: string[];
  header?: string[];
  headers?: string;
  id?: string;
  timestamp?: string;
  signature?: string;
  at?: string;
  tolerance?: string;
  json?: boolean;
}

export async function runVerify(options: VerifyCommandOptions): Promise<number> {
  const ui = createUi(options);
  const { secrets, source } = resolveSecrets(options.secret);
  const headers = await collectHeaders(options);
  const tolerance = parseTolerance(options.tolerance);
  const at = options.at === undefined ? undefined : parseUnixTime(options.at, '--at');
  const payload = await readPayload(options.payload);

  // Secrets the user did not pass can still explain a failure ("signed with the test secret").
  const diagnosticSecrets = [
    { label: 'the built-in test secret', secret: DEFAULT_TEST_SECRET },
    ...(process.env[SECRET_ENV] && source === 'flag' ? [{ label: `$${SECRET_ENV}`, secret: process.env[SECRET_ENV] }] : []),
  ].filter((d) => !secrets.includes(d.secret));

  const result = verificationWithFlagWords(verify({ payload, headers, secret: secrets, tolerance, at, diagnosticSecrets }));
  // A delivery that lacks a header or carries a timestamp that is not unix seconds is an invalid delivery
  // (exit 1, with its reason), as the public Standard Webhooks suites treat it: only passing no header at all is
  // a usage error, caught above.
  renderVerification(ui, result, secrets);
  return result.ok ? EXIT_OK : EXIT_FAILED;
}

async function collectHeaders(options: VerifyCommandOptions): Promise<Array<[string, string]>> {
  const pairs: Array<[string, string]> = [];
  if (options.headers) {
    const dump = options.headers === '-' ? await readPayload('-') : await readFileArgument(options.headers.replace(/^@/, ''), '--headers');
    pairs.push(...parseHeaderDump(dump.toString('utf8')));
  }
  pairs.push(...(options.header ?? []).map((h) => parseHeaderLine(h, '--header', '"svix-id: msg_…"')));
  if (options.id !== undefined) pairs.push(['svix-id', options.id]);
  if (options.timestamp !== undefined) pairs.push(['svix-timestamp', options.timestamp]);
  if (options.signature !== undefined) pairs.push(['svix-signature', options.signature]);
  const given = options.headers !== undefined || options.header !== undefined || options.id !== undefined || options.timestamp !== undefined || options.signature !== undefined;
  if (!given) {
    throw new InputError(
      'invalid-headers',
      'no headers given: pass --header "svix-id: …" (repeatable), --id/--timestamp/--signature, or --headers @file',
    );
  }
  return pairs;
}

function parseTolerance(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim())) throw new InputError('usage', `--tolerance "${text}" is not a whole number of seconds, e.g. --tolerance 300`);
  return Number(text);
}
