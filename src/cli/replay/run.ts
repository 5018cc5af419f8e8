import { InputError } from '../../errors.js';
import { parseJournal, selectRecords, toOutgoingMessage, type ReplayFilter } from '../../delivery/replay.js';
import { parseDuration } from '../../util/duration.js';
import { parseUnixTime } from '../../util/time.js';
import type { ReplayCommandOptions } from './flags.js';
import { resolveDeliverySettings, runDeliveries } from '../delivery/run.js';
import { readFileArgument } from '../shared/inputs.js';
import { createUi } from '../shared/ui.js';

export async function runReplay(journal: string, options: ReplayCommandOptions): Promise<number> {
  const ui = createUi(options);
  const settings = resolveDeliverySettings(options);
  const filter: ReplayFilter = { ids: options.id, types: options.type, sinceMs: parseSince(options.since) };
  const records = parseJournal((await readFileArgument(journal, 'journal')).toString('utf8'), journal);
  const selected = selectRecords(records, filter);
  if (selected.length === 0) {
    const filters = [options.id && `--id ${options.id.join(',')}`, options.type && `--type ${options.type.join(',')}`, options.since && `--since ${options.since}`];
    const by = filters.filter(Boolean).join(' ');
    throw new InputError(
      'invalid-journal',
      records.length === 0
        ? `${journal} holds no recorded deliveries: record some with scandocs-webhooks listen --record ${journal}`
        : `none of the ${records.length} deliveries in ${journal} match ${by}: loosen the filters`,
    );
  }
  const what = `replaying ${selected.length} of ${records.length} recorded ${records.length === 1 ? 'delivery' : 'deliveries'} from ${journal}`;
  return runDeliveries(selected.map(toOutgoingMessage), settings, ui, what);
}

/** `--since 10m` (a duration back from now) or `--since 2026-11-28T12:00:00Z` / unix seconds. */
function parseSince(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}/.test(text.trim()) || /^\d{9,}$/.test(text.trim())) return parseUnixTime(text, '--since') * 1000;
  return Date.now() - parseDuration(text, '--since duration');
}
