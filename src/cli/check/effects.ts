import { attemptDelivery } from '../../delivery/attempt.js';
import type { EffectsCounter } from '../../check/index.js';
import { InputError } from '../../errors.js';
import { formatDuration } from '../../util/duration.js';

/** A test-only route answers from memory: a second is plenty, and a stalled one must not stall the battery. */
const EFFECTS_TIMEOUT_MS = 3_000;
const FIX = 'answer GET ?event_id=<id> with {"count": n} or a bare number n, how many times the app applied that event';

/**
 * The effects count behind --effects-url: `GET <url>?event_id=<id>`, answered with `{"count": n}` or a bare number.
 * Every way it can go wrong throws one line that names the option and says what the route must answer.
 */
export function effectsCounter(url: URL): EffectsCounter {
  return async (eventId) => {
    const target = new URL(url);
    target.searchParams.set('event_id', eventId);
    const answer = await attemptDelivery({ url: target.href, method: 'GET', headers: { accept: 'application/json' }, body: '', timeoutMs: EFFECTS_TIMEOUT_MS });
    if (answer.kind === 'error') {
      if (answer.cause === 'timeout') throw new InputError('invalid-url', `--effects-url did not answer within ${formatDuration(EFFECTS_TIMEOUT_MS)}: ${FIX}, at once`);
      throw new InputError('invalid-url', `--effects-url could not be reached (${answer.message}): is the app running, with the route mounted at ${url.pathname}?`);
    }
    if (!answer.ok) throw new InputError('invalid-url', `--effects-url answered ${answer.status} to ${target.pathname}${target.search}: ${FIX}`);
    const count = parseCount(answer.body);
    if (count === undefined) {
      const shown = JSON.stringify(answer.body.length > 60 ? `${answer.body.slice(0, 60)}…` : answer.body);
      throw new InputError('invalid-url', `--effects-url answered ${shown}, not a count: ${FIX}`);
    }
    return count;
  };
}

/** `{"count": 2}` or `2` → 2; anything else → undefined. */
export function parseCount(body: string): number | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value === 'object' && value !== null && 'count' in value) value = (value as { count: unknown }).count;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}
