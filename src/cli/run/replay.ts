import { InputError } from '../../errors.js';
import { failedVerification, readJournal, selectRecords, toOutgoingMessage, type ReplayFilter } from '../../delivery/replay.js';
import { parseDuration } from '../../util/duration.js';
import { parseUnixTime } from '../../util/time.js';
import type { ReplayCommandOptions } from '../commands/replay.js';
import { resolveDeliverySettings, runDeliveries } from '../deliveries.js';
import { readFileArgument } from '../inputs.js';
import { createUi } from '../ui.js';

export async function runReplay(journal: string, options: ReplayCommandOptions): Promise<number> {
  const ui = createUi(options);
  const settings = resolveDeliverySettings(options);
  const filter: ReplayFilter = { ids: options.id, types: options.type, sinceMs: parseSince(options.since) };
  const { records, tornLastLine } = readJournal((await readFileArgument(journal, 'journal', 'pass the path of a file written by listen --record, e.g. events.jsonl')).toString('utf8'), journal);
  const { color } = ui;
  if (tornLastLine !== undefined) {
    ui.line(color.yellow(`warning: ${journal} line ${tornLastLine} is cut off (the listener stopped mid-write; it was never answered 2xx): skipped`));
  }
  const matching = selectRecords(records, filter);
  // A request that failed verification may be anyone's forgery: re-signing it with the real secret would make
  // the app trust it (issue 11). It is sent only on request.
  const refused = options.includeUnverified ? [] : matching.filter(failedVerification);
  const selected = refused.length > 0 ? matching.filter((r) => !failedVerification(r)) : matching;
  if (selected.length === 0 && refused.length > 0) {
    throw new InputError(
      'invalid-journal',
      `all ${refused.length} matching deliveries in ${journal} failed signature verification when received: pass --include-unverified to send them anyway`,
    );
  }
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
  const code = await runDeliveries(selected.map(toOutgoingMessage), settings, ui, what);
  if (refused.length > 0) {
    const count = `${refused.length} recorded ${refused.length === 1 ? 'delivery' : 'deliveries'}`;
    ui.line(color.yellow(`skipped ${count} that failed signature verification when received (--include-unverified sends them)`));
    ui.record({ type: 'skipped', reason: 'failed-verification', count: refused.length });
  }
  return code;
}

/** `--since 10m` (a duration back from now) or `--since 2026-11-28T12:00:00Z` / unix seconds. */
function parseSince(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}/.test(text.trim()) || /^\d{9,}$/.test(text.trim())) return parseUnixTime(text, '--since') * 1000;
  if (text.trim().startsWith('-')) {
    throw new InputError('invalid-duration', `--since "${text}" is negative: give how far back to look, e.g. --since 10m, or an ISO date (2026-11-28T12:00:00Z) or unix seconds`);
  }
  if (!/^\d+(\.\d+)?(ms|s|m|h|d)?(\d+(\.\d+)?(ms|s|m|h|d))*$/.test(text.trim())) {
    throw new InputError(
      'invalid-duration',
      `--since "${text}" is neither a duration nor a time: use a duration back from now (10m, 2h, 1d), an ISO date (2026-11-28T12:00:00Z) or unix seconds`,
    );
  }
  return Date.now() - parseDuration(text, '--since');
}
