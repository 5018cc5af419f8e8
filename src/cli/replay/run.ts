import { InputError } from '../../errors.js';
import { replay } from '../../delivery/replay.js';
import { resolveDeliverySettings, runDeliveries } from '../delivery/run.js';
import { parseDuration } from '../parse/duration.js';
import { parseUnixTime } from '../parse/time.js';
import { createUi } from '../shared/ui.js';
import type { ReplayCommandOptions } from './flags.js';

export async function runReplay(journal: string, options: ReplayCommandOptions): Promise<number> {
  const ui = createUi(options);
  const settings = resolveDeliverySettings(options);
  const sinceMs = parseSince(options.since);
  const describe = ({ total, recorded = total }: { total: number; recorded?: number }) =>
    `replaying ${total} of ${recorded} recorded ${recorded === 1 ? 'delivery' : 'deliveries'} from ${journal}`;
  return runDeliveries(settings, ui, describe, (onReport) =>
    replay({ ...settings.send, journal, ids: options.id, types: options.type, sinceMs, onReport }).catch((error: unknown) => {
      throw nothingToReplayWithFlags(error, journal, options);
    }),
  );
}

/** A journal with nothing to replay, said with the filters as they were typed. */
function nothingToReplayWithFlags(error: unknown, journal: string, options: ReplayCommandOptions): unknown {
  if (!(error instanceof InputError) || error.code !== 'invalid-journal') return error;
  if (error.details.kind === 'empty') {
    return new InputError('invalid-journal', `${journal} holds no recorded deliveries: record some with scandocs-webhooks listen --record ${journal}`);
  }
  if (error.details.kind !== 'no-match') return error;
  const filters = [options.id && `--id ${options.id.join(',')}`, options.type && `--type ${options.type.join(',')}`, options.since && `--since ${options.since}`];
  return new InputError('invalid-journal', `none of the ${error.details.recorded} deliveries in ${journal} match ${filters.filter(Boolean).join(' ')}: loosen the filters`);
}

/** `--since 10m` (a duration back from now) or `--since 2026-11-28T12:00:00Z` / unix seconds. */
function parseSince(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}/.test(text.trim()) || /^\d{9,}$/.test(text.trim())) return parseUnixTime(text, '--since') * 1000;
  return Date.now() - parseDuration(text, '--since duration');
}
