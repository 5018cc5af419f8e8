import { InputError } from '../../errors.js';
import { EVENT_TYPES } from '../../events/index.js';
import { trigger } from '../../delivery/trigger.js';
import { findUrlArgument } from '../delivery/flags.js';
import { parseCount, resolveDeliverySettings, runDeliveries } from '../delivery/run.js';
import { readPayload } from '../shared/inputs.js';
import { plural } from '../shared/text.js';
import { createUi } from '../shared/ui.js';
import type { DeliveryCommandOptions } from '../delivery/run.js';

export interface TriggerCommandOptions extends DeliveryCommandOptions {
  all?: boolean;
  variant?: string;
  set?: string[];
  setNew?: string[];
  data?: string;
  raw?: boolean;
  count: string;
  duplicate?: boolean;
  shuffle?: boolean;
}

/** A bound on --count, so a typo cannot queue millions of deliveries. */
const MAX_COUNT = 100_000;

export async function runTrigger(types: string[], options: TriggerCommandOptions): Promise<number> {
  const ui = createUi(options);
  const urlArgument = findUrlArgument(types);
  // `trigger task.completed http://…` forgot --url: without this, it would go to the running listen instead.
  if (urlArgument !== undefined && options.url === undefined) {
    throw new InputError('usage', `"${urlArgument}" is an argument, but the endpoint goes in --url: did you mean --url ${urlArgument}?`);
  }
  if (options.data === undefined) {
    if (options.all && types.length > 0) throw new InputError('usage', `pass event types or --all, not both (got --all and ${types.join(' ')})`);
    if (urlArgument !== undefined) throw new InputError('usage', `"${urlArgument}" is not an event type: did you mean --url ${urlArgument}? (drop it from the event types)`);
    if (!options.all && types.length === 0) {
      throw new InputError('usage', `name at least one event type (${EVENT_TYPES.join(', ')}), or --all, or --data @event.json`);
    }
  } else if (types.length > 0 || options.all || options.variant !== undefined || options.set !== undefined || options.setNew !== undefined) {
    throw new InputError('usage', '--data sends its own body as is: drop the event types, --all, --variant, --set and --set-new (edit the file instead)');
  }
  // After what to send: "no listen is running" is only worth saying about a command that is otherwise right.
  const settings = resolveDeliverySettings(options);
  const count = parseCount(options.count, '--count', MAX_COUNT);
  const data = options.data === undefined ? undefined : await readPayload(options.data, '--data');
  // "sending 40 events (each twice)" for 20 events read as 40 events sent twice: count the events, then the sends.
  const describe = ({ total }: { total: number }) => {
    const events = options.duplicate ? total / 2 : total;
    const twice = options.duplicate ? `, each twice with the same svix-id (${total} deliveries)` : '';
    return `sending ${plural(events, 'event', 'events')}${twice}${options.shuffle ? ', shuffled' : ''}`;
  };
  return runDeliveries('trigger', { ...settings, duplicate: options.duplicate }, ui, describe, (onReport, signal) =>
    trigger({
      ...settings.send,
      ...(data === undefined ? { types: options.all ? 'all' : types, variant: options.variant, set: options.set, setNew: options.setNew } : { data, raw: options.raw }),
      count,
      duplicate: options.duplicate,
      shuffle: options.shuffle,
      onReport,
      signal,
    }).catch((error: unknown) => {
      throw invalidJsonWithFlags(error, options.data!);
    }),
  );
}

/** --data that is not JSON, said with the flag and where the bytes came from. */
function invalidJsonWithFlags(error: unknown, spec: string): unknown {
  if (!(error instanceof InputError) || error.details.kind !== 'invalid-json') return error;
  const source = spec === '-' ? '--data - (standard input)' : spec.startsWith('@') ? `--data file ${spec.slice(1)}` : '--data';
  return new InputError('invalid-payload', `${source} is not valid JSON${error.details.where} (${error.details.reason}): fix it, or add --raw to send it anyway`);
}
