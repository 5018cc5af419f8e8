import { InputError } from '../../errors.js';
import { replay, whyRefused } from '../../delivery/replay.js';
import type { SendStartReport } from '../../delivery/send.js';
import { resolveDeliverySettings, runDeliveries } from '../delivery/run.js';
import { parseDuration } from '../parse/duration.js';
import { parseUnixTime } from '../parse/time.js';
import { plural } from '../shared/text.js';
import { createUi, type Ui } from '../shared/ui.js';
import type { DeliveryCommandOptions } from '../delivery/run.js';

export interface ReplayCommandOptions extends DeliveryCommandOptions {
  id?: string[];
  type?: string[];
  since?: string;
  includeUnverified?: boolean;
}

export async function runReplay(journal: string, options: ReplayCommandOptions): Promise<number> {
  const ui = createUi(options);
  const settings = resolveDeliverySettings(options);
  const sinceMs = parseSince(options.since);
  let skipped = 0;
  let neverVerified = 0;
  const describe = ({ total, replay: journalled }: SendStartReport) => {
    const recorded = journalled?.recorded ?? total;
    skipped = journalled?.skippedUnverified ?? 0;
    neverVerified = journalled?.skippedNeverVerified ?? 0;
    warnTornLine(ui, journal, journalled?.tornLastLine);
    return `replaying ${total} of ${plural(recorded, 'recorded delivery', 'recorded deliveries')} from ${journal}`;
  };
  const code = await runDeliveries('replay', settings, ui, describe, (onReport, signal) =>
    replay({ ...settings.send, journal, ids: options.id, types: options.type, sinceMs, includeUnverified: options.includeUnverified, onReport, signal }).catch(
      (error: unknown) => {
        if (error instanceof InputError && error.code === 'invalid-journal') warnTornLine(ui, journal, error.details.tornLastLine as number | undefined);
        throw nothingToReplayWithFlags(error, journal, options);
      },
    ),
  );
  if (skipped > 0) {
    const count = plural(skipped, 'recorded delivery', 'recorded deliveries');
    ui.line(ui.color.yellow(`skipped ${count} that ${whyRefused(skipped - neverVerified, neverVerified)} (--include-unverified sends them)`));
    if (skipped > neverVerified) ui.record({ type: 'skipped', reason: 'failed-verification', count: skipped - neverVerified });
    if (neverVerified > 0) ui.record({ type: 'skipped', reason: 'not-verified', count: neverVerified });
  }
  return code;
}

/** A torn last line was never acknowledged: replay leaves it out, and says so first. */
function warnTornLine(ui: Ui, journal: string, line: number | undefined): void {
  if (line === undefined) return;
  ui.line(ui.color.yellow(`warning: ${journal} line ${line} is cut off (the listener stopped mid-write; it was never answered 2xx): skipped`));
}

/** A journal with nothing to replay, said with the flags and the filters as they were typed. */
function nothingToReplayWithFlags(error: unknown, journal: string, options: ReplayCommandOptions): unknown {
  if (!(error instanceof InputError) || error.code !== 'invalid-journal') return error;
  switch (error.details.kind) {
    case 'all-unverified':
      return new InputError(
        'invalid-journal',
        `all ${error.details.refused} matching deliveries in ${journal} ${whyRefused(Number(error.details.refused) - Number(error.details.neverVerified ?? 0), Number(error.details.neverVerified ?? 0))}: pass --include-unverified to send them anyway`,
      );
    case 'empty':
      return new InputError('invalid-journal', `${journal} holds no recorded deliveries: record some with scandocs-webhooks listen --record ${journal}`);
    case 'no-match': {
      const filters = [options.id && `--id ${options.id.join(',')}`, options.type && `--type ${options.type.join(',')}`, options.since && `--since ${options.since}`];
      return new InputError('invalid-journal', `none of the ${error.details.recorded} deliveries in ${journal} match ${filters.filter(Boolean).join(' ')}: loosen the filters`);
    }
    default:
      return error;
  }
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
