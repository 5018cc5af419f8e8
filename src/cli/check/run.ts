import { BATTERY } from '../../check/index.js';
import { check } from '../../check/check.js';
import { InputError } from '../../errors.js';
import { maskSecret } from '../../signature/index.js';
import { formatDuration } from '../../util/duration.js';
import { parseDuration } from '../parse/duration.js';
import { resolveTarget } from '../shared/target.js';
import { EXIT_FAILED, EXIT_OK } from '../shared/errors.js';
import { resolveSecrets } from '../shared/inputs.js';
import { createUi, spinnerOptions } from '../shared/ui.js';
import { createRenderer, printList } from './render.js';
import { selectChecks } from './select.js';

export interface CheckCommandOptions {
  url?: string;
  secret?: string;
  timeout: string;
  only?: string[];
  skip?: string[];
  list?: boolean;
  json?: boolean;
}

export async function runCheck(options: CheckCommandOptions): Promise<number> {
  const ui = createUi(options);
  const selection = { only: splitList(options.only), skip: splitList(options.skip) };
  const checks = selectChecks(BATTERY, selection);
  if (options.list) {
    printList(ui, checks);
    return EXIT_OK;
  }
  const target = resolveTarget(options.url, 'http://localhost:3000/webhooks');
  const url = target.url;
  const timeoutMs = parseDuration(options.timeout, '--timeout');
  if (timeoutMs <= 0) throw new InputError('invalid-duration', `--timeout must be more than 0, e.g. --timeout 5s`);
  const { secrets, source } = resolveSecrets(options.secret);
  const secret = secrets[0]!;
  if (secret.startsWith('whpk_')) {
    throw new InputError('invalid-secret', 'a whpk_ public key can only verify: check signs, so pass the whsec_ secret (or a whsk_ signing key)');
  }

  const from = source === 'default' ? ' (the built-in test secret: configure your app with it, or pass --secret)' : source === 'env' ? ' (from $SCANDOCS_WEBHOOK_SECRET)' : '';
  ui.line(`Checking ${target.listener ? `the running listen at ${url}` : url}, ${formatDuration(timeoutMs)} allowed per delivery`);
  ui.line(ui.color.dim(`signing with ${maskSecret(secret)}${from}`));
  const spinner = ui.interactive ? (await import('ora')).default(spinnerOptions(ui)) : undefined;
  try {
    const card = await check({ url, secret, timeoutMs, ...selection, onReport: createRenderer(ui, spinner) });
    return card.ok ? EXIT_OK : EXIT_FAILED;
  } finally {
    // A running spinner's timer would keep the process alive after an unexpected error.
    spinner?.stop();
  }
}

/** `--only a,b --only c` → ['a', 'b', 'c']. */
function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => value.split(',')).map((name) => name.trim()).filter((name) => name !== '');
}

