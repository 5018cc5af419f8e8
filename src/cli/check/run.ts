import { BATTERY } from '../../check/index.js';
import { check } from '../../check/check.js';
import { InputError } from '../../errors.js';
import { maskSecret } from '../../signature/index.js';
import { formatDuration } from '../../util/duration.js';
import { parseDuration } from '../parse/duration.js';
import { parseHttpUrl } from '../parse/url.js';
import { resolveTarget } from '../shared/target.js';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK } from '../shared/errors.js';
import { resolveSecrets } from '../shared/inputs.js';
import { stopOnSignal } from '../shared/stop-on-signal.js';
import { createUi, spinnerOptions } from '../shared/ui.js';
import { effectsCounter } from './effects.js';
import { createRenderer, printHeader, printList } from './render.js';
import { selectChecks } from './select.js';

export interface CheckCommandOptions {
  url?: string;
  secret?: string[];
  effectsUrl?: string;
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
  if (secrets.some((secret) => secret.startsWith('whpk_'))) {
    throw new InputError('invalid-secret', 'a whpk_ public key can only verify: check signs, so pass the whsec_ secret (or a whsk_ signing key)');
  }
  const effects = options.effectsUrl === undefined ? undefined : effectsCounter(parseHttpUrl(options.effectsUrl, '--effects-url', 'http://localhost:3000/webhooks/effects'));
  // Asked once before the battery (about an id nobody sent): a route that is missing or answers something else is
  // a usage error now, not a group of checks quietly skipped later.
  if (effects) await effects('event_checkprobe000000');

  const from = source === 'default' ? ' (the built-in test secret: configure your app with it, or pass --secret)' : source === 'env' ? ' (from $SCANDOCS_WEBHOOK_SECRET)' : '';
  printHeader(ui, `Checking ${target.listener ? `the running listen at ${url}` : url}, ${formatDuration(timeoutMs)} allowed per delivery`);
  printHeader(ui, `signing with ${secrets.map(maskSecret).join(' and ')}${from}`, ui.color.dim);
  const spinner = ui.interactive ? (await import('ora')).default(spinnerOptions(ui)) : undefined;
  // Ctrl-C stops the battery and still prints the card of the checks that ran; a second one exits at once.
  const stop = stopOnSignal();
  try {
    const card = await check({ url, secret: secrets, timeoutMs, effects, signal: stop.signal, ...selection, onReport: createRenderer(ui, spinner) });
    if (card.interrupted) return EXIT_INTERRUPTED;
    return card.ok ? EXIT_OK : EXIT_FAILED;
  } finally {
    stop.dispose();
    // A running spinner's timer would keep the process alive after an unexpected error.
    spinner?.stop();
  }
}

/** `--only a,b --only c` → ['a', 'b', 'c']. */
function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => value.split(',')).map((name) => name.trim()).filter((name) => name !== '');
}
