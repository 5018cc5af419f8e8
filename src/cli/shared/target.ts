import { InputError } from '../../errors.js';
import { findRunningListener, type ListenerAnnouncement } from '../../listener/announcement.js';
import { parseHttpUrl } from '../parse/url.js';
import { SECRET_ENV, type ResolvedSecrets } from './inputs.js';

/** Where `trigger`, `replay` and `check` send: the --url given, else the `listen` running on this machine. */
export interface Target {
  url: string;
  /** Set when no --url was given and the running listener was found. */
  listener?: ListenerAnnouncement;
}

export const NO_LISTENER_MESSAGE = 'no --url, and no listen is running: start `scandocs-webhooks listen` in another terminal, or pass --url';

export function resolveTarget(given: string | undefined, example: string): Target {
  if (given !== undefined) return { url: parseHttpUrl(given, '--url', example).href };
  const listener = findRunningListener();
  if (!listener) throw new InputError('usage', NO_LISTENER_MESSAGE, { kind: 'no-listener' });
  return { url: listener.url, listener };
}

/** "to http://…" or "to the running listen at http://…", for a command's first line. */
export function targetWords(target: Target, shownUrl = target.url): string {
  return target.listener ? `to the running listen at ${shownUrl}` : `to ${shownUrl}`;
}

const SOURCE_WORDS: Record<ListenerAnnouncement['secretSource'], string> = {
  option: 'a secret given with --secret',
  env: `$${SECRET_ENV}`,
  default: 'the built-in test secret',
  none: 'no secret',
};

/**
 * The running listener announces where its secret came from, never the secret: when this run resolved its own
 * from another source, the two almost certainly differ, and saying so now saves a round of 401s. (Both from
 * --secret, or both from the environment, may still differ: that is for the first 401 to tell.)
 */
export function secretDisagreement(target: Target, source: ResolvedSecrets['source']): string | undefined {
  const theirs = target.listener?.secretSource;
  if (theirs === undefined || theirs === 'none') return undefined;
  const ours = source === 'flag' ? 'option' : source;
  if (ours === theirs) return undefined;
  return `warning: the running listen verifies with ${SOURCE_WORDS[theirs]}, but this run signs with ${SOURCE_WORDS[ours]}: pass the listener's secret with --secret (or set $${SECRET_ENV} for both)`;
}
